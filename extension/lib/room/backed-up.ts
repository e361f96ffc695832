// "Backed up 2 min ago": how long since the book last reached the server, in the interface's language.

/** The largest unit that keeps the number small, as Intl.RelativeTimeFormat wants it. */
export function relativeParts(elapsedMs: number): { value: number; unit: Intl.RelativeTimeFormatUnit } | null {
  const seconds = Math.max(0, elapsedMs) / 1000;
  if (seconds < 45) return null;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return { value: Math.max(1, minutes), unit: 'minute' };
  const hours = Math.round(minutes / 60);
  if (hours < 24) return { value: hours, unit: 'hour' };
  const days = Math.round(hours / 24);
  if (days < 30) return { value: days, unit: 'day' };
  const months = Math.round(days / 30.44);
  if (months < 12) return { value: months, unit: 'month' };
  return { value: Math.round(days / 365.25), unit: 'year' };
}

/**
 * "2 minutes ago" / "hace 2 minutos", "yesterday" / "ayer": whole words, as a writer would say it (the short style
 * abbreviates, "2 min. ago"); null for "just now" (under a minute), which the catalogue words itself.
 */
export function timeAgo(since: number, now: number, locale: string): string | null {
  const parts = relativeParts(now - since);
  if (!parts) return null;
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' }).format(-parts.value, parts.unit);
}
