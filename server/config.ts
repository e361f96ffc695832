// Reads the server's configuration from the environment into one typed object; bad values fail with one line.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LIMITS } from '../shared/limits.ts';
import { DEFAULT_HISTORY, type HistoryPolicy, type RetentionTier } from './history/retention.ts';

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

// How many reverse proxies stand in front of the server: `true`/`yes` mean one, `false`/`no` none.
const proxies = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(\d{1,2}|true|false|yes|no)$/, 'must be false, true or the number of proxies in front of the server')
  .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)));

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `45m`, `48h`, `30d` in ms; null when not a duration. */
function duration(text: string): number | null {
  const match = /^(\d{1,6})([mhd])$/.exec(text.trim());
  return match ? Number(match[1]) * DURATION_UNITS[match[2]!]! : null;
}

/**
 * HISTORY_TIERS: comma-separated `<age>:<one per>` steps, youngest first, e.g. `48h:all,30d:1h,365d:1d,forever:30d`
 * (every version for 48 hours, then the newest of each hour until 30 days, of each day until a year, of each 30 days
 * after). Versions older than the last step are dropped, unless it says `forever`.
 */
const historyTiers = z
  .string()
  .trim()
  .transform((text, ctx): RetentionTier[] => {
    const tiers: RetentionTier[] = [];
    for (const step of text.split(',')) {
      const [age = '', every = ''] = step.split(':');
      const upToAgeMs = age.trim() === 'forever' ? Number.POSITIVE_INFINITY : duration(age);
      const bucketMs = every.trim() === 'all' ? 0 : duration(every);
      const previous = tiers.at(-1)?.upToAgeMs ?? 0;
      if (upToAgeMs === null || bucketMs === null || upToAgeMs <= previous || previous === Number.POSITIVE_INFINITY) {
        ctx.addIssue({ code: 'custom', message: 'must be steps like 48h:all,30d:1h,365d:1d,forever:30d (ages increasing; m, h or d)' });
        return z.NEVER;
      }
      tiers.push({ upToAgeMs, bucketMs });
    }
    return tiers;
  });

const origin = z.string().refine((o) => {
  try {
    return new URL(o).origin === o;
  } catch {
    return false;
  }
}, 'must be a comma-separated list of origins like https://app.example.com');

const EnvSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: int(0, 65535).default(8787),
  HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  MONGODB_URI: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a plain database name')
    .default('anclora'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(60),
  AUTH_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(10),
  AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR: int(1, 1_000_000).default(20),
  MAX_PAYLOAD_BYTES: int(1024, 1024 * 1024 * 1024).default(5 * 1024 * 1024),
  /** Default: ANSWER_BUDGET_PAYLOADS × MAX_PAYLOAD_BYTES. */
  ANSWER_BUDGET_BYTES: int(1024, 4 * 1024 * 1024 * 1024).optional(),
  STORAGE_QUOTA_BYTES: int(0, Number.MAX_SAFE_INTEGER).default(200 * 1024 * 1024),
  TRASH_RETENTION_DAYS: int(1, 3650).default(LIMITS.trashRetentionDays),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z
    .string()
    .trim()
    .refine((u) => {
      try {
        return /^https?:$/.test(new URL(u).protocol) && new URL(u).origin === u.replace(/\/$/, '');
      } catch {
        return false;
      }
    }, 'must be the origin clients use, like https://sync.example.org (no path)')
    .transform((u) => u.replace(/\/$/, ''))
    .optional(),
  TRUST_PROXY: proxies.default(0),
  HTTP_HEADERS_TIMEOUT_MS: int(100, 3_600_000).default(10_000),
  // 5 MiB (MAX_PAYLOAD_BYTES) at 512 kbit/s takes 82 s.
  HTTP_REQUEST_TIMEOUT_MS: int(100, 3_600_000).default(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100, 3_600_000).default(5_000),
  HTTP_IDLE_TIMEOUT_MS: int(100, 3_600_000).default(60_000),
  HTTP_MAX_CONNECTIONS: int(1, 1_000_000).default(1000),
  HISTORY_TIERS: historyTiers.optional(),
  /** Patches applied at most to read a kept version: a version further from a whole copy is stored whole. */
  HISTORY_CHAIN_MAX: int(1, 1000).default(DEFAULT_HISTORY.chainMax),
  /** Replaced versions kept whatever their age (never fewer than the limit both sides count on). */
  HISTORY_KEEP_NEWEST: int(DEFAULT_HISTORY.keepNewest, 100_000).default(DEFAULT_HISTORY.keepNewest),
  AUTH_GITHUB_ID: z.string().trim().min(1).optional(),
  AUTH_GITHUB_SECRET: z.string().trim().min(1).optional(),
  AUTH_GOOGLE_ID: z.string().trim().min(1).optional(),
  AUTH_GOOGLE_SECRET: z.string().trim().min(1).optional(),
});

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface Config {
  production: boolean;
  port: number;
  host: string;
  dataDir: string;
  mongodb: { uri: string; dbName: string } | null;
  authSecret: string;
  /** The origin clients reach the server at; sign-in links and redirects are built from it. Null: from each request. */
  publicUrl: string | null;
  rateLimitPerMinute: number;
  authRateLimitPerMinute: number;
  /** Credential checks per account (normalised email) per hour, whatever the IP. */
  authAccountRateLimitPerHour: number;
  maxPayloadBytes: number;
  /** The most bytes of books one answer carries (change feed, sync, revisions); at least maxPayloadBytes. */
  answerBudgetBytes: number;
  /** The most bytes of books (tombstones included) one account may store; 0 for no quota. */
  storageQuotaBytes: number;
  /** How long a deleted book's text stays restorable from the trash (ms); then it is purged. */
  trashRetentionMs: number;
  allowedOrigins: string[];
  logLevel: string;
  /** Reverse proxies in front of the server (0: none); each appends one X-Forwarded-For entry. */
  trustProxy: number;
  oauth: { github: OAuthClient | null; google: OAuthClient | null };
  http: HttpLimits;
  /** How long earlier versions of books are kept, and how they are stored (server/history/). */
  history: HistoryPolicy;
}

