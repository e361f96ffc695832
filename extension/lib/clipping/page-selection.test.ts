// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { readPageSelection } from './page-selection.ts';

function select(html: string) {
  document.body.innerHTML = `<main id="page">${html}</main>`;
  const range = document.createRange();
  range.selectNodeContents(document.getElementById('page')!);
  const selection = window.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
}

beforeEach(() => {
  document.title = 'The page';
});

describe('reading the selection in the page', () => {
  it('returns the selection HTML, its text, and the page title and address', () => {
    select('<p>Some <b>bold</b> text</p>');
    const selection = readPageSelection();
    expect(selection.html).toBe('<p>Some <b>bold</b> text</p>');
    expect(selection.text).toContain('Some bold text');
    expect(selection.title).toBe('The page');
    expect(selection.url).toBe(location.href);
  });

  it('keeps layout blocks apart as paragraphs instead of running their words together', () => {
    select('<div>one</div><div>two</div><section><p>three</p></section>');
    expect(readPageSelection().html).toBe('<p>one</p><p>two</p><p>three</p>');
  });

  it('keeps a selected table as a table', () => {
    select('<table><tr><th>Port</th><td><div>06:12</div></td></tr></table>');
    expect(readPageSelection().html).toBe('<table><tbody><tr><th>Port</th><td><p>06:12</p></td></tr></tbody></table>');
  });

  it('wraps loose inline content in paragraphs', () => {
    select('loose <i>words</i><p>block</p>tail');
    expect(readPageSelection().html).toBe('<p>loose <i>words</i></p><p>block</p><p>tail</p>');
  });

  it('resolves relative links against the page', () => {
    select('<p><a href="/about">about</a></p>');
    expect(readPageSelection().html).toBe(`<p><a href="${new URL('/about', location.href).href}">about</a></p>`);
  });

  it('returns empty HTML when nothing is selected', () => {
    document.body.innerHTML = '<p>x</p>';
    window.getSelection()!.removeAllRanges();
    expect(readPageSelection()).toMatchObject({ html: '', text: '' });
  });
});
