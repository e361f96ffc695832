// @vitest-environment happy-dom
// The clip picker as a writer uses it: real React tree, real Dexie on fake-indexeddb, English messages.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bookRepository } from '../lib/books/repository.ts';
import { database } from '../lib/books/db.ts';
import { ClipPicker } from './ClipPicker.tsx';

beforeEach(async () => {
  await database().books.clear();
});
afterEach(cleanup);

async function shelf(titles: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const title of titles) ids.push((await bookRepository().create({ title })).id);
  return ids;
}

function selectedText(): string | null | undefined {
  return document.querySelector('[role="option"][aria-selected="true"]')?.textContent;
}

describe('the clip picker', () => {
  it('preselects the last destination and moves with the arrow keys', async () => {
    const [, second] = await shelf(['First', 'Second', 'Third']);
    const onPick = vi.fn();
    render(<ClipPicker clipping={{ title: 'A page' }} lastBookId={second!} onPick={onPick} onCancel={() => {}} />);
    await waitFor(() => expect(selectedText()).toBe('Second'));
    const search = screen.getByTestId('clip-picker-search');
    fireEvent.keyDown(search, { key: 'ArrowDown' });
    const below = selectedText();
    fireEvent.keyDown(search, { key: 'Enter' });
    expect(onPick).toHaveBeenCalledWith({ bookId: expect.any(String) });
    expect(below).not.toBe('Second');
  });

  it('creates a new book named by the writer, prefilled with what was typed', async () => {
    await shelf(['Existing']);
    const onPick = vi.fn();
    render(<ClipPicker clipping={{ title: 'A page' }} lastBookId={null} onPick={onPick} onCancel={() => {}} />);
    await screen.findByText('Existing');
    const search = screen.getByTestId('clip-picker-search');
    fireEvent.change(search, { target: { value: 'Field notes' } });
    await waitFor(() => expect(selectedText()).toBe('New book…'));
    fireEvent.keyDown(search, { key: 'Enter' });
    const title = (await screen.findByTestId('clip-picker-new-title')) as HTMLInputElement;
    expect(title.value).toBe('Field notes');
    fireEvent.change(title, { target: { value: 'Field notes, spring' } });
    fireEvent.submit(title.closest('form')!);
    expect(onPick).toHaveBeenCalledWith({ newBookTitle: 'Field notes, spring' });
  });

  it('says so when nothing waits to be clipped', () => {
    render(<ClipPicker clipping={null} lastBookId={null} onPick={() => {}} onCancel={() => {}} />);
    expect(screen.getByText(/Nothing is waiting to be clipped/)).toBeTruthy();
  });
});