/** How long the HTTP server waits for slow clients, and how many connections it holds at once. */
export interface HttpLimits {
  /** From connecting to the end of the request headers. */
  headersTimeoutMs: number;
  /** From connecting to the end of the request body. */
  requestTimeoutMs: number;
  /** Between requests on a kept-alive connection. */
  keepAliveTimeoutMs: number;
  /** Without a byte moving either way, e.g. a client that stops reading its answer. */
  idleTimeoutMs: number;
  maxConnections: number;
}

type Env = Record<string, string | undefined>;

/** The default answer budget in request bodies: a few books' worth per page, a few pages' worth of memory per client. */
const ANSWER_BUDGET_PAYLOADS = 4;

/** Builds the configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  // Empty strings count as unset, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message);
  }
  const e = parsed.data;
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS', 'must be at most HTTP_REQUEST_TIMEOUT_MS');
  }
  const production = e.NODE_ENV === 'production';
  const dataDir = resolve(e.DATA_DIR);
  const answerBudgetBytes = e.ANSWER_BUDGET_BYTES ?? ANSWER_BUDGET_PAYLOADS * e.MAX_PAYLOAD_BYTES;
  // A page always holds at least one book, so a smaller budget would only be exceeded, never kept.
  if (answerBudgetBytes < e.MAX_PAYLOAD_BYTES) {
    throw new ConfigError('ANSWER_BUDGET_BYTES', `must be at least MAX_PAYLOAD_BYTES (${e.MAX_PAYLOAD_BYTES})`);
  }
  return {
    production,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    mongodb: e.MONGODB_URI ? { uri: e.MONGODB_URI, dbName: e.MONGODB_DB } : null,
    authSecret: e.AUTH_SECRET ?? developmentSecret(production, dataDir),
    publicUrl: publicUrl(production, e.PUBLIC_URL),
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    authRateLimitPerMinute: e.AUTH_RATE_LIMIT_PER_MINUTE,
    authAccountRateLimitPerHour: e.AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR,
    maxPayloadBytes: e.MAX_PAYLOAD_BYTES,
    answerBudgetBytes,
    storageQuotaBytes: e.STORAGE_QUOTA_BYTES,
    trashRetentionMs: e.TRASH_RETENTION_DAYS * 24 * 60 * 60 * 1000,
    allowedOrigins: e.ALLOWED_ORIGINS,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    oauth: {
      github: pair('AUTH_GITHUB', e.AUTH_GITHUB_ID, e.AUTH_GITHUB_SECRET),
      google: pair('AUTH_GOOGLE', e.AUTH_GOOGLE_ID, e.AUTH_GOOGLE_SECRET),
    },
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    history: { tiers: e.HISTORY_TIERS ?? DEFAULT_HISTORY.tiers, keepNewest: e.HISTORY_KEEP_NEWEST, chainMax: e.HISTORY_CHAIN_MAX },
  };
}

/** A forged Host header must not steer sign-in redirects, so production names its origin; development may guess. */
function publicUrl(production: boolean, url: string | undefined): string | null {
  if (url) return url;
  if (production) throw new ConfigError('PUBLIC_URL', 'is required when NODE_ENV=production');
  return null;
}

function pair(prefix: string, id: string | undefined, secret: string | undefined): OAuthClient | null {
  if (!id && !secret) return null;
  if (!id) throw new ConfigError(`${prefix}_ID`, `must be set when ${prefix}_SECRET is set`);
  if (!secret) throw new ConfigError(`${prefix}_SECRET`, `must be set when ${prefix}_ID is set`);
  return { clientId: id, clientSecret: secret };
}

/** Outside production a missing secret is generated once and kept beside the data, so sessions survive restarts. */
function developmentSecret(production: boolean, dataDir: string): string {
  if (production) throw new ConfigError('AUTH_SECRET', 'is required when NODE_ENV=production');
  const file = join(dataDir, 'auth-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError('DATA_DIR', `is not readable (${(error as Error).message})`);
    }
  }
  const secret = randomBytes(32).toString('base64url');
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, secret + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (error) {
    throw new ConfigError('DATA_DIR', `is not writable (${(error as Error).message})`);
  }
  return secret;
}
