// Accounts for the benchmark: sign up a writer over the real HTTP API and get a device token for them.
import { randomUUID } from 'node:crypto';

export const BENCH_PASSWORD = 'bench password 1234';

export interface Writer {
  email: string;
  token: string;
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

export async function signUpWriter(baseUrl: string): Promise<Writer> {
  const email = `bench-${randomUUID()}@example.test`;
  const user = await post(`${baseUrl}/api/users`, { email, password: BENCH_PASSWORD, name: 'Bench Writer' });
  if (user.status !== 201) throw new Error(`sign-up failed: ${user.status} ${JSON.stringify(user.json)}`);
  const token = await post(`${baseUrl}/api/tokens`, { email, password: BENCH_PASSWORD, deviceName: 'bench' });
  if (token.status !== 201) throw new Error(`token failed: ${token.status} ${JSON.stringify(token.json)}`);
  return { email, token: token.json.data.token as string };
}

/** `count` writers, signed up a few at a time (each sign-up hashes a password with argon2). */
export async function signUpWriters(baseUrl: string, count: number, parallel = 4): Promise<Writer[]> {
  const writers: Writer[] = [];
  while (writers.length < count) {
    const batch = Math.min(parallel, count - writers.length);
    writers.push(...(await Promise.all(Array.from({ length: batch }, () => signUpWriter(baseUrl)))));
  }
  return writers;
}
