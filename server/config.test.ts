import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { DEFAULT_HISTORY } from './history/retention.ts';

const SECRET = 'a'.repeat(40);
const dirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'anclora-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const config = loadConfig({ AUTH_SECRET: SECRET });
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      mongodb: null,
      rateLimitPerMinute: 60,
      authRateLimitPerMinute: 10,
      authAccountRateLimitPerHour: 20,
      maxPayloadBytes: 5_242_880,
      answerBudgetBytes: 4 * 5_242_880,
      storageQuotaBytes: 200 * 1024 * 1024,
      trashRetentionMs: 30 * 24 * 60 * 60 * 1000,
      allowedOrigins: [],
      trustProxy: 0,
      oauth: { github: null, google: null },
      history: DEFAULT_HISTORY,
    });
    expect(config.dataDir).toBe(join(process.cwd(), 'data'));
  });

  it('reads every variable', () => {
    const config = loadConfig({
      AUTH_SECRET: SECRET,
      PORT: '0',
      HOST: '0.0.0.0',
      MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0',
      MONGODB_DB: 'press',
      RATE_LIMIT_PER_MINUTE: '120',
      AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR: '5',
      MAX_PAYLOAD_BYTES: '1048576',
      ANSWER_BUDGET_BYTES: '2097152',
      STORAGE_QUOTA_BYTES: '0',
      TRASH_RETENTION_DAYS: '7',
      ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443',
      TRUST_PROXY: 'true',
      AUTH_GITHUB_ID: 'id',
      AUTH_GITHUB_SECRET: 'secret',
      HISTORY_TIERS: '90m:all, 7d:30m,forever:7d',
      HISTORY_CHAIN_MAX: '8',
      HISTORY_KEEP_NEWEST: '50',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      mongodb: { uri: 'mongodb://db:27017/?replicaSet=rs0', dbName: 'press' },
      rateLimitPerMinute: 120,
      authAccountRateLimitPerHour: 5,
      maxPayloadBytes: 1_048_576,
      answerBudgetBytes: 2_097_152,
      storageQuotaBytes: 0,
      trashRetentionMs: 7 * 24 * 60 * 60 * 1000,
      allowedOrigins: ['https://a.example', 'https://b.example:8443'],
      trustProxy: 1,
      oauth: { github: { clientId: 'id', clientSecret: 'secret' }, google: null },
      history: {
        tiers: [
          { upToAgeMs: 90 * 60_000, bucketMs: 0 },
          { upToAgeMs: 7 * 86_400_000, bucketMs: 30 * 60_000 },
          { upToAgeMs: Number.POSITIVE_INFINITY, bucketMs: 7 * 86_400_000 },
        ],
        chainMax: 8,
        keepNewest: 50,
      },
    });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['RATE_LIMIT_PER_MINUTE', { RATE_LIMIT_PER_MINUTE: '0' }],
    ['AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR', { AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR: '0' }],
    ['MAX_PAYLOAD_BYTES', { MAX_PAYLOAD_BYTES: '-5' }],
    ['ANSWER_BUDGET_BYTES', { ANSWER_BUDGET_BYTES: '4096' }],
    ['ANSWER_BUDGET_BYTES', { MAX_PAYLOAD_BYTES: '2097152', ANSWER_BUDGET_BYTES: '1048576' }],
    ['STORAGE_QUOTA_BYTES', { STORAGE_QUOTA_BYTES: 'lots' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://ok.example,not an origin' }],
    ['ALLOWED_ORIGINS', { ALLOWED_ORIGINS: 'https://ok.example/path' }],
    ['MONGODB_URI', { MONGODB_URI: 'postgres://db' }],
    ['AUTH_SECRET', { AUTH_SECRET: 'short' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'maybe' }],
    ['AUTH_GOOGLE_SECRET', { AUTH_GOOGLE_ID: 'id' }],
    ['HISTORY_TIERS', { HISTORY_TIERS: '48h:all,30d' }],
    ['HISTORY_TIERS', { HISTORY_TIERS: '30d:1h,48h:all' }],
    ['HISTORY_TIERS', { HISTORY_TIERS: 'forever:1d,forever:30d' }],
    ['HISTORY_TIERS', { HISTORY_TIERS: '2w:all' }],
    ['HISTORY_CHAIN_MAX', { HISTORY_CHAIN_MAX: '0' }],
    ['HISTORY_KEEP_NEWEST', { HISTORY_KEEP_NEWEST: '3' }],
  ])('refuses a bad %s with one line naming it', (variable, env) => {
    let error: unknown;
    try {
      loadConfig({ AUTH_SECRET: SECRET, ...env });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    expect(message).not.toContain('\n');
  });

  it.each([
    ['false', 0],
    ['no', 0],
    ['true', 1],
    ['YES', 1],
    ['1', 1],
    ['2', 2],
  ])('reads TRUST_PROXY=%s as %i trusted proxies', (value, proxies) => {
    expect(loadConfig({ AUTH_SECRET: SECRET, TRUST_PROXY: value }).trustProxy).toBe(proxies);
  });

  it('times out slow clients by default, leaving a 5 MiB upload at 512 kbit/s time to arrive, and caps connections', () => {
    const { http, maxPayloadBytes } = loadConfig({ AUTH_SECRET: SECRET });
    expect(http.requestTimeoutMs / 1000).toBeGreaterThan((maxPayloadBytes * 8) / 512_000);
    expect(http.headersTimeoutMs).toBeLessThanOrEqual(http.requestTimeoutMs);
    expect(http.keepAliveTimeoutMs).toBeGreaterThan(0);
    expect(http.idleTimeoutMs).toBeGreaterThan(0);
    expect(http.maxConnections).toBeGreaterThan(0);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() => loadConfig({ AUTH_SECRET: SECRET, HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '4000' })).toThrow(
      /^Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must be at most HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('reads PUBLIC_URL as an origin, requires it in production and refuses one with a path', () => {
    expect(loadConfig({ AUTH_SECRET: SECRET }).publicUrl).toBeNull();
    expect(loadConfig({ AUTH_SECRET: SECRET, NODE_ENV: 'production', PUBLIC_URL: 'https://sync.example.org' }).publicUrl).toBe(
      'https://sync.example.org',
    );
    expect(() => loadConfig({ AUTH_SECRET: SECRET, NODE_ENV: 'production' })).toThrow(
      'Invalid configuration: PUBLIC_URL is required when NODE_ENV=production',
    );
    expect(() => loadConfig({ AUTH_SECRET: SECRET, PUBLIC_URL: 'https://sync.example.org/app' })).toThrow(
      /^Invalid configuration: PUBLIC_URL /,
    );
  });

  it('refuses to start in production without AUTH_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: tempDir() })).toThrow(
      'Invalid configuration: AUTH_SECRET is required when NODE_ENV=production',
    );
  });

  it('scales the default answer budget with MAX_PAYLOAD_BYTES, so a page always has room for a few books', () => {
    expect(loadConfig({ AUTH_SECRET: SECRET, MAX_PAYLOAD_BYTES: '1048576' }).answerBudgetBytes).toBe(4 * 1_048_576);
  });

  it('creates a missing DATA_DIR private (0700) when it writes the development secret', () => {
    const dir = join(tempDir(), 'data');
    loadConfig({ DATA_DIR: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('generates a development secret once, keeps it private in DATA_DIR and reuses it', () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir }).authSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    const file = join(dir, 'auth-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: dir }).authSecret).toBe(first);
  });
});
