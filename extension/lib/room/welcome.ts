// The first-run welcome: whether it was already read on this device, and the shortcut that opens the panel.
import { browser } from 'wxt/browser';

const KEY = 'anclora.welcomed';

export function welcomeRead(storage: Storage): boolean {
  return storage.getItem(KEY) === '1';
}

export function markWelcomeRead(storage: Storage): void {
  storage.setItem(KEY, '1');
}

/** The keyboard shortcut that opens the panel or sidebar as the writer has it set ("" when none is assigned). */
export async function openPanelShortcut(): Promise<string> {
  try {
    const commands = await browser.commands.getAll();
    return commands.find((c) => c.name === '_execute_action' || c.name === '_execute_sidebar_action')?.shortcut ?? '';
  } catch {
    return '';
  }
}
