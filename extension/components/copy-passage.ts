// Puts a passage on the clipboard as formatted text, with plain text for places that take only that (the merge review
// and the history view copy this way).
export async function copyPassage(html: string): Promise<void> {
  const plain = new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';
  if (typeof ClipboardItem !== 'undefined' && navigator.clipboard.write) {
    await navigator.clipboard.write([
      new ClipboardItem({ 'text/html': new Blob([html], { type: 'text/html' }), 'text/plain': new Blob([plain], { type: 'text/plain' }) }),
    ]);
  } else {
    await navigator.clipboard.writeText(plain);
  }
}
