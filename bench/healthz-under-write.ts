// The server's event-loop delay seen from outside: /healthz latency while it processes a worst-case valid write
// (5 MiB of manuscript at the markup limits), against the same server idle.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { worstCaseManuscript } from '../server/test/markup.ts';
import { signUpWriter } from './lib/accounts.ts';
import { startServer } from './lib/processes.ts';
import { percentile, round } from './lib/stats.ts';

/** /healthz is asked this often whatever the answers do (open loop), so a stall delays every probe it overlaps. */
const PROBE_INTERVAL_MS = 10;
const IDLE_PROBES = 200;
/** Fits the default MAX_PAYLOAD_BYTES (5 MiB) with the JSON around the content. */
const WRITE_CONTENT_BYTES = 5 * 1024 * 1024 - 1024;

export interface LatencySummary {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface HealthzFigures {
  probeIntervalMs: number;
  contentBytes: number;
  idle: LatencySummary;
  /** Every probe sent while a write was being processed, over all runs. */
  duringWrite: LatencySummary;
  writes: Array<{ status: number; ms: number }>;
}

function summary(latencies: number[]): LatencySummary {
  return {
    samples: latencies.length,
    p50Ms: round(percentile(latencies, 50), 1),
    p99Ms: round(percentile(latencies, 99), 1),
    maxMs: round(Math.max(...latencies), 1),
  };
}

/** Probes /healthz every PROBE_INTERVAL_MS until `until` settles; each latency counts from when its probe was due. */
async function probe(url: string, until: Promise<unknown>): Promise<number[]> {
  const latencies: Promise<number>[] = [];
  let done = false;
  void until.finally(() => (done = true));
  const start = performance.now();
  for (let n = 0; !done; n++) {
    const due = start + n * PROBE_INTERVAL_MS;
    latencies.push(
      fetch(`${url}/healthz`).then(async (response) => {
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
        return performance.now() - due;
      }),
    );
    await sleep(Math.max(0, due + PROBE_INTERVAL_MS - performance.now()));
  }
  return Promise.all(latencies);
}

export async function measureHealthzUnderWrite(runs: number, log: (line: string) => void): Promise<HealthzFigures> {
  const server = await startServer();
  try {
    const writer = await signUpWriter(server.url);
    const content = worstCaseManuscript(WRITE_CONTENT_BYTES);
    const idle = await probe(server.url, sleep(IDLE_PROBES * PROBE_INTERVAL_MS));
    const during: number[] = [];
    const writes: HealthzFigures['writes'] = [];
    for (let run = 0; run < runs; run++) {
      const id = randomUUID();
      const body = JSON.stringify({ id, title: 'Worst case', content, updatedAt: Date.now() });
      const started = performance.now();
      const write = fetch(`${server.url}/api/books/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.token}` },
        body,
      }).then(async (response) => {
        await response.arrayBuffer();
        return { status: response.status, ms: round(performance.now() - started) };
      });
      during.push(...(await probe(server.url, write)));
      const answered = await write;
      if (answered.status !== 200) throw new Error(`the worst-case write answered ${answered.status}`);
      writes.push(answered);
      log(`healthz: write ${run + 1}/${runs} took ${answered.ms} ms`);
    }
    return { probeIntervalMs: PROBE_INTERVAL_MS, contentBytes: content.length, idle: summary(idle), duringWrite: summary(during), writes };
  } finally {
    await server.stop();
  }
}
