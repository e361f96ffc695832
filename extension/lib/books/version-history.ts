// The history view's model (pure): the server's kept versions and this device's snapshots as one list, newest first,
// grouped by the writer's calendar day.
import type { RevisionSummary } from '../../../shared/protocol.ts';
import type { SnapshotCause, SnapshotInfo } from './db.ts';

/** A version the server keeps: written by a named device ("web", or null when not recorded), with its word changes. */
export interface ServerEntry {
  source: 'server';
  key: string;
  /** When it was written (the writing device's clock, ms). */
  at: number;
  revision: number;
  title: string;
  device: string | null;
  wordsAdded: number;
  wordsRemoved: number;
  /** A merge of two devices' edits made it. */
  merge: boolean;
}

/** Text this browser kept before a change from elsewhere (a sync, a conflict choice, a restore) replaced it. */
export interface DeviceEntry {
  source: 'device';
  key: string;
  /** When it was replaced (this browser's clock, ms). */
  at: number;
  snapshotId: string;
  revision: number | null;
  title: string;
  cause: SnapshotCause;
  wordCount: number;
}

export type HistoryEntry = ServerEntry | DeviceEntry;

export interface HistoryDay {
  /** The calendar day as YYYY-MM-DD in the time zone asked for. */
  day: string;
  entries: HistoryEntry[];
}

export function serverEntry(v: RevisionSummary): ServerEntry {
  return {
    source: 'server',
    key: `server:${v.revision}`,
    at: v.updatedAt,
    revision: v.revision,
    title: v.title,
    device: v.device,
    wordsAdded: v.wordsAdded,
    wordsRemoved: v.wordsRemoved,
    merge: v.merge !== undefined,
  };
}

export function deviceEntry(s: SnapshotInfo): DeviceEntry {
  return {
    source: 'device',
    key: `device:${s.id}`,
    at: s.at,
    snapshotId: s.id,
    revision: s.revision,
    title: s.title,
    cause: s.cause,
    wordCount: s.wordCount,
  };
}

/**
 * Both sources as one list, newest first. Nothing is folded away: a snapshot of a revision the server also keeps may
 * hold edits that never reached it, and only its text could tell. On equal times the server's entry comes first, then
 * the higher revision, then the key, so the order never depends on the order the sources answered in.
 */
export function mergeHistory(server: readonly RevisionSummary[], device: readonly SnapshotInfo[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [...server.map(serverEntry), ...device.map(deviceEntry)];
  return entries.sort(
    (a, b) =>
      b.at - a.at ||
      (a.source === b.source ? 0 : a.source === 'server' ? -1 : 1) ||
      (b.revision ?? -1) - (a.revision ?? -1) ||
      a.key.localeCompare(b.key),
  );
}

/** The calendar day (YYYY-MM-DD) of a time in a time zone (undefined: the browser's own). */
export function dayOf(at: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** Newest-first entries cut into calendar days, keeping their order (days newest first). */
export function groupByDay(entries: readonly HistoryEntry[], timeZone?: string): HistoryDay[] {
  const days: HistoryDay[] = [];
  for (const entry of entries) {
    const day = dayOf(entry.at, timeZone);
    const last = days[days.length - 1];
    if (last?.day === day) last.entries.push(entry);
    else days.push({ day, entries: [entry] });
  }
  return days;
}
