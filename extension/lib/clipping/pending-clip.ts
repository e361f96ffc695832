// The clip waiting for the picker to name its book: read from the page at the writer's gesture (activeTab lasts only
// for that page), kept in session storage so a background that sleeps meanwhile still has it; one at a time.
import { browser } from 'wxt/browser';
import type { ClipRequest } from './clipper.ts';
import type { TabRef } from './tab-clip.ts';

const KEY = 'pendingClip';

export interface PendingClip {
  request: ClipRequest;
  tab?: TabRef;
}

type SessionArea = typeof browser.storage.local;
const session = (): SessionArea | undefined => (browser.storage as unknown as { session?: SessionArea }).session;
let inMemory: PendingClip | undefined;

export async function setPendingClip(pending: PendingClip): Promise<void> {
  inMemory = pending;
  await session()?.set({ [KEY]: pending }).catch(() => undefined);
}

export async function getPendingClip(): Promise<PendingClip | undefined> {
  if (inMemory) return inMemory;
  const stored = (await session()?.get(KEY).catch(() => undefined))?.[KEY];
  return stored ? (stored as PendingClip) : undefined;
}

export async function clearPendingClip(): Promise<void> {
  inMemory = undefined;
  await session()?.remove(KEY).catch(() => undefined);
}
