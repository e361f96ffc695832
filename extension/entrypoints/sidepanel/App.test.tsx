// @vitest-environment happy-dom
// The panel as a writer uses it: real React tree, real TipTap editor, real Dexie on fake-indexeddb, English messages.
import 'fake-indexeddb/auto';
import type { Editor } from '@tiptap/react';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bookRepository } from '../../lib/books/repository.ts';
import { database } from '../../lib/books/db.ts';
import { fakeBrowser } from '../../lib/fake-browser.testing.ts';
import { App } from './App.tsx';

// The sync UI has its own tests; here it would only add network noise.
vi.mock('../../components/SyncStatusBadge.tsx', () => ({ SyncStatusBadge: () => null }));
vi.mock('../../components/ConflictBanner.tsx', () => ({ ConflictBanner: () => null }));
vi.mock('../../components/SettingsView.tsx', () => ({ SettingsView: () => null }));

function editorOf(): Editor {
  const dom = document.querySelector('[data-testid=editor] .ProseMirror') as (HTMLElement & { editor?: Editor }) | null;
  if (!dom?.editor) throw new Error('editor not mounted');
  return dom.editor;
}

async function openNewBook(): Promise<string> {
  fireEvent.click(await screen.findByTestId('new-book'));
  await waitFor(() => editorOf());
  const id = /#\/book\/(.+)$/.exec(location.hash)?.[1];
  if (!id) throw new Error('no book route');
  return id;
}

beforeEach(async () => {
  location.hash = '';
  localStorage.clear();
  fakeBrowser.reset();
  await database().books.clear();
  await database().trash.clear();
});
afterEach(cleanup);

