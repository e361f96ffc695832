// Which earlier versions of a book the server keeps as it ages: every one while recent, then one per hour, one per day,
// one per month — so history reaches back months at the cost of a handful of versions per day. Configured by
// HISTORY_TIERS (server/config.ts); docs/deploy.md and the README describe the setting.
import { LIMITS } from '../../shared/limits.ts';
import type { MergeRecord } from '../../shared/protocol.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Versions younger than `upToAgeMs` keep one per `bucketMs` (the newest of each); 0 keeps every one. */
export interface RetentionTier {
  upToAgeMs: number;
  bucketMs: number;
}

export const DEFAULT_RETENTION: readonly RetentionTier[] = [
  { upToAgeMs: 2 * DAY, bucketMs: 0 },
  { upToAgeMs: 30 * DAY, bucketMs: HOUR },
  { upToAgeMs: 365 * DAY, bucketMs: DAY },
  { upToAgeMs: Number.POSITIVE_INFINITY, bucketMs: 30 * DAY },
];

export interface AgedVersion {
  revision: number;
  /** When this version was replaced by the next one (the end of its life as the current text). */
  replacedAt: number;
}

/**
 * The revisions to keep at `now`. Buckets are aligned to the epoch (UTC hours and days), so a version kept today is
 * still the one kept tomorrow: thinning never has to bring a version back. Versions older than every tier are dropped.
 */
export function revisionsToKeep(versions: readonly AgedVersion[], now: number, tiers: readonly RetentionTier[] = DEFAULT_RETENTION): Set<number> {
  const keep = new Set<number>();
  const newestInBucket = new Map<string, AgedVersion>();
  for (const version of versions) {
    const age = Math.max(0, now - version.replacedAt);
    const tierIndex = tiers.findIndex((tier) => age < tier.upToAgeMs);
    if (tierIndex === -1) continue;
    const { bucketMs } = tiers[tierIndex]!;
    if (bucketMs === 0) {
      keep.add(version.revision);
      continue;
    }
    const key = `${tierIndex}:${Math.floor(version.replacedAt / bucketMs)}`;
    const held = newestInBucket.get(key);
    if (!held || version.replacedAt > held.replacedAt || (version.replacedAt === held.replacedAt && version.revision > held.revision)) {
      newestInBucket.set(key, version);
    }
  }
  for (const version of newestInBucket.values()) keep.add(version.revision);
  return keep;
}

/** How a book's history is kept: the age tiers, the newest versions kept whatever their age, and how long a chain of
 * reverse patches may grow before a version is stored whole (server/history/chain.ts). */
export interface HistoryPolicy {
  tiers: readonly RetentionTier[];
  /** The newest replaced versions kept whatever the tiers say (a floor, so a burst of saves never thins a merge base). */
  keepNewest: number;
  /** Reading a kept version applies at most this many patches (a version further from a whole copy is stored whole). */
  chainMax: number;
}

// A chain of 200 patches reads in tens of ms (applied block array to block array, chain.ts), and a whole copy of a
// novel costs as much as months of daily patches: few whole copies is what keeps a year of history to a few MB.
export const DEFAULT_HISTORY: HistoryPolicy = { tiers: DEFAULT_RETENTION, keepNewest: LIMITS.revisionsKept, chainMax: 200 };

/** Whether a version is pinned: a merge made it and set passages aside, which no later version holds. */
export function pinnedByMerge(merge: MergeRecord | undefined): boolean {
  return (merge?.overlaps.length ?? 0) > 0;
}

export interface KeptVersion extends AgedVersion {
  /** A version a merge made while setting passages aside: kept for good, so what it set aside stays restorable. */
  pinned: boolean;
}

/**
 * The one thinning rule the stores apply after archiving a replaced version: which of a book's kept revisions to
 * delete at `now` (the time of the write). The newest `keepNewest` stay, pinned ones stay, the rest follow the tiers.
 */
export function revisionsToDrop(versions: readonly KeptVersion[], now: number, policy: HistoryPolicy = DEFAULT_HISTORY): number[] {
  const keep = revisionsToKeep(versions, now, policy.tiers);
  const newest = [...versions].sort((a, b) => b.revision - a.revision).slice(0, policy.keepNewest);
  for (const version of newest) keep.add(version.revision);
  return versions
    .filter((version) => !version.pinned && !keep.has(version.revision))
    .map((version) => version.revision)
    .sort((a, b) => b - a);
}
