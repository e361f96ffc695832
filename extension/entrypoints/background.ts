// Background composition root: only wiring; each concern lives in its own module under extension/lib/.
//
// For e2e tests (headless browsers cannot click a context menu), the background exposes
//   globalThis.__clip({ html?, text?, title?, url?, bookId?, at? }) → Promise<{ bookId, created }>
// which is exactly what the context-menu click does after reading the selection (Chrome: evaluate it in the service
// worker). Extension pages can do the same with runtime.sendMessage({ type: 'clip', data: request }) (Firefox e2e).
// And globalThis.__clipFromTab({ tabId, ... }, kind, destination) is what a menu click, the shortcut or the toolbar
// does once the gesture has granted activeTab on the tab (e2e grant it through the toolbar action first).
import '../lib/zod-jitless.ts';
import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { onBookWrites } from '../lib/books/repository.ts';
import { clip, clipFromTab, clipMessageHandlers, setupClipMenu } from '../lib/clipping/menu.ts';
import { openEditorTab } from '../lib/editor/tab.ts';
import { listenToPages } from '../lib/messaging.ts';
import { setupSync } from '../lib/sync/setup.ts';

declare global {
  var __clip: typeof clip | undefined;
  var __clipFromTab: typeof clipFromTab | undefined;
}

interface SidebarActionApi {
  toggle(): Promise<void>;
}

function setupPanel() {
  // Chrome: the toolbar button (and its keyboard shortcut) opens the side panel.
  if (browser.sidePanel?.setPanelBehavior) {
    void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch((error: unknown) => {
      console.error('[anclora] side panel behaviour', error);
    });
  }
  // Firefox: the toolbar button toggles the sidebar (its shortcut is the manifest's _execute_sidebar_action).
  const sidebarAction = (browser as unknown as { sidebarAction?: SidebarActionApi }).sidebarAction;
  const toolbarButton = browser.action ?? (browser as unknown as { browserAction?: typeof browser.action }).browserAction;
  if (sidebarAction && toolbarButton) toolbarButton.onClicked.addListener(() => void sidebarAction.toggle());
}

function setupEditorTab() {
  // Firefox: a first install opens the editor in a tab, since the sidebar stays closed until asked for. This is also
  // the only way Firefox's WebDriver can reach an extension page (it refuses to navigate to moz-extension:// URLs).
  if (import.meta.env.FIREFOX) {
    browser.runtime.onInstalled.addListener(({ reason }) => {
      if (reason === 'install') void openEditorTab();
    });
  }
}

export default defineBackground(() => {
  setupPanel();
  setupEditorTab();
  setupClipMenu();
  const sync = setupSync();
  // Clips written here sync within a couple of seconds, without waiting for the alarm.
  onBookWrites(sync.booksChanged);
  // The one listener for pages' messages (registered in the worker's first turn, as MV3 requires).
  listenToPages({
    ...sync.handlers,
    'open-editor-tab': async ({ bookId }) => ({ tabId: await openEditorTab(bookId) }),
    ...clipMessageHandlers,
  });
  globalThis.__clip = clip;
  globalThis.__clipFromTab = clipFromTab;
});
