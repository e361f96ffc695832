// @vitest-environment happy-dom
// The history view on the real database and repository, with the real English messages; the background's answer
// about the server's history is the one faked edge.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { database } from '../lib/books/db.ts';
import { bookRepository } from '../lib/books/repository.ts';
import { listSnapshots, putSnapshots, snapshotOf } from '../lib/books/snapshots.ts';
import type { ServerHistoryAnswer } from '../lib/sync/server-history.ts';
import { HistoryView } from './HistoryView.tsx';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function backgroundAnswers(answer: ServerHistoryAnswer) {
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async () => answer);
}

async function bookWithSnapshot(older: string, now: string) {
  const book = await bookRepository().create({ title: 'The Long Tide', content: older });
  const snapshot = snapshotOf(book, 'sync', Date.now() - 60_000, crypto.randomUUID());
  await database().transaction('rw', database().snapshots, database().snapshotTexts, () => putSnapshots(database(), [snapshot]));
  await bookRepository().save(book.id, { content: now });
  return book;
}

describe('HistoryView', () => {
  it('signed out: lists this browser\'s snapshot, says where the server\'s history is, shows the changes and restores it', async () => {
    backgroundAnswers({ ok: true, signedIn: false });
    const book = await bookWithSnapshot('<p>The pier was quiet.</p>', '<p>The pier was crowded.</p>');
    const onRestored = vi.fn();
    render(<HistoryView bookId={book.id} onBack={() => undefined} onRestored={onRestored} />);
    expect((await screen.findByText(/Sign in to sync/)).textContent).toContain('server\'s history');
    const entry = await screen.findByTestId('history-entry');
    expect(entry.textContent).toContain('this browser');
    expect(entry.textContent).toContain('kept before a sync replaced it');

    fireEvent.click(entry);
    expect(entry.getAttribute('aria-pressed')).toBe('true');
    const diff = await screen.findByTestId('history-diff');
    expect(diff.querySelector('del')?.textContent).toBe('removed: quiet.');
    expect(diff.querySelector('ins')?.textContent).toBe('added: crowded.');

    fireEvent.click(screen.getByTestId('history-restore'));
    await waitFor(() => expect(onRestored).toHaveBeenCalled());
    expect(await bookRepository().get(book.id)).toMatchObject({ content: '<p>The pier was quiet.</p>', dirty: 1 });
    // The restore kept the text it replaced: it is in history in turn.
    expect((await listSnapshots(book.id)).map((s) => s.cause)).toEqual(['restore', 'sync']);
  });

  it('keeps listing this browser\'s versions when the server\'s history cannot be read, and says why', async () => {
    backgroundAnswers({ ok: false, message: 'The server is unreachable' });
    const book = await bookWithSnapshot('<p>One.</p>', '<p>Two.</p>');
    render(<HistoryView bookId={book.id} onBack={() => undefined} onRestored={() => undefined} />);
    expect((await screen.findByText(/could not be read/)).textContent).toContain('The server is unreachable');
    expect(await screen.findAllByTestId('history-entry')).toHaveLength(1);
  });

  it('signed in: the server\'s versions by day with device and words; one no longer kept says so', async () => {
    const book = await bookWithSnapshot('<p>One.</p>', '<p>Two.</p>');
    const summary = {
      id: book.id, title: 'The Long Tide', author: '', metadata: {}, createdAt: 1, syncedAt: 2, deleted: false, replacedAt: 3,
      wordsAdded: 12, wordsRemoved: 3,
    };
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (message: unknown) => {
      const { data } = message as { data: { action: string } };
      if (data.action === 'get') return { ok: true, signedIn: true, version: null } satisfies ServerHistoryAnswer;
      return {
        ok: true, signedIn: true, hasMore: false,
        versions: [{ ...summary, revision: 2, updatedAt: Date.now() - 1000, device: 'Laptop' }, { ...summary, revision: 1, updatedAt: Date.now() - 2000, device: 'web' }],
      } satisfies ServerHistoryAnswer;
    });
    render(<HistoryView bookId={book.id} onBack={() => undefined} onRestored={() => undefined} />);
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(3));
    const [laptop, web] = screen.getAllByTestId('history-entry').filter((e) => e.dataset.source === 'server');
    expect(laptop!.textContent).toContain('Laptop');
    expect(laptop!.textContent).toContain('+12 −3 words');
    expect(web!.textContent).toContain('web sign-in');
    expect(screen.queryByText(/Sign in to sync/)).toBeNull();
    fireEvent.click(laptop!);
    expect((await screen.findByText('This version is no longer kept.')).getAttribute('role')).toBe('status');
    expect(screen.queryByTestId('history-restore')).toBeNull();
  });

  it('pages older server versions on request, asking for those before the last one shown', async () => {
    const book = await bookRepository().create({ title: 'The Long Tide', content: '<p>Now.</p>' });
    const version = (revision: number) => ({
      id: book.id, title: 'The Long Tide', author: '', metadata: {}, createdAt: 1, syncedAt: 2, deleted: false, replacedAt: 3,
      wordsAdded: 1, wordsRemoved: 0, revision, updatedAt: Date.now() - (10 - revision) * 1000, device: 'Laptop',
    });
    const asked: unknown[] = [];
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (message: unknown) => {
      const { data } = message as { data: { before?: number } };
      asked.push(data);
      return data.before === undefined
        ? ({ ok: true, signedIn: true, hasMore: true, versions: [version(9), version(8)] } satisfies ServerHistoryAnswer)
        : ({ ok: true, signedIn: true, hasMore: false, versions: [version(7)] } satisfies ServerHistoryAnswer);
    });
    render(<HistoryView bookId={book.id} onBack={() => undefined} onRestored={() => undefined} />);
    fireEvent.click(await screen.findByTestId('history-more'));
    await waitFor(() => expect(screen.getAllByTestId('history-entry').map((e) => e.dataset.revision)).toEqual(['9', '8', '7']));
    expect(asked).toEqual([{ action: 'list', bookId: book.id }, { action: 'list', bookId: book.id, before: 8 }]);
    expect(screen.queryByTestId('history-more')).toBeNull();
  });

  it('copies the passage selected in the whole text, or the whole version when nothing is selected', async () => {
    backgroundAnswers({ ok: true, signedIn: false });
    const book = await bookWithSnapshot('<p>The pier was quiet.</p><p>Gulls wheeled.</p>', '<p>Now.</p>');
    const written: string[] = [];
    vi.spyOn(navigator.clipboard, 'write').mockImplementation(async (items) => {
      written.push(await (await items[0]!.getType('text/html')).text());
    });
    render(<HistoryView bookId={book.id} onBack={() => undefined} onRestored={() => undefined} />);
    fireEvent.click(await screen.findByTestId('history-entry'));
    fireEvent.click(await screen.findByTestId('history-copy'));
    await waitFor(() => expect(screen.getByTestId('history-copied').textContent).toBe('The whole version is on the clipboard.'));
    expect(written).toEqual(['<p>The pier was quiet.</p><p>Gulls wheeled.</p>']);

    fireEvent.click(screen.getByTestId('history-show-text'));
    const second = await waitFor(() => {
      const found = [...screen.getByTestId('history-text').querySelectorAll('p')].find((p) => p.textContent === 'Gulls wheeled.');
      if (!found) throw new Error('the whole text is not shown yet');
      return found;
    });
    const range = document.createRange();
    range.selectNodeContents(second);
    window.getSelection()!.removeAllRanges();
    window.getSelection()!.addRange(range);
    fireEvent.click(screen.getByTestId('history-copy'));
    await waitFor(() => expect(screen.getByTestId('history-copied').textContent).toBe('The selected passage is on the clipboard.'));
    expect(written[1]).toBe('Gulls wheeled.');
  });
});
