import { describe, expect, it } from 'vitest';
import { withoutClip } from './undo.ts';

const CLIP = '<blockquote><p>Tides &#38; moons</p></blockquote><p>Carson, R. (2024). <em>Sea</em>. <a href="https://example.org/?a=1&#38;b=2">https://example.org/?a=1&#38;b=2</a></p>';
// The same clip as the editor saves it: its entity forms and link attributes.
const AS_EDITOR_SAVES = '<blockquote><p>Tides &amp; moons</p></blockquote><p>Carson, R. (2024). <em>Sea</em>. <a target="_blank" rel="noopener noreferrer" href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a></p>';

describe('taking a clip back out of a manuscript', () => {
  it('removes a clip appended at the end, and nothing else', () => {
    expect(withoutClip(`<p>Mine.</p>${CLIP}`, CLIP)).toBe('<p>Mine.</p>');
  });

  it('finds the clip after the editor re-serialised it, with the writer’s text after it untouched', () => {
    expect(withoutClip(`<p>Mine.</p>\n${AS_EDITOR_SAVES}<p>Written after &amp; below.</p>`, CLIP)).toBe(
      '<p>Mine.</p>\n<p>Written after &amp; below.</p>',
    );
  });

  it('removes the last copy when the same passage was clipped twice', () => {
    expect(withoutClip(`${CLIP}<p>Between.</p>${CLIP}`, CLIP)).toBe(`${CLIP}<p>Between.</p>`);
  });

  it('answers null when the writer changed the clip or removed it', () => {
    expect(withoutClip(`<p>Mine.</p>${CLIP.replace('moons', 'suns')}`, CLIP)).toBeNull();
    expect(withoutClip('<p>Mine.</p>', CLIP)).toBeNull();
    expect(withoutClip('<p>Mine.</p>', '')).toBeNull();
  });
});
