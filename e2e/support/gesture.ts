// Stands in for the writer's gesture on a page (menu click, shortcut, toolbar button), which grants the extension
// activeTab on that tab: headless Chromium cannot click a context menu, but CDP can press the toolbar button.
import type { CDPSession, Page } from 'puppeteer';
import type { ExtensionBrowser } from './browser.ts';

/** The part of the worker's `chrome` these helpers use (functions sent to the worker run there, typed here). */
interface WorkerChrome {
  sidePanel: { setPanelBehavior(behavior: { openPanelOnActionClick: boolean }): Promise<void> };
  tabs: { query(query: object): Promise<Array<{ id?: number; url?: string }>> };
}

/**
 * Presses the toolbar button on `page`'s tab and answers the tab's id. The button normally opens the side panel,
 * which takes the press without granting activeTab, so the panel behaviour is switched off for the press.
 */
export async function grantActiveTab(ext: ExtensionBrowser, page: Page): Promise<number> {
  await page.bringToFront();
  const url = page.url();
  await ext.evaluateInWorker(() => (globalThis as unknown as { chrome: WorkerChrome }).chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: false }));
  const session = await ext.browser.target().createCDPSession();
  try {
    const { targetInfos } = await session.send('Target.getTargets', { filter: [{}] });
    const tab = targetInfos.find((t) => t.type === 'tab' && t.url === url);
    if (!tab) throw new Error(`no tab target for ${url}`);
    await session.send('Extensions.triggerAction' as never, { id: ext.extensionId, targetId: tab.targetId } as never);
  } finally {
    await session.detach().catch(() => undefined);
    await ext.evaluateInWorker(() => (globalThis as unknown as { chrome: WorkerChrome }).chrome.sidePanel.setPanelBehavior({ openPanelOnActionClick: true }));
  }
  const tabId = await ext.evaluateInWorker(async (address) => {
    const tabs = await (globalThis as unknown as { chrome: WorkerChrome }).chrome.tabs.query({});
    return tabs.find((t) => t.url === address)?.id ?? null;
  }, url);
  if (tabId === null) throw new Error(`the toolbar press did not grant access to ${url}`);
  return tabId;
}

/** The page's clip confirmation with its closed shadow root, as a CDP node (null when there is none). */
async function confirmationNode(session: CDPSession) {
  // Depth 0: a hostile page's DOM may be too deep for CDP to send whole.
  const { root } = await session.send('DOM.getDocument', { depth: 0 });
  const { nodeIds } = await session.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: '#anclora-press-clip-confirmation' });
  if (nodeIds.length !== 1) return null;
  return (await session.send('DOM.describeNode', { nodeId: nodeIds[0]!, depth: -1, pierce: true })).node;
}

type CdpNode = NonNullable<Awaited<ReturnType<typeof confirmationNode>>>;
const childrenOf = (n: CdpNode): CdpNode[] => [...(n.shadowRoots ?? []), ...(n.children ?? [])];

/** Clicks the button `action` ("undo", "open") of the clip confirmation in `page`, inside its closed shadow root. */
export async function clickConfirmationButton(page: Page, action: string): Promise<void> {
  const session = await page.createCDPSession();
  try {
    const node = await confirmationNode(session);
    if (!node) throw new Error('no clip confirmation on the page');
    const find = (n: CdpNode): number | undefined => {
      const at = n.attributes?.indexOf('data-action') ?? -1;
      if (at >= 0 && n.attributes![at + 1] === action) return n.backendNodeId;
      for (const child of childrenOf(n)) {
        const found = find(child);
        if (found !== undefined) return found;
      }
      return undefined;
    };
    const backendNodeId = find(node);
    if (backendNodeId === undefined) throw new Error(`no "${action}" button on the clip confirmation`);
    const { model } = await session.send('DOM.getBoxModel', { backendNodeId });
    const [x1, y1, , , x3, y3] = model.content;
    // A real, trusted click: the confirmation ignores clicks the page's scripts make up.
    await page.mouse.click((x1! + x3!) / 2, (y1! + y3!) / 2);
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** The text the clip confirmation shows in `page` ('' when there is none). */
export async function confirmationText(page: Page): Promise<string> {
  const session = await page.createCDPSession();
  try {
    const node = await confirmationNode(session);
    const texts: string[] = [];
    const walk = (n: CdpNode) => {
      if (n.nodeType === 3) texts.push(n.nodeValue);
      for (const child of childrenOf(n)) walk(child);
    };
    if (node) walk(node);
    return texts.join(' ').trim();
  } finally {
    await session.detach().catch(() => undefined);
  }
}
