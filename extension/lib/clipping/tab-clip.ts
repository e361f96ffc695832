// Clipping from a browser tab, in the background: reads the selection or the article in the page (the gesture —
// menu click, shortcut, toolbar — granted activeTab), clips it into the chosen book or hands it to the picker, and
// confirms on the page (undo, open) while the toolbar badge flashes. A page that cannot be read in bounded time, or
// is over the article limits, is refused with a message on the page; the background only awaits, never computes.
import { browser } from 'wxt/browser';
import { LIMITS } from '../../../shared/limits.ts';
import { setCurrentBookId } from '../books/current-book.ts';
import { t } from '../i18n.ts';
import { openEditorTab } from '../editor/tab.ts';
import { clipToBook, EmptySelectionError, undoClip, type ClipperDeps, type ClipRequest, type ClipResult } from './clipper.ts';
import type { PageArticle } from './page-article.ts';
import { showClipConfirmation, type ConfirmationText } from './page-confirmation.ts';
import { readPageFacts, type PageFacts } from './page-facts.ts';
import { readPageSelection, type PageSelection } from './page-selection.ts';

export type ClipKind = 'selection' | 'article' | 'auto';

export interface TabRef {
  tabId: number;
  frameId?: number;
  title?: string;
  url?: string;
}

export type Refusal = 'too-large' | 'no-article' | 'unreadable' | 'empty';

export class ClipRefusedError extends Error {
  constructor(readonly reason: Refusal) {
    super(`The page could not be clipped: ${reason}`);
    this.name = 'ClipRefusedError';
  }
}

/** The script the WXT build makes of entrypoints/article.ts. */
const ARTICLE_SCRIPT = '/article.js';

function withinTime<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ClipRefusedError('too-large')), LIMITS.pageReadTimeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function inject<T>(tab: TabRef, details: { func: () => T } | { files: string[] }, frameId = tab.frameId ?? 0): Promise<T | undefined> {
  const [injection] = await withinTime(
    browser.scripting.executeScript({ target: { tabId: tab.tabId, frameIds: [frameId] }, ...details } as Parameters<typeof browser.scripting.executeScript>[0]),
  );
  return injection?.result as T | undefined;
}

/** What the page says about itself; a page that cannot be scripted is known by its tab's title and address. */
async function facts(tab: TabRef): Promise<PageFacts | undefined> {
  return inject(tab, { func: readPageFacts }, 0).catch(() => undefined);
}

async function readSelection(tab: TabRef): Promise<PageSelection | undefined> {
  return inject(tab, { func: readPageSelection });
}

async function readArticle(tab: TabRef): Promise<ClipRequest> {
  let article: PageArticle | undefined;
  try {
    article = await inject<PageArticle>(tab, { files: [ARTICLE_SCRIPT] }, 0);
  } catch (error) {
    if (error instanceof ClipRefusedError) throw error;
    throw new ClipRefusedError('unreadable');
  }
  if (!article) throw new ClipRefusedError('unreadable');
  if (!article.ok) throw new ClipRefusedError(article.reason);
  return { html: article.html, text: article.text, title: article.title, url: tab.url, kind: 'article' };
}

/**
 * Reads a clip from the tab: its selection, its article, or ('auto', for the shortcut and the toolbar) the selection
 * when there is one and else the article. `fallbackText` is the selection the browser reported (context menu), which
 * still clips from pages the extension may not script.
 */
export async function readFromTab(tab: TabRef, kind: ClipKind, fallbackText = ''): Promise<ClipRequest> {
  const page = await facts(tab);
  if (kind !== 'article') {
    const selection = await readSelection(tab).catch(() => undefined);
    const text = selection?.text || fallbackText;
    if (selection?.html || text) {
      const fromSubframe = (tab.frameId ?? 0) !== 0;
      return {
        html: selection?.html,
        text,
        title: fromSubframe ? (tab.title ?? selection?.title) : (selection?.title ?? tab.title),
        url: selection?.url ?? tab.url,
        page,
        kind: 'selection',
      };
    }
    if (kind === 'selection') throw new ClipRefusedError(page ? 'empty' : 'unreadable');
  }
  return { ...(await readArticle(tab)), page, url: page?.url ?? tab.url };
}

const REFUSAL_MESSAGES = {
  'too-large': 'clipRefusedTooLarge',
  'no-article': 'clipRefusedNoArticle',
  unreadable: 'clipRefusedUnreadable',
  empty: 'clipRefusedEmpty',
} as const;

/** The page's confirmation (or refusal) and the badge; failures to show them never fail the clip. */
export async function confirmOnPage(tab: TabRef | undefined, outcome: { result: ClipResult; bookTitle: string } | { refused: Refusal }) {
  let text: ConfirmationText;
  let target = {};
  if ('refused' in outcome) {
    text = { message: t(REFUSAL_MESSAGES[outcome.refused]) };
  } else {
    text = {
      message: t('clipConfirmed', outcome.bookTitle),
      undo: t('clipUndo'),
      open: t('clipOpen'),
      undone: t('clipUndone'),
      notUndone: t('clipNotUndone'),
    };
    target = { clipId: outcome.result.clipId, bookId: outcome.result.bookId };
    void flashBadge(tab?.tabId);
  }
  if (!tab) return;
  await browser.scripting
    .executeScript({ target: { tabId: tab.tabId, frameIds: [0] }, func: showClipConfirmation, args: [text, target] })
    .catch((error: unknown) => console.warn('[anclora] could not confirm the clip on the page', error));
}

const BADGE_MS = 2_500;

/** The toolbar badge says "clipped" for a moment. */
export async function flashBadge(tabId: number | undefined): Promise<void> {
  const action = browser.action ?? (browser as unknown as { browserAction?: typeof browser.action }).browserAction;
  if (!action) return;
  const details = tabId === undefined ? {} : { tabId };
  await action.setBadgeBackgroundColor({ ...details, color: '#00796b' }).catch(() => undefined);
  await action.setBadgeText({ ...details, text: '✓' }).catch(() => undefined);
  setTimeout(() => void action.setBadgeText({ ...details, text: '' }).catch(() => undefined), BADGE_MS);
}

/** Clips `request` and confirms it on the tab it came from; a refusal is shown there too, then rethrown. */
export async function clipAndConfirm(request: ClipRequest, deps: ClipperDeps, tab?: TabRef): Promise<ClipResult> {
  try {
    const result = await clipToBook(request, deps);
    const book = await deps.repo.get(result.bookId);
    await confirmOnPage(tab, { result, bookTitle: book?.title ?? '' });
    return result;
  } catch (error) {
    if (error instanceof EmptySelectionError) await confirmOnPage(tab, { refused: 'empty' });
    throw error;
  }
}

/** "Undo" on the page's confirmation. */
export async function undoFromPage(clipId: string, deps: ClipperDeps): Promise<{ outcome: 'removed' | 'gone' }> {
  return { outcome: await undoClip(clipId, deps) };
}

/** "Open" on the page's confirmation: the book in the side panel when the browser allows it, else in a tab. */
export async function openClippedBook(bookId: string, tabId?: number): Promise<void> {
  await setCurrentBookId(bookId);
  const sidePanel = (browser as unknown as { sidePanel?: { open(o: { tabId?: number; windowId?: number }): Promise<void> } }).sidePanel;
  try {
    if (sidePanel && tabId !== undefined) {
      await sidePanel.open({ tabId });
      return;
    }
  } catch {
    // Not in answer to a gesture the browser counts: a tab works everywhere.
  }
  await openEditorTab(bookId);
}
