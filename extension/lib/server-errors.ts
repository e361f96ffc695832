// A server refusal in the user's language: the message for its ErrorCode, and for each refused field its FieldReason;
// the server's (English) text only where this build does not know the code or the reason.
import { ErrorCode, FieldReason } from '../../shared/error-codes.ts';
import { LIMITS } from '../../shared/limits.ts';
import { t, type MessageKey } from './i18n.ts';
import type { TransportError } from './sync/transport-error.ts';

// Fails to compile when a code or a reason has no message in the catalogue.
type CodeKey = `error_${ErrorCode}`;
type ReasonKey = `fieldReason_${FieldReason}`;
const everyCodeHasAMessage: CodeKey extends MessageKey ? (ReasonKey extends MessageKey ? true : never) : never = true;
void everyCodeHasAMessage;

const CODES = new Set<string>(Object.values(ErrorCode));
const REASONS = new Set<string>(Object.values(FieldReason));

/** Fields by the labels the UI shows them with; other fields keep the server's name. */
const FIELD_LABELS: Partial<Record<string, MessageKey>> = {
  email: 'email',
  password: 'password',
  title: 'titleLabel',
  author: 'authorLabel',
  content: 'manuscript',
};

const fieldLabel = (field: string) => {
  const label = FIELD_LABELS[field];
  return label ? t(label) : field;
};

/** The localised text for a server ErrorCode; null for a code this build does not know (or none). */
export function codeText(code: string | null | undefined): string | null {
  return code && CODES.has(code) ? t(`error_${code}` as CodeKey) : null;
}

/** The localised reason a field was refused; null for `invalid` or a reason this build does not know. */
function reasonText(field: string, reason: string | undefined): string | null {
  if (field === 'password' && reason === FieldReason.tooShort) return t('passwordTooShort', LIMITS.passwordMin);
  if (reason && reason !== FieldReason.invalid && REASONS.has(reason)) return t(`fieldReason_${reason}` as ReasonKey);
  return null;
}

/** Each refused field with its localised reason ("Title: is required"); null when any reason cannot be localised. */
export function fieldReasonsText(reasons: Record<string, string>): string | null {
  const parts: string[] = [];
  for (const [field, reason] of Object.entries(reasons)) {
    const text = reasonText(field, reason);
    if (text === null) return null;
    parts.push(`${fieldLabel(field)}: ${text}`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/** What to show for a refusal: the code's message, then each refused field with its reason. */
export function serverErrorText(error: TransportError): string {
  const { code, details, reasons } = error.extra;
  const headline = codeText(code) ?? error.message;
  if (!details) return headline;
  const fields = Object.entries(details).map(
    ([field, messages]) => `${fieldLabel(field)}: ${reasonText(field, reasons?.[field]) ?? messages.join(', ')}`,
  );
  return [headline, ...fields].join(' — ');
}
