// Where clipping starts in the browser: the context menu (selection or whole article, to the default book or to the
// picker), the toolbar button's menu and the keyboard shortcut, all through tab-clip.ts; and the messages the picker
// and the page's confirmation send back.
import { browser, type Browser } from 'wxt/browser';
import { bookRepository } from '../books/repository.ts';
import { clipToBook, currentClipTarget, type ClipperDeps, type ClipRequest, type ClipResult } from './clipper.ts';
import { getCurrentBookId, onCurrentBookChanged, setCurrentBookId } from '../books/current-book.ts';
import { t, uiLocale } from '../i18n.ts';
import { clipLog, onLastDestinationChanged } from './clip-log.ts';
import { clearPendingClip, getPendingClip, setPendingClip } from './pending-clip.ts';
import {
  clipAndConfirm,
  ClipRefusedError,
  confirmOnPage,
  openClippedBook,
  readFromTab,
  undoFromPage,
  type ClipKind,
  type TabRef,
} from './tab-clip.ts';

const SELECTION_TO_DEFAULT = 'clip-current';
const SELECTION_TO_CHOSEN = 'clip-to';
const ARTICLE_TO_DEFAULT = 'clip-article-current';
const ARTICLE_TO_CHOSEN = 'clip-article-to';
const TOOLBAR_CLIP = 'clip-toolbar';
/** The manifest's command for the clipping shortcut (wxt.config.ts). */
export const CLIP_COMMAND = 'clip';

export function clipperDeps(): ClipperDeps {
  return {
    repo: bookRepository(),
    getCurrentBookId,
    setCurrentBookId,
    locale: uiLocale,
    newBookTitle: () => t('clippingsTitle'),
    log: clipLog,
  };
}

/** Clips into a book from the background; also exposed to e2e tests (see background.ts). */
export function clip(request: ClipRequest): Promise<ClipResult> {
  return clipToBook(request, clipperDeps());
}

function menuLabel(title: string): string {
  const short = title.length > 40 ? `${title.slice(0, 39)}…` : title;
  // Firefox reads a single "&" as an access-key marker.
  return import.meta.env.FIREFOX ? short.replace(/&/g, '&&') : short;
}

function create(properties: Browser.contextMenus.CreateProperties): void {
  browser.contextMenus.create(properties, () => void browser.runtime.lastError);
}

async function rebuildMenu(): Promise<void> {
  const target = await currentClipTarget(clipperDeps());
  await browser.contextMenus.removeAll();
  const name = target ? menuLabel(target.title) : undefined;
  create({ id: SELECTION_TO_DEFAULT, title: name ? t('clipToBook', name) : t('clipToNewBook'), contexts: ['selection'] });
  create({ id: SELECTION_TO_CHOSEN, title: t('clipTo'), contexts: ['selection'] });
  create({ id: ARTICLE_TO_DEFAULT, title: name ? t('clipArticleToBook', name) : t('clipArticleToNewBook'), contexts: ['page'] });
  create({ id: ARTICLE_TO_CHOSEN, title: t('clipArticleTo'), contexts: ['page'] });
  // The toolbar button's own menu: "action" in Chrome's MV3, "browser_action" in Firefox's MV2.
  const toolbar = (import.meta.env.FIREFOX ? 'browser_action' : 'action') as Browser.contextMenus.ContextType;
  create({ id: TOOLBAR_CLIP, title: t('clipThisPage'), contexts: [toolbar] });
}

const PICKER_PATH = '/clip-picker.html';

/** Keeps the clip for the picker and opens it in a small window of its own. */
async function openPicker(request: ClipRequest, tab?: TabRef): Promise<void> {
  await setPendingClip({ request, tab });
  await browser.windows.create({ url: browser.runtime.getURL(PICKER_PATH), type: 'popup', width: 440, height: 560 });
}

/**
 * Reads the clip from the tab and sends it to `destination`: the default book, or the picker. Exposed to e2e tests
 * (background.ts), which grant activeTab the way a gesture does and then call it.
 */