describe('the side panel', () => {
  it('creates a book, opens it with its title selected, and saves typing', async () => {
    render(<App inTab={false} />);
    const id = await openNewBook();
    const title = screen.getByTestId('book-title') as HTMLInputElement;
    expect(document.activeElement).toBe(title);
    expect(title.value).toBe('Untitled');

    act(() => void editorOf().commands.insertContent('Call me Ishmael.'));
    // The save delay itself is pinned with fake timers in lib/autosave.test.ts; here the whole path is real.
    await waitFor(async () => expect((await bookRepository().get(id))?.content).toBe('<p>Call me Ishmael.</p>'), {
      timeout: 2000,
    });
    const stored = await bookRepository().get(id);
    expect(stored).toMatchObject({ dirty: 1, metadata: { wordCount: 3 } });
    await waitFor(() => expect(screen.getByTestId('word-count').textContent).toBe('3 words'));
    expect(await fakeBrowser.storage.local.get('currentBookId')).toEqual({ currentBookId: id });
  });

  it('saves title and author edits', async () => {
    render(<App inTab={false} />);
    const id = await openNewBook();
    fireEvent.change(screen.getByTestId('book-title'), { target: { value: 'Moby-Dick' } });
    fireEvent.change(screen.getByTestId('book-author'), { target: { value: 'Herman Melville' } });
    await waitFor(async () =>
      expect(await bookRepository().get(id)).toMatchObject({ title: 'Moby-Dick', author: 'Herman Melville' }),
    );
  });

  it('shows a clip that arrives while the writer types, keeping both the typing and the clip', async () => {
    render(<App inTab={false} />);
    const id = await openNewBook();
    act(() => void editorOf().commands.insertContent('My draft.'));
    const clip = '<blockquote><p>Quoted</p></blockquote><p>— Source, 25 Nov 2026</p>';
    await bookRepository().append(id, clip);
    act(() => void editorOf().commands.insertContentAt(1, 'Still typing. '));
    await waitFor(() => expect(editorOf().getHTML()).toContain(clip));
    await waitFor(
      async () => expect((await bookRepository().get(id))?.content).toBe(`<p>Still typing. My draft.</p>${clip}`),
      { timeout: 3000 },
    );
  });

  it('writes unsaved typing to the journal when the page is hidden, and saves it', async () => {
    render(<App inTab={false} />);
    const id = await openNewBook();
    act(() => void editorOf().commands.insertContent('Last words before closing'));
    window.dispatchEvent(new Event('pagehide'));
    const journal = JSON.parse(localStorage.getItem(`anclora:unsaved:${id}`) ?? 'null');
    expect(journal).toMatchObject({ bookId: id, content: '<p>Last words before closing</p>' });
    await waitFor(async () => expect((await bookRepository().get(id))?.content).toBe('<p>Last words before closing</p>'));
    await waitFor(() => expect(localStorage.getItem(`anclora:unsaved:${id}`)).toBeNull());
  });

  it('lists books by last edit with word counts, and searches them by title', async () => {
    const repo = bookRepository();
    const older = await repo.create({ title: 'Older', content: '<p>one two</p>' });
    const newer = await repo.create({ title: 'Newer', content: '<p>one</p>' });
    await repo.save(older.id, { content: '<p>one two three</p>' });
    // Two writes can land in the same millisecond here; make "Older" unambiguously the latest edit.
    await database().books.update(older.id, { updatedAt: newer.updatedAt + 10 });
    render(<App inTab={false} />);
    await waitFor(() => expect(screen.getAllByTestId('book-item')).toHaveLength(2));
    const items = screen.getAllByTestId('book-item');
    expect(items.map((i) => i.querySelector('.book-item-title')?.textContent)).toEqual(['Older', 'Newer']);
    expect(items[0]?.textContent).toContain('3 words');
    expect(items[1]?.textContent).toContain('1 word ·');
    fireEvent.change(screen.getByRole('searchbox'), { target: { value: 'new' } });
    await waitFor(() => expect(screen.getAllByTestId('book-item')).toHaveLength(1));
    expect(screen.getByTestId('book-item').getAttribute('data-book-id')).not.toBe(older.id);
  });

  it('deletes a book with a way to undo it', async () => {
    render(<App inTab={false} />);
    const id = await openNewBook();
    act(() => void editorOf().commands.insertContent('Keep me'));
    fireEvent.click(screen.getByTestId('delete-book'));
    await screen.findByTestId('book-list');
    expect(await bookRepository().get(id)).toBeUndefined();
    expect(screen.queryAllByTestId('book-item')).toHaveLength(0);
    fireEvent.click(await screen.findByTestId('undo-delete'));
    await waitFor(() => editorOf());
    expect((await bookRepository().get(id))?.content).toBe('<p>Keep me</p>');
  });

  it('keeps a never-saved-to-the-server deleted book in the trash across a reload, and restores it from there', async () => {
    const first = render(<App inTab={false} />);
    const id = await openNewBook();
    act(() => void editorOf().commands.insertContent('Only on this device'));
    await waitFor(async () => expect((await bookRepository().get(id))?.content).toBe('<p>Only on this device</p>'), { timeout: 2000 });
    fireEvent.click(screen.getByTestId('delete-book'));
    await screen.findByTestId('book-list');
    first.unmount();

    // A reload: a new tree, no undo notice, the trash still holds the book.
    render(<App inTab={false} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Trash (1)' }));
    const item = await screen.findByTestId('trash-item');
    expect(location.hash).toBe('#/trash');
    expect(item.textContent).toContain('Untitled');
    expect(item.textContent).toContain('on this browser');
    expect(item.textContent).toContain('29 days left');
    fireEvent.click(screen.getByRole('button', { name: 'Restore Untitled' }));
    await waitFor(() => editorOf());
    expect(location.hash).toBe(`#/book/${id}`);
    expect(await bookRepository().get(id)).toMatchObject({ content: '<p>Only on this device</p>', deleted: 0 });
  });

  it('empties the trash only after one confirmation', async () => {
    for (const title of ['One', 'Two']) await bookRepository().remove((await bookRepository().create({ title })).id);
    location.hash = '#/trash';
    render(<App inTab={false} />);
    await waitFor(() => expect(screen.getAllByTestId('trash-item')).toHaveLength(2));
    fireEvent.click(screen.getByTestId('empty-trash'));
    expect(screen.getByTestId('trash-confirm').textContent).toContain('Delete 2 books forever?');
    fireEvent.click(screen.getByTestId('trash-confirm-no'));
    expect(await database().trash.count()).toBe(2);
    fireEvent.click(screen.getByTestId('empty-trash'));
    fireEvent.click(screen.getByTestId('trash-confirm-yes'));
    await screen.findByText('The trash is empty.');
    expect(await database().trash.count()).toBe(0);
  });

  it('opens the open book in a full tab after saving it', async () => {
    const opened: Array<string | undefined> = [];
    fakeBrowser.tabs.onCreated.addListener((tab) => void opened.push(tab.url));
    render(<App inTab={false} />);
    const id = await openNewBook();
    act(() => void editorOf().commands.insertContent('Long session'));
    fireEvent.click(screen.getByRole('button', { name: 'Open in tab' }));
    const tabUrl = fakeBrowser.runtime.getURL(`/sidepanel.html?view=tab#/book/${id}`);
    await waitFor(() => expect(opened).toEqual([tabUrl]));
    expect((await bookRepository().get(id))?.content).toBe('<p>Long session</p>');
  });
});
