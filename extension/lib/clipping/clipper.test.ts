import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createBookRepository } from '../books/repository.ts';
import { clipToBook, currentClipTarget, EmptySelectionError, type ClipperDeps } from './clipper.ts';
import { testDatabases } from '../testing.ts';

const AT = Date.UTC(2026, 10, 25, 9, 30);
const SOURCE = { html: '<p>Quoted <em>words</em></p>', title: 'Source page', url: 'https://example.org/a', at: AT };
const CITATION = '<p>— <a href="https://example.org/a">Source page</a>, 25 Nov 2026</p>';

const freshDb = testDatabases('clipper-test');

function setup(current: string | null = null) {
  const repo = createBookRepository(freshDb());
  const state = { current };
  const deps: ClipperDeps = {
    repo,
    getCurrentBookId: async () => state.current,
    setCurrentBookId: async (id) => void (state.current = id),
    locale: () => 'en-GB',
    newBookTitle: () => 'Clippings',
  };
  return { repo, deps, state };
}

describe('clipping into a book', () => {
  it('appends the quotation and its citation to the current book', async () => {
    const { repo, deps } = setup();
    const book = await repo.create({ content: '<p>My draft.</p>' });
    deps.getCurrentBookId = async () => book.id;
    expect(await clipToBook(SOURCE, deps)).toEqual({ bookId: book.id, created: false });
    const stored = await repo.get(book.id);
    expect(stored?.content).toBe(`<p>My draft.</p><blockquote><p>Quoted <em>words</em></p></blockquote>${CITATION}`);
    expect(stored?.dirty).toBe(1);
  });

  it('appends to the book chosen in "Clip to…" rather than the current one', async () => {
    const { repo, deps, state } = setup();
    const current = await repo.create({ title: 'Current' });
    const chosen = await repo.create({ title: 'Chosen' });
    state.current = current.id;
    await clipToBook({ ...SOURCE, bookId: chosen.id }, deps);
    expect((await repo.get(chosen.id))?.content).toContain('<blockquote>');
    expect((await repo.get(current.id))?.content).toBe('');
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
      { html: '<p onclick="x()">hi<script>x()</script></p><a href="javascript:x()">go</a>', url: SOURCE.url, title: 't', at: AT },
      deps,
    );
    const content = (await repo.get(bookId))?.content ?? '';
    expect(content).not.toMatch(/script|onclick|javascript:/i);
  });
});