export async function clipFromTab(tab: TabRef, kind: ClipKind, destination: 'default' | 'pick', fallbackText = ''): Promise<ClipResult | 'picking'> {
  let request: ClipRequest;
  try {
    request = await readFromTab(tab, kind, fallbackText);
  } catch (error) {
    if (error instanceof ClipRefusedError) await confirmOnPage(tab, { refused: error.reason });
    throw error;
  }
  if (destination === 'pick') {
    await openPicker(request, tab);
    return 'picking';
  }
  return clipAndConfirm(request, clipperDeps(), tab);
}

/** The picker's choice: clip the waiting clip into `bookId`, or into a new book titled `newBookTitle`. */
export async function clipPending(choice: { bookId?: string; newBookTitle?: string }): Promise<ClipResult | null> {
  const pending = await getPendingClip();
  if (!pending) return null;
  await clearPendingClip();
  return clipAndConfirm({ ...pending.request, ...choice }, clipperDeps(), pending.tab);
}

/** What the picker shows about the waiting clip. */
export async function pendingClipSummary(): Promise<{ title: string; url: string; kind: string } | null> {
  const pending = await getPendingClip();
  if (!pending) return null;
  const { request } = pending;
  return { title: request.title ?? '', url: request.url ?? '', kind: request.kind ?? 'selection' };
}

export const clipMessageHandlers = {
  clip,
  'clip-pending': () => pendingClipSummary(),
  'clip-pick': (choice: { bookId?: string; newBookTitle?: string }) => clipPending(choice),
  'clip-undo': ({ clipId }: { clipId: string }) => undoFromPage(clipId, clipperDeps()),
  'clip-open': ({ bookId }: { bookId: string }, sender?: { tabId?: number }) => openClippedBook(bookId, sender?.tabId),
};

function tabRef(tab: Browser.tabs.Tab | undefined, frameId?: number): TabRef | undefined {
  return tab?.id === undefined ? undefined : { tabId: tab.id, frameId, title: tab.title, url: tab.url };
}

function report(error: unknown) {
  if (!(error instanceof ClipRefusedError)) console.error('[anclora] clipping failed', error);
}

export function setupClipMenu(): void {
  let queue = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rebuildSoon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      queue = queue.then(rebuildMenu).catch((error: unknown) => console.error('[anclora] context menu', error));
    }, 200);
  };

  rebuildSoon();
  // "Clip to <book>" names the default destination: the last one clipped into, else the current book.
  onCurrentBookChanged(rebuildSoon);
  onLastDestinationChanged(rebuildSoon);
  // The default book's title: rebuild when the books' titles or order change, not on every keystroke's save.
  let signature = '';
  bookRepository()
    .watchList()
    .subscribe({
      next: (books) => {
        const next = `${books[0]?.id}\n${books.map((b) => `${b.id}:${b.title}`).sort().join('\n')}`;
        if (next !== signature) {
          signature = next;
          rebuildSoon();
        }
      },
      error: (error: unknown) => console.error('[anclora] watching books for the menu', error),
    });

  browser.contextMenus.onClicked.addListener((info, tab) => {
    const id = String(info.menuItemId);
    const ref = tabRef(tab, info.frameId);
    const actions: Record<string, [ClipKind, 'default' | 'pick']> = {
      [SELECTION_TO_DEFAULT]: ['selection', 'default'],
      [SELECTION_TO_CHOSEN]: ['selection', 'pick'],
      [ARTICLE_TO_DEFAULT]: ['article', 'default'],
      [ARTICLE_TO_CHOSEN]: ['article', 'pick'],
      [TOOLBAR_CLIP]: ['auto', 'pick'],
    };
    const action = actions[id];
    if (!action) return;
    if (!ref) {
      // No tab to read (a browser page): the text the browser reports still clips.
      if (info.selectionText) void clip({ text: info.selectionText, url: info.pageUrl }).catch(report);
      return;
    }
    void clipFromTab(ref, action[0], action[1], info.selectionText ?? '').catch(report);
  });

  browser.commands?.onCommand.addListener((command, tab) => {
    const ref = tabRef(tab);
    if (command === CLIP_COMMAND && ref) void clipFromTab(ref, 'auto', 'pick').catch(report);
  });
}
