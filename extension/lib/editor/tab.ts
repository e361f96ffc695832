// Opens the editor page in a full browser tab (long writing sessions; also how Firefox e2e reaches the editor).
import { browser } from 'wxt/browser';
import { editorPagePath } from '../navigation.ts';

export async function openEditorTab(bookId?: string): Promise<number | undefined> {
  const route = bookId ? ({ view: 'book', bookId } as const) : ({ view: 'list' } as const);
  const tab = await browser.tabs.create({ url: browser.runtime.getURL(editorPagePath(route, true)) });
  return tab.id;
}
