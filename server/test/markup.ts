// Test and bench support: manuscripts at the markup limits, the costliest markup the server still has to sanitise.
import { LIMITS } from '../../shared/limits.ts';

/**
 * About `bytes` of HTML nested exactly LIMITS.markupDepthMax deep with exactly LIMITS.markupElementsMax elements, all
 * of them allowed tags (kept, so the sanitiser does its full work) and most of them at the deepest level.
 */
export function worstCaseManuscript(bytes: number): string {
  const outer = LIMITS.markupDepthMax - 1;
  const open = '<em>'.repeat(outer);
  const close = '</em>'.repeat(outer);
  const leaves = LIMITS.markupElementsMax - outer;
  const leafText = Math.max(1, Math.floor((bytes - open.length - close.length) / leaves) - '<b></b>'.length);
  return open + `<b>${'x'.repeat(leafText)}</b>`.repeat(leaves) + close;
}
