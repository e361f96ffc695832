// Device tokens: 256 random bits handed out once, stored only as their SHA-256 hash.
import { createHash, randomBytes } from 'node:crypto';

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newDeviceToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashDeviceToken(token) };
}
