// Which earlier versions of a book the server keeps as it ages: every one while recent, then one per hour, one per day,
// one per month — so history reaches back months at the cost of a handful of versions per day.
import { LIMITS } from '../../shared/limits.ts';

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

/**
 * The one thinning rule the stores apply after archiving a replaced version: which of a book's kept revisions to
 * delete. Today revisions are whole copies, so the newest LIMITS.revisionsKept stay and older ones go; the age tiers
 * above take over once revisions are stored as reverse patches (Sync v2), where keeping every version of the last two
 * days costs little. Both stores call this, so the switch happens here alone.
 */
export function revisionsToDrop(versions: readonly AgedVersion[]): number[] {
  return [...versions]
    .sort((a, b) => b.revision - a.revision)
    .slice(LIMITS.revisionsKept)
    .map((version) => version.revision);
}
