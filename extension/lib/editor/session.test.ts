// @vitest-environment happy-dom
import 'fake-indexeddb/auto';
import { DOMSerializer } from '@tiptap/pm/model';
import { Editor } from '@tiptap/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until } from '../../../shared/wait.testing.ts';
import { createBookRepository } from '../books/repository.ts';
import { testDatabases } from '../testing.ts';
import { manuscriptExtensions } from './schema.ts';
import { EditingSession, type SessionView } from './session.ts';

const freshDb = testDatabases('session-test');
const BASE = '<h2>One</h2><p>The first chapter.</p><h2>Two</h2><p>The second chapter.</p>';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A synced book open in a real editor, wired as useBookSession wires it, on a real repository (fake IndexedDB). */
async function openBook(content = BASE) {
  const db = freshDb();
  const repo = createBookRepository(db);
  const created = await repo.create({ title: 'Tide', content });
  await db.books.update(created.id, { dirty: 0, revision: 1 });
  const book = (await repo.get(created.id))!;
  const view: SessionView = { setField: vi.fn(), setCounts: vi.fn(), setSaveState: vi.fn(), setMissing: vi.fn() };
  const session = new EditingSession(book, repo, view, localStorage);
  const editor = new Editor({
    extensions: manuscriptExtensions(),
    content: book.content,
    onUpdate: ({ editor: updated }) => session.edited(updated.state.doc),
  });
  session.attach(editor);
  cleanups.push(() => {
    session.close();
    editor.destroy();
  });
  /** What the sync engine does with a pulled change: writes the server's version of a clean book to the database. */
  const pull = async (content: string) => {
    await db.books.update(book.id, { content, revision: 2, dirty: 0 });
  };
  /** The writer types at the end of the second chapter. */
  const type = (text: string) => {
    editor.chain().focus().setTextSelection(editor.state.doc.content.size - 1).insertContent(text).run();
  };
  return { db, repo, book, view, session, editor, pull, type };
}

describe('an open book taking in a change pulled while the writer types', () => {
  it('merges both edits, keeps the cursor, and undo still takes back only the typing', async () => {
    const { db, repo, book, session, editor, pull, type } = await openBook();
    type(' Typed');
    const cursor = editor.state.selection.from;
    const remote = BASE.replace('The first chapter.', 'The first chapter, from the other device.');
    await pull(remote);

    session.reconcile(await repo.get(book.id));
    const merged = remote.replace('The second chapter.', 'The second chapter. Typed');
    expect(editor.getHTML()).toBe(merged);
    expect(editor.state.selection.from).toBe(cursor + ', from the other device'.length);

    // Typing goes on where it was, and the next save stores the merge, based on the pulled revision.
    type(' on');
    await session.flush();
    const stored = await db.books.get(book.id);
    expect(stored).toMatchObject({ content: merged.replace('Typed', 'Typed on'), revision: 2, dirty: 1 });
    expect(await db.conflicts.count()).toBe(0);

    editor.commands.undo();
    expect(editor.getHTML()).toBe(remote);
  });

  it('merges a change that reached the database just before a save, before the session heard of it', async () => {
    const { db, book, session, editor, pull, type } = await openBook();
    type(' Typed');
    const remote = BASE.replace('<h2>One</h2>', '<h2>Chapter one</h2>');
    await pull(remote);
    await session.flush();

    const merged = remote.replace('The second chapter.', 'The second chapter. Typed');
    expect((await db.books.get(book.id))?.content).toBe(merged);
    // The editor shows what was stored, without the change going through the writer's undo history.
    expect(editor.getHTML()).toBe(merged);
    editor.commands.undo();
    expect(editor.getHTML()).toBe(remote);
  });

  it('keeps the typing where both changed the same words, and the other text as a conflict copy', async () => {
    const { db, repo, book, session, editor, pull, type } = await openBook();
    editor.chain().setTextSelection({ from: 10, to: 15 }).insertContent('opening').run();
    const typed = editor.getHTML();
    expect(typed).toContain('The opening chapter.');
    type(' Typed');
    const remote = BASE.replace('The first chapter.', 'The last chapter.');
    await pull(remote);

    session.reconcile(await repo.get(book.id));
    expect(editor.getHTML()).toBe(typed.replace('The second chapter.', 'The second chapter. Typed'));
    const copies = await until(async () => ((await db.conflicts.count()) > 0 ? db.conflicts.toArray() : undefined), {
      message: 'the conflict copy',
    });
    expect(copies).toMatchObject([{ bookId: book.id, content: remote }]);
  });
});

describe('saving a long book', () => {
  it('serialises only the edited block on each save, never the whole book', async () => {
    const book = Array.from({ length: 1000 }, (_, i) => `<p>Paragraph ${i} of a long book.</p>`).join('');
    const { db, session, editor, type } = await openBook(book);
    type(' First.');
    await session.flush();
    const serialise = vi.spyOn(DOMSerializer.prototype, 'serializeNode');
    type(' Second.');
    await session.flush();
    expect(serialise).toHaveBeenCalledTimes(1);
    serialise.mockRestore();
    expect((await db.books.get(session.bookId))?.content).toBe(editor.getHTML());
  });
});

describe('the word count while the writer types', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('follows a pause at once and continuous typing every second, not every keystroke', async () => {
    const { view, type } = await openBook();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const setCounts = vi.mocked(view.setCounts);
    // Ten keystrokes a second for two seconds: the count is shown about once a second.
    for (let i = 0; i < 20; i++) {
      type('a');
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(setCounts.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(setCounts.mock.calls.length).toBeLessThanOrEqual(2);
    // A pause shows the latest count a quarter of a second later.
    type(' word');
    setCounts.mockClear();
    await vi.advanceTimersByTimeAsync(250);
    expect(setCounts).toHaveBeenCalledTimes(1);
    expect(setCounts.mock.calls[0]![0].wordCount).toBe(9);
  });
});
