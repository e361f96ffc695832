// The line under a file action (import, append, back-up, restore, export) that says how it ended.

/** How a file action ended, in the writer's words; any other state of the action shows no line. */
export type Outcome = { kind: 'done'; message: string } | { kind: 'failed'; message: string };

/**
 * A status when the action went well, an alert when it failed. Keyed by the outcome so that a failure after a
 * success is a new alert, which screen readers announce (a role changed in place is not).
 */
export function OutcomeLine({ status, testId }: { status: Outcome | { kind: string }; testId: string }) {
  if (!isOutcome(status)) return null;
  return (
    <p key={status.kind} role={status.kind === 'done' ? 'status' : 'alert'} data-testid={testId}>
      {status.message}
    </p>
  );
}

function isOutcome(status: Outcome | { kind: string }): status is Outcome {
  return status.kind === 'done' || status.kind === 'failed';
}
