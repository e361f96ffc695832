// The "Clip to <current book>" and "Clip to…" context-menu entries on selected text, kept in step with the books.
import { browser, type Browser } from 'wxt/browser';
import { bookRepository } from '../books/repository.ts';
import { readPageSelection } from './page-selection.ts';
import type { ClipSource } from './quote.ts';
import { clipToBook, currentClipTarget, type ClipperDeps, type ClipRequest, type ClipResult } from './clipper.ts';
import { getCurrentBookId, onCurrentBookChanged, setCurrentBookId } from '../books/current-book.ts';
import { t, uiLocale } from '../i18n.ts';

const CURRENT = 'clip-current';
const CHOOSE = 'clip-to';
const CHOOSE_PREFIX = 'clip-to:';
const RECENT_BOOKS = 10;

export function clipperDeps(): ClipperDeps {
  return {
    repo: bookRepository(),
    getCurrentBookId,
    setCurrentBookId,
    locale: uiLocale,
    newBookTitle: () => t('clippingsTitle'),
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
  const deps = clipperDeps();
  const [target, books] = await Promise.all([currentClipTarget(deps), deps.repo.list()]);
  await browser.contextMenus.removeAll();
  create({
    id: CURRENT,
    title: target ? t('clipToBook', menuLabel(target.title)) : t('clipToNewBook'),
    contexts: ['selection'],
  });
  if (books.length === 0) return;
  create({ id: CHOOSE, title: t('clipTo'), contexts: ['selection'] });
  for (const book of books.slice(0, RECENT_BOOKS)) {
    create({ id: CHOOSE_PREFIX + book.id, parentId: CHOOSE, title: menuLabel(book.title), contexts: ['selection'] });
  }
}

/** Reads the selection (as HTML) from the frame the menu was opened in; the click granted activeTab for it. */
async function readSelection(info: Browser.contextMenus.OnClickData, tab?: Browser.tabs.Tab): Promise<ClipSource> {
  const fallback: ClipSource = { text: info.selectionText ?? '', title: tab?.title ?? '', url: info.pageUrl ?? tab?.url };
  if (tab?.id === undefined) return fallback;
  try {
    const [injection] = await browser.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [info.frameId ?? 0] },
      func: readPageSelection,
    });
    const selection = injection?.result;
    if (!selection || (!selection.html && !selection.text)) return fallback;
    return { ...selection, title: (info.frameId ?? 0) === 0 ? selection.title : (tab.title ?? selection.title) };
  } catch (error) {
    // Pages the extension may not script (browser pages, the web store, PDFs): the plain selected text still clips.
    console.warn('[anclora] reading the selection failed; clipping its text', error);
    return fallback;
  }
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
  onCurrentBookChanged(rebuildSoon);
  // Titles and order of recent books: rebuild when they change, not on every keystroke's save.
  let signature = '';
  bookRepository()
    .watchList()
    .subscribe({
      next: (books) => {
        const next = books.slice(0, RECENT_BOOKS).map((b) => `${b.id}:${b.title}`).join('\n');
        if (next !== signature) {
          signature = next;
          rebuildSoon();
        }
      },
      error: (error: unknown) => console.error('[anclora] watching books for the menu', error),
    });

  browser.contextMenus.onClicked.addListener((info, tab) => {
    const id = String(info.menuItemId);
    if (id !== CURRENT && !id.startsWith(CHOOSE_PREFIX)) return;
    const bookId = id.startsWith(CHOOSE_PREFIX) ? id.slice(CHOOSE_PREFIX.length) : undefined;
    void readSelection(info, tab)
      .then((source) => clip({ ...source, bookId }))
      .catch((error: unknown) => console.error('[anclora] clipping failed', error));
  });
}
