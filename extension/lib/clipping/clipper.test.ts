import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createBookRepository } from '../books/repository.ts';
import { clipToBook, currentClipTarget, EmptySelectionError, undoClip, type ClipperDeps } from './clipper.ts';
import { clipLog } from './clip-log.ts';
import { CITATION_METADATA_KEY } from './clip-record.ts';
import type { PageFacts } from './page-facts.ts';
import { testDatabases } from '../testing.ts';

const AT = Date.UTC(2026, 10, 25, 9, 30);
const SOURCE = { html: '<p>Quoted <em>words</em></p>', title: 'Source page', url: 'https://example.org/a', at: AT };
const QUOTE = '<blockquote><p>Quoted <em>words</em></p></blockquote>';
/** APA 7 for a page known only by its title and address. */
const CITATION = '<p><em>Source page</em>. (n.d.). Retrieved November 25, 2026, from <a href="https://example.org/a">https://example.org/a</a></p>';

const freshDb = testDatabases('clipper-test');

beforeEach(() => {
  fakeBrowser.reset();
});

function setup(current: string | null = null) {
  const repo = createBookRepository(freshDb());
  const state = { current };
  let ids = 0;
  const deps: ClipperDeps = {
    repo,
    getCurrentBookId: async () => state.current,
    setCurrentBookId: async (id) => void (state.current = id),
    locale: () => 'en-GB',
    newBookTitle: () => 'Clippings',
    log: clipLog,
    newId: () => `clip-${++ids}`,
  };
  return { repo, deps, state };
}

describe('clipping into a book', () => {
  it('appends the quotation and its reference to the current book', async () => {
    const { repo, deps } = setup();
    const book = await repo.create({ content: '<p>My draft.</p>' });
    deps.getCurrentBookId = async () => book.id;
    expect(await clipToBook(SOURCE, deps)).toEqual({ bookId: book.id, created: false, clipId: 'clip-1' });
    const stored = await repo.get(book.id);
    expect(stored?.content).toBe(`<p>My draft.</p>${QUOTE}${CITATION}`);
    expect(stored?.dirty).toBe(1);
  });

  it('writes the reference in the book’s citation style, from what the page says about itself', async () => {
    const { repo, deps } = setup();
    const book = await repo.create({ content: '' });
    await repo.save(book.id, { metadata: { [CITATION_METADATA_KEY]: { style: 'chicago', language: 'es' } } });
    const page: PageFacts = {
      url: SOURCE.url, title: 'x', lang: 'en', canonical: '', jsonLd: [],
      meta: [['citation_title', 'Mareas'], ['citation_author', 'Marsh, Ellen'], ['og:site_name', 'Costa'], ['citation_date', '2024-03-05']],
    };
    await clipToBook({ ...SOURCE, page, bookId: book.id }, deps);
    expect((await repo.get(book.id))?.content).toBe(
      `${QUOTE}<p>Marsh, Ellen. «Mareas». Costa. 5 de marzo de 2024. <a href="https://example.org/a">https://example.org/a</a>.</p>`,
    );
  });

  it('appends to the chosen book rather than the current one, and remembers it as the next default', async () => {
    const { repo, deps, state } = setup();
    const current = await repo.create({ title: 'Current' });
    const chosen = await repo.create({ title: 'Chosen' });
    state.current = current.id;
    await clipToBook({ ...SOURCE, bookId: chosen.id }, deps);
    expect((await repo.get(chosen.id))?.content).toContain('<blockquote>');
    expect((await repo.get(current.id))?.content).toBe('');
    expect((await currentClipTarget(deps))?.id).toBe(chosen.id);
  });

  it('creates the new book named in the picker, even when other books exist', async () => {
    const { repo, deps } = setup();
    await repo.create({ title: 'Existing' });
    const result = await clipToBook({ ...SOURCE, newBookTitle: 'Field notes' }, deps);
    expect(result.created).toBe(true);
    expect(await repo.get(result.bookId)).toMatchObject({ title: 'Field notes', content: `${QUOTE}${CITATION}` });
  });

  it('uses the most recently edited book when the current one was deleted', async () => {
    const { repo, deps, state } = setup();
    const gone = await repo.create({ title: 'Gone' });
    const recent = await repo.create({ title: 'Recent' });
    state.current = gone.id;
    await repo.remove(gone.id);
    expect((await currentClipTarget(deps))?.id).toBe(recent.id);
    expect((await clipToBook(SOURCE, deps)).bookId).toBe(recent.id);
  });

  it('creates a "Clippings" book, and makes it current, when there is no book at all', async () => {
    const { repo, deps, state } = setup();
    const result = await clipToBook(SOURCE, deps);
    expect(result.created).toBe(true);
    expect(state.current).toBe(result.bookId);
    expect(await repo.get(result.bookId)).toMatchObject({ title: 'Clippings', dirty: 1, revision: null });
  });

  it('refuses an empty selection and changes nothing', async () => {
    const { repo, deps } = setup();
    await expect(clipToBook({ html: '<img src=x>', text: '  ', url: SOURCE.url }, deps)).rejects.toBeInstanceOf(
      EmptySelectionError,
    );
    expect(await repo.list()).toEqual([]);
  });

  it('stores nothing executable from a hostile page', async () => {
    const { repo, deps } = setup();
    const { bookId } = await clipToBook(
      { html: '<p onclick="x()">hi<script>x()</script></p><a href="javascript:x()">go</a>', url: SOURCE.url, title: '<img src=x onerror=alert(1)>', at: AT },
      deps,
    );
    const content = (await repo.get(bookId))?.content ?? '';
    expect(content).not.toMatch(/script|onclick|javascript:|<img/i);
  });
});

describe('undoing a clip', () => {
  it('takes the clip back out and leaves what the writer wrote after it', async () => {
    const { repo, deps } = setup();
    const book = await repo.create({ content: '<p>Before.</p>' });
    const { clipId } = await clipToBook({ ...SOURCE, bookId: book.id }, deps);
    const clipped = (await repo.get(book.id))!.content;
    await repo.save(book.id, { content: `${clipped}<p>After.</p>` });
    expect(await undoClip(clipId, deps)).toBe('removed');
    expect((await repo.get(book.id))?.content).toBe('<p>Before.</p><p>After.</p>');
    expect(await undoClip(clipId, deps)).toBe('gone');
  });

  it('removes a book that was created for the clip alone', async () => {
    const { repo, deps } = setup();
    const { bookId, clipId } = await clipToBook(SOURCE, deps);
    expect(await undoClip(clipId, deps)).toBe('removed');
    expect(await repo.get(bookId)).toBeUndefined();
  });

  it('changes nothing when the writer has edited the clip since', async () => {
    const { repo, deps } = setup();
    const book = await repo.create({ content: '<p>Before.</p>' });
    const { clipId } = await clipToBook({ ...SOURCE, bookId: book.id }, deps);
    const edited = (await repo.get(book.id))!.content.replace('Quoted', 'Requoted');
    await repo.save(book.id, { content: edited });
    expect(await undoClip(clipId, deps)).toBe('gone');
    expect((await repo.get(book.id))?.content).toBe(edited);
  });
});
