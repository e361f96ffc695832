// @vitest-environment happy-dom
// The merge review above a book, on the real database and repository, with the real English messages.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { database, type MergeOverlapRecord } from '../lib/books/db.ts';
import { bookRepository } from '../lib/books/repository.ts';
import { MergeReview } from './MergeReview.tsx';

afterEach(cleanup);

async function bookWithOverlap(content: string, overlap: Partial<MergeOverlapRecord> = {}) {
  const book = await bookRepository().create({ title: 'The Long Tide', content });
  await database().overlaps.put({
    id: `o-${book.id}`,
    bookId: book.id,
    revision: 2,
    at: 1,
    base: '<p>The pier was quiet.</p>',
    kept: '<p>The pier was empty.</p>',
    lost: '<p>The pier was crowded.</p>',
    keptSide: 'other-device',
    ...overlap,
  });
  return book;
}

describe('MergeReview', () => {
  it('says what happened in plain words and shows the base and both versions, named by device', async () => {
    const book = await bookWithOverlap('<p>The pier was empty.</p>');
    render(<MergeReview bookId={book.id} title="The Long Tide" />);
    expect((await screen.findByTestId('merge-summary')).textContent).toBe(
      'This browser and another device both changed a passage in “The Long Tide”.',
    );
    const toggle = screen.getByTestId('merge-review-toggle');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    const kept = await screen.findByTestId('overlap-kept');
    expect(kept.querySelector('h4')?.textContent).toBe('In the book now · another device');
    expect(kept.querySelector('ins')?.textContent).toBe('added: empty.');
    const lost = screen.getByTestId('overlap-lost');
    expect(lost.querySelector('h4')?.textContent).toBe('Set aside · This browser');
    expect(lost.querySelector('ins')?.textContent).toBe('added: crowded.');
    expect(screen.getByText('The pier was quiet.')).toBeTruthy();
  });

  it('never silently does nothing: a passage edited since offers copy, insert at the cursor and mark reviewed', async () => {
    const book = await bookWithOverlap('<p>Something else entirely now.</p>');
    const onInsert = vi.fn();
    render(<MergeReview bookId={book.id} title="The Long Tide" onInsert={onInsert} />);
    fireEvent.click(await screen.findByTestId('merge-review-toggle'));
    fireEvent.click(await screen.findByTestId('overlap-other'));
    const unplaced = await screen.findByTestId('overlap-unplaced');
    expect(unplaced.textContent).toContain('This passage has changed since the merge');
    expect((await database().books.get(book.id))?.content).toBe('<p>Something else entirely now.</p>');

    fireEvent.click(screen.getByTestId('overlap-insert'));
    await waitFor(() => expect(onInsert).toHaveBeenCalledWith('<p>The pier was crowded.</p>'));
    await waitFor(async () => expect((await database().overlaps.get(`o-${book.id}`))?.reviewed?.choice).toBe('other'));
    await waitFor(() => expect(screen.queryByTestId('merge-summary')).toBeNull());
    expect(screen.getByTestId('merge-reviewed').textContent).toContain('Reviewed passages (1)');
  });
});
