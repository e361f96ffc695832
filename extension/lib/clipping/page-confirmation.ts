// Runs inside the clipped page (injected after a clip): a brief confirmation in a closed shadow root with "Undo" and
// "Open", or the reason a clip was refused. Self-contained (the browser serialises the function). Only trusted
// clicks count, so the page's own scripts cannot undo a clip; its messages go to the background's one listener.
export interface ConfirmationText {
  message: string;
  undo?: string;
  open?: string;
  /** Shown after "Undo": the clip was removed, or could not be. */
  undone?: string;
  notUndone?: string;
}

export interface ConfirmationTarget {
  clipId?: string;
  bookId?: string;
}

export function showClipConfirmation(text: ConfirmationText, target: ConfirmationTarget): void {
  const HOST_ID = 'anclora-press-clip-confirmation';
  const SHOWN_MS = 8_000;
  document.getElementById(HOST_ID)?.remove();
  const host = document.createElement('div');
  host.id = HOST_ID;
  host.style.cssText = 'all:initial;position:fixed;z-index:2147483647;right:16px;bottom:16px;';
  const root = host.attachShadow({ mode: 'closed' });
  const box = document.createElement('div');
  box.setAttribute('role', 'status');
  box.setAttribute('aria-live', 'polite');
  box.style.cssText =
    'font:14px/1.4 system-ui,sans-serif;color:#fff;background:#263238;border-radius:8px;padding:10px 14px;' +
    'box-shadow:0 4px 16px rgba(0,0,0,.3);display:flex;gap:12px;align-items:center;max-width:420px;';
  const label = document.createElement('span');
  label.textContent = text.message;
  box.append(label);
  let timer = setTimeout(() => host.remove(), SHOWN_MS);
  const send = (type: string, data: unknown): Promise<unknown> =>
    (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({
      type,
      data,
    });
  const button = (caption: string, onClick: () => void) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = caption;
    b.style.cssText =
      'font:inherit;font-weight:600;color:#80cbc4;background:none;border:0;padding:2px 4px;cursor:pointer;';
    b.addEventListener('click', (event) => {
      if (event.isTrusted) onClick();
    });
    box.append(b);
    return b;
  };
  if (target.clipId && text.undo) {
    const undo = button(text.undo, () => {
      clearTimeout(timer);
      for (const b of Array.from(box.querySelectorAll('button'))) b.remove();
      void send('clip-undo', { clipId: target.clipId }).then((answer) => {
        label.textContent = (answer as { outcome?: string } | undefined)?.outcome === 'removed' ? (text.undone ?? '') : (text.notUndone ?? '');
        timer = setTimeout(() => host.remove(), SHOWN_MS / 2);
      });
    });
    undo.dataset.action = 'undo';
  }
  if (target.bookId && text.open) {
    const open = button(text.open, () => {
      host.remove();
      void send('clip-open', { bookId: target.bookId });
    });
    open.dataset.action = 'open';
  }
  root.append(box);
  (document.body ?? document.documentElement).append(host);
}
