// The one protocol of runtime messages between the extension's pages and its background: every message type with its
// data and answer, one sender for pages, and one listener in the background that checks the sender once.
// (A hand-written map rather than a messaging library: answers carry our error kinds as data, and the envelope
// stays a plain `{ type, data }` that tests can send from any page.)
import { browser } from 'wxt/browser';
import type { ClipRequest, ClipResult, UndoOutcome } from './clipping/clipper.ts';
import type { AccountAnswer, AccountRequest } from './sync/messages.ts';
import type { ServerHistoryAnswer, ServerHistoryRequest } from './sync/server-history.ts';
import type { ServerTrashAnswer, ServerTrashRequest } from './sync/server-trash.ts';

export interface Protocol {
  /** Local books changed (a save, a delete, a conflict choice): sync soon. */
  'books-changed': { data: void; answer: void };
  /** The user asked for a sync (clicking the status, or after signing in): sync now, past any error backoff. */
  'sync-now': { data: void; answer: void };
  /** Signing in, creating an account, signing out: the background holds the one HTTP client and the token. */
  account: { data: AccountRequest; answer: AccountAnswer };
  /** The server's trash: list it, or bring one of its books into this device's trash (to restore it here). */
  'server-trash': { data: ServerTrashRequest; answer: ServerTrashAnswer };
  /** The server's history of a book: its kept versions, or one version's text (the history view). */
  'server-history': { data: ServerHistoryRequest; answer: ServerHistoryAnswer };
  /** Opens the editor in a full tab (Firefox e2e reaches the editor this way). */
  'open-editor-tab': { data: { bookId?: string }; answer: { tabId?: number } };
  /** Clips into a book, exactly as the context menu does after reading the selection (e2e). */
  clip: { data: ClipRequest; answer: ClipResult };
  /** The picker asks what clip waits for a book (null: none, e.g. it was already clipped). */
  'clip-pending': { data: void; answer: { title: string; url: string; kind: string } | null };
  /** The picker's choice for the waiting clip: a book, or a new book with this title. */
  'clip-pick': { data: { bookId?: string; newBookTitle?: string }; answer: ClipResult | null };
  /** "Undo" on a page's clip confirmation (sent from the confirmation the background injected). */
  'clip-undo': { data: { clipId: string }; answer: { outcome: UndoOutcome } };
  /** "Open" on a page's clip confirmation. */
  'clip-open': { data: { bookId: string }; answer: void };
}

/** Who sent a message: the tab, when it came from the confirmation injected into a page. */
export interface MessageSender {
  tabId?: number;
}

export type MessageType = keyof Protocol;

export type Handlers = {
  [K in MessageType]: (
    data: Protocol[K]['data'],
    sender: MessageSender,
  ) => Protocol[K]['answer'] | Promise<Protocol[K]['answer']>;
};

interface Envelope {
  type: MessageType;
  data: unknown;
}

const TYPES: ReadonlySet<string> = new Set<MessageType>([
  'books-changed', 'sync-now', 'account', 'server-trash', 'server-history', 'open-editor-tab', 'clip', 'clip-pending', 'clip-pick', 'clip-undo', 'clip-open',
]);

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && TYPES.has((value as { type?: unknown }).type as string);
}

/**
 * Sends a message to the background and resolves with its answer; undefined when no background listens (only while
 * the extension is being updated or reloaded). Sending wakes a sleeping background worker.
 */
export async function sendToBackground<K extends MessageType>(
  type: K,
  ...[data]: Protocol[K]['data'] extends void ? [] : [Protocol[K]['data']]
): Promise<Protocol[K]['answer'] | undefined> {
  return (await browser.runtime.sendMessage({ type, data }).catch(() => undefined)) as Protocol[K]['answer'] | undefined;
}

/** The background's one listener: answers messages of the extension's own pages with `handlers`, ignores the rest. */
export function listenToPages(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    // Only the extension's own pages and the scripts it injects (the clip confirmation, in the page's isolated world)
    // can reach this: there are no declared content scripts and no externally_connectable. Checked anyway.
    if (sender.id !== browser.runtime.id || !isEnvelope(message)) return undefined;
    const handle = handlers[message.type] as (data: unknown, from: MessageSender) => unknown;
    return Promise.resolve(handle(message.data, { tabId: sender.tab?.id }));
  });
}
