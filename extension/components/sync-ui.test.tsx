// @vitest-environment happy-dom
// The sync UI components (status badge, settings form, conflict banner) rendered with the real English messages.
import 'fake-indexeddb/auto';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import en from '../public/_locales/en/messages.json';
import es from '../public/_locales/es/messages.json';
import { database, type ConflictCopy, type LocalBook } from '../lib/books/db.ts';
import { bookRepository } from '../lib/books/repository.ts';
import type { Catalog } from '../lib/fake-browser.testing.ts';
import { INITIAL_STATUS, type SyncStatus } from '../lib/sync/status.ts';
import { TransportError } from '../lib/sync/transport-error.ts';
import { BookList } from './BookList.tsx';
import { ConflictBannerView } from './ConflictBanner.tsx';
import { SettingsForm } from './SettingsView.tsx';
import { SyncIssueNote } from './SyncIssueNote.tsx';
import { SyncStatusView } from './SyncStatusBadge.tsx';

afterEach(cleanup);

const status = (patch: Partial<SyncStatus>): SyncStatus => ({ ...INITIAL_STATUS, ...patch });

describe('SyncStatusView', () => {
  it.each([
    [{}, 'synced', 'Synced'],
    [{ pendingCount: 1 }, 'pending', '1 pending'],
    [{ pendingCount: 3 }, 'pending', '3 pending'],
    [{ isSyncing: true }, 'syncing', 'Syncing...'],
    [{ isOnline: false, pendingCount: 2 }, 'unreachable', "Can't reach server"],
    [{ lastError: 'Server error (500)' }, 'error', 'Error (retry)'],
  ] as const)('shows %o as %s with the label "%s"', (patch, state, label) => {
    render(<SyncStatusView status={status(patch)} signedIn onSync={() => undefined} />);
    const badge = screen.getByTestId('sync-status');
    expect(badge.getAttribute('data-state')).toBe(state);
    expect(badge.textContent).toContain(label);
  });

  it('tells a browser without a network apart from a server that does not answer, and says what to do about each', () => {
    const { rerender } = render(<SyncStatusView status={status({ isOnline: false })} signedIn browserOnline onSync={() => undefined} />);
    const badge = screen.getByTestId('sync-status');
    expect(badge.getAttribute('data-state')).toBe('unreachable');
    expect(badge.getAttribute('title')).toBe(en.syncUnreachableHint.message);
    rerender(<SyncStatusView status={status({ isOnline: false })} signedIn browserOnline={false} onSync={() => undefined} />);
    expect(badge.getAttribute('data-state')).toBe('offline');
    expect(badge.textContent).toContain('Offline');
    expect(badge.getAttribute('title')).toBe(en.syncOfflineHint.message);
    // The browser's own word wins even when the last cycle reached the server.
    rerender(<SyncStatusView status={status({})} signedIn browserOnline={false} onSync={() => undefined} />);
    expect(badge.getAttribute('data-state')).toBe('offline');
  });

  it('explains a failure of this device in its own words, not as a server error', () => {
    const local = status({ lastError: 'This device could not read or save its books', localError: true });
    render(<SyncStatusView status={local} signedIn onSync={() => undefined} />);
    const badge = screen.getByTestId('sync-status');
    expect(badge.getAttribute('data-state')).toBe('error');
    expect(badge.getAttribute('title')).toBe(en.syncLocalError.message);
  });

  it('retries at once when the error state is clicked, and explains the error in its tooltip', () => {
    const onSync = vi.fn();
    render(<SyncStatusView status={status({ lastError: 'Server error (500)' })} signedIn onSync={onSync} />);
    const badge = screen.getByTestId('sync-status');
    expect(badge.getAttribute('title')).toBe('Last error: Server error (500). Click to retry.');
    fireEvent.click(badge);
    expect(onSync).toHaveBeenCalledTimes(1);
  });

  it('says "Not syncing" without an account and opens the settings when clicked', () => {
    const onSync = vi.fn();
    const onOpenSettings = vi.fn();
    render(<SyncStatusView status={status({ pendingCount: 1 })} signedIn={false} onSync={onSync} onOpenSettings={onOpenSettings} />);
    const badge = screen.getByTestId('sync-status');
    expect(badge.getAttribute('data-state')).toBe('offline');
    expect(badge.textContent).toBe('Not syncing');
    // A choice, not a fault: no warning look, and the tooltip says what signing in adds.
    expect(badge.className).toBe('sync-status sync-status--signed-out');
    expect(badge.title).toMatch(/^Sync is optional/);
    fireEvent.click(badge);
    expect(onOpenSettings).toHaveBeenCalledTimes(1);
    expect(onSync).not.toHaveBeenCalled();
  });
});

describe('SettingsForm', () => {
  const account = () => ({
    signIn: vi.fn(async () => ({}) as never),
    createAccount: vi.fn(async () => ({}) as never),
    signOut: vi.fn(async () => ({ revoked: true })),
    signOutEverywhere: vi.fn(async () => ({ sessions: 1, tokens: 2 })),
  });

  it('leads with the account and keeps the default server address, prefilled, under a closed "Advanced"', () => {
    render(<SettingsForm settings={{ serverUrl: 'http://127.0.0.1:8787', email: '' }} account={account()} />);
    const order = ['account-status', 'email', 'password', 'sign-in', 'advanced-settings', 'server-url'].map((id) => screen.getByTestId(id));
    for (let i = 1; i < order.length; i++) {
      expect(order[i - 1]!.compareDocumentPosition(order[i]!) & Node.DOCUMENT_POSITION_FOLLOWING, `${i}`).toBeTruthy();
    }
    const advanced = screen.getByTestId('advanced-settings') as HTMLDetailsElement;
    expect(advanced.open).toBe(false);
    expect(advanced.contains(screen.getByTestId('server-url'))).toBe(true);
    expect((screen.getByTestId('server-url') as HTMLInputElement).value).toBe('http://127.0.0.1:8787');
  });

  it('opens "Advanced" at once for a writer who chose another server', () => {
    render(<SettingsForm settings={{ serverUrl: 'https://sync.example.org', email: '' }} account={account()} />);
    expect((screen.getByTestId('advanced-settings') as HTMLDetailsElement).open).toBe(true);
  });

  it('says what is missing in the form before sending anything', async () => {
    const a = account();
    render(<SettingsForm settings={{ serverUrl: 'http://127.0.0.1:8787', email: '' }} account={a} />);
    fireEvent.click(screen.getByTestId('sign-in'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe(en.enterEmail.message);
    fireEvent.change(screen.getByTestId('email'), { target: { value: 'ana@example.com' } });
    fireEvent.click(screen.getByTestId('create-account'));
    await waitFor(() => expect(screen.getByTestId('settings-error').textContent).toBe(en.enterPassword.message));
    fireEvent.change(screen.getByTestId('password'), { target: { value: 'correct horse' } });
    fireEvent.change(screen.getByTestId('server-url'), { target: { value: 'ftp://example.org' } });
    fireEvent.click(screen.getByTestId('sign-in'));
    await waitFor(() => expect(screen.getByTestId('settings-error').textContent).toBe(en.serverUrlInvalid.message));
    expect(a.signIn).not.toHaveBeenCalled();
    expect(a.createAccount).not.toHaveBeenCalled();
  });

  it('signs in with the server URL, email and password typed, and clears the password afterwards', async () => {
    const a = account();
    render(<SettingsForm settings={{ serverUrl: 'http://127.0.0.1:8787', email: '' }} account={a} />);
    expect(screen.getByTestId('account-status').textContent).toBe('Not signed in');
    expect((screen.getByTestId('server-url') as HTMLInputElement).value).toBe('http://127.0.0.1:8787');
    fireEvent.change(screen.getByTestId('server-url'), { target: { value: 'http://localhost:9000' } });
    fireEvent.change(screen.getByTestId('email'), { target: { value: 'ana@example.com' } });
    fireEvent.change(screen.getByTestId('password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByTestId('sign-in'));
    await waitFor(() => expect(a.signIn).toHaveBeenCalledWith({ serverUrl: 'http://localhost:9000', email: 'ana@example.com', password: 'correct horse' }));
    await waitFor(() => expect((screen.getByTestId('password') as HTMLInputElement).value).toBe(''));
  });

  it('creates an account with the same fields', async () => {
    const a = account();
    render(<SettingsForm settings={{ serverUrl: 'http://127.0.0.1:8787', email: 'ana@example.com' }} account={a} />);
    fireEvent.change(screen.getByTestId('password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByTestId('create-account'));
    await waitFor(() => expect(a.createAccount).toHaveBeenCalledWith(expect.objectContaining({ email: 'ana@example.com' })));
  });

  it('shows why signing in failed: an unreachable server by its URL, a refusal by the server message', async () => {
    const a = account();
    a.signIn.mockRejectedValueOnce(new TransportError('network', 'Network error'));
    render(<SettingsForm settings={{ serverUrl: 'http://127.0.0.1:8787', email: 'ana@example.com' }} account={a} />);
    fireEvent.change(screen.getByTestId('password'), { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByTestId('sign-in'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe("Can't reach your sync server at http://127.0.0.1:8787");
    // The address is most often what is wrong: it is shown.
    expect((screen.getByTestId('advanced-settings') as HTMLDetailsElement).open).toBe(true);
    a.signIn.mockRejectedValueOnce(new TransportError('unauthorized', 'Invalid email or password'));
    fireEvent.click(screen.getByTestId('sign-in'));
    await waitFor(() => expect(screen.getByTestId('settings-error').textContent).toBe('Invalid email or password'));
  });

  it('warns when the server address is plain http:// on another computer, not for this computer or https', () => {
    const a = account();
    render(<SettingsForm settings={{ serverUrl: 'http://127.0.0.1:8787', email: '' }} account={a} />);
    expect(screen.queryByTestId('unencrypted-warning')).toBeNull();
    fireEvent.change(screen.getByTestId('server-url'), { target: { value: 'http://sync.example.org' } });
    expect(screen.getByTestId('unencrypted-warning').textContent).toMatch(/unencrypted/);
    fireEvent.change(screen.getByTestId('server-url'), { target: { value: 'https://sync.example.org' } });
    expect(screen.queryByTestId('unencrypted-warning')).toBeNull();
  });

  it('shows the signed-in email and signs out, saying so when the token could not be revoked', async () => {
    const a = account();
    a.signOut.mockResolvedValueOnce({ revoked: false, error: 'Network error' } as never);
    render(<SettingsForm settings={{ serverUrl: 'http://s', email: 'ana@example.com', signedIn: true }} account={a} />);
    expect(screen.getByTestId('account-status').textContent).toBe('Signed in as ana@example.com');
    expect(screen.queryByTestId('password')).toBeNull();
    fireEvent.click(screen.getByTestId('sign-out'));
    await waitFor(() => expect(a.signOut).toHaveBeenCalled());
    expect(await screen.findByText(/could not be reached to revoke its token: Network error/)).toBeTruthy();
  });
});

describe('SettingsForm: sign out everywhere', () => {
  const signedIn = { serverUrl: 'http://s', email: 'ana@example.com', signedIn: true };
  const account = () => ({
    signIn: vi.fn(async () => ({}) as never),
    createAccount: vi.fn(async () => ({}) as never),
    signOut: vi.fn(async () => ({ revoked: true })),
    signOutEverywhere: vi.fn(async () => ({ sessions: 1, tokens: 3 })),
  });

  it('asks for confirmation, saying this device is signed out too, and does nothing on cancel', () => {
    const a = account();
    render(<SettingsForm settings={signedIn} account={a} />);
    expect(screen.queryByTestId('sign-out-everywhere-confirm')).toBeNull();
    fireEvent.click(screen.getByTestId('sign-out-everywhere'));
    expect(screen.getByTestId('sign-out-everywhere-confirm').textContent).toContain(
      'This signs out every device and browser session of this account, this one included.',
    );
    expect(a.signOutEverywhere).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('cancel-sign-out-everywhere'));
    expect(screen.queryByTestId('sign-out-everywhere-confirm')).toBeNull();
    expect(a.signOutEverywhere).not.toHaveBeenCalled();
  });

  it('signs out everywhere once confirmed and says what was revoked', async () => {
    const a = account();
    render(<SettingsForm settings={signedIn} account={a} />);
    fireEvent.click(screen.getByTestId('sign-out-everywhere'));
    fireEvent.click(screen.getByTestId('confirm-sign-out-everywhere'));
    await waitFor(() => expect(a.signOutEverywhere).toHaveBeenCalledTimes(1));
    expect(await screen.findByText('Signed out everywhere: 3 device tokens and 1 browser sessions revoked.')).toBeTruthy();
    expect(screen.queryByTestId('sign-out-everywhere-confirm')).toBeNull();
  });

  it('keeps the confirmation open and shows the error when the server cannot be reached', async () => {
    const a = account();
    a.signOutEverywhere.mockRejectedValueOnce(new TransportError('network', 'Network error'));
    render(<SettingsForm settings={signedIn} account={a} />);
    fireEvent.click(screen.getByTestId('sign-out-everywhere'));
    fireEvent.click(screen.getByTestId('confirm-sign-out-everywhere'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe("Can't reach your sync server at http://s");
    expect(screen.getByTestId('sign-out-everywhere-confirm')).toBeTruthy();
  });
});

describe('SettingsForm: sign-up refused by the server', () => {
  it("shows the server's field message for a common password", async () => {
    const createAccount = vi.fn(async () => {
      throw new TransportError('bad_request', 'Invalid sign-up', {
        status: 400,
        details: { password: ['is one of the most common passwords; choose another'] },
      });
    });
    const a = { signIn: vi.fn(), createAccount, signOut: vi.fn(), signOutEverywhere: vi.fn() };
    render(<SettingsForm settings={{ serverUrl: 'http://s', email: 'ana@example.com' }} account={a as never} />);
    fireEvent.change(screen.getByTestId('password'), { target: { value: 'password1' } });
    fireEvent.click(screen.getByTestId('create-account'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe(
      'Invalid sign-up — Password: is one of the most common passwords; choose another',
    );
  });
});

describe('ConflictBannerView', () => {
  const copy: ConflictCopy = {
    id: 'c1',
    bookId: 'b1',
    title: 'Draft',
    author: '',
    content: '<p>mine</p>',
    metadata: { wordCount: 1, charCount: 4 },
    updatedAt: 1,
    createdAt: 2,
    serverRevision: 3,
  };
  const book = { id: 'b1', content: '<p>server</p>' } as LocalBook;
  const choices = () => ({
    keepMine: vi.fn(async () => 'b1'),
    keepServer: vi.fn(async () => undefined),
    keepBoth: vi.fn(async () => 'new-book'),
    undo: vi.fn(async () => undefined),
  });

  it('shows nothing when there is no conflict', () => {
    render(<ConflictBannerView copies={[]} book={undefined} choices={choices()} />);
    expect(screen.queryByTestId('conflict-banner')).toBeNull();
  });

  it('shows what differs between the set-aside version and the book before any choice', () => {
    const c = choices();
    render(<ConflictBannerView copies={[copy]} book={book} choices={c} />);
    const diff = screen.getByTestId('conflict-diff');
    expect(diff.getAttribute('aria-label')).toBe(en.conflictDiffMine.message);
    expect(diff.querySelector('ins')?.textContent).toBe('added: mine');
    expect(diff.querySelector('del')?.textContent).toBe('removed: server');
    expect(c.keepMine).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('conflict-toggle-diff'));
    expect(screen.queryByTestId('conflict-diff')).toBeNull();
  });

  it('names the book and applies keep mine and keep both to the offered copy, each undoable', async () => {
    const c = choices();
    render(<ConflictBannerView copies={[copy]} book={book} choices={c} />);
    expect(screen.getByTestId('conflict-banner').textContent).toContain('Server has a newer version of “Draft”');
    fireEvent.click(screen.getByTestId('conflict-keep-mine'));
    await waitFor(() => expect(c.keepMine).toHaveBeenCalledWith(copy.id));
    fireEvent.click(await screen.findByTestId('conflict-undo'));
    await waitFor(() => expect(c.undo).toHaveBeenCalledWith({ copy, replacedBook: book }));
    fireEvent.click(screen.getByTestId('conflict-keep-both'));
    await waitFor(() => expect(c.keepBoth).toHaveBeenCalledWith(copy.id));
    fireEvent.click(await screen.findByTestId('conflict-undo'));
    await waitFor(() => expect(c.undo).toHaveBeenLastCalledWith({ copy, madeBookId: 'new-book' }));
  });

  it('drops the local version only after a second, relabelled click on use server', async () => {
    const c = choices();
    render(<ConflictBannerView copies={[copy]} book={book} choices={c} />);
    const button = screen.getByTestId('conflict-use-server');
    fireEvent.click(button);
    expect(c.keepServer).not.toHaveBeenCalled();
    expect(button.textContent).toBe('Discard my version (click to confirm)');
    fireEvent.click(screen.getByTestId('conflict-cancel'));
    expect(button.getAttribute('data-confirming')).toBe('false');
    fireEvent.click(button);
    fireEvent.click(button);
    await waitFor(() => expect(c.keepServer).toHaveBeenCalledWith(copy.id));
  });

  it("reads the right way round for the other text the writer's own edit replaced", async () => {
    const c = choices();
    const other: ConflictCopy = { ...copy, content: '<p>theirs</p>', origin: 'replaced-by-edit' };
    render(<ConflictBannerView copies={[other]} book={book} choices={c} />);
    expect(screen.getByTestId('conflict-banner').textContent).toContain('Your edit to “Draft” replaced words another device changed');
    expect(screen.getByTestId('conflict-diff').getAttribute('aria-label')).toBe(en.conflictDiffOther.message);
    // Keep my edit: the book stays as it is and the other text is dropped.
    expect(screen.getByTestId('conflict-keep-mine').textContent).toBe('Keep my edit');
    fireEvent.click(screen.getByTestId('conflict-keep-mine'));
    await waitFor(() => expect(c.keepServer).toHaveBeenCalledWith(other.id));
    expect(c.keepMine).not.toHaveBeenCalled();
    // Use the other version: the copy's text becomes the book, after a confirmation.
    const use = screen.getByTestId('conflict-use-server');
    expect(use.textContent).toBe('Use the other version');
    fireEvent.click(use);
    expect(use.textContent).toBe('Replace my edit (click to confirm)');
    fireEvent.click(use);
    await waitFor(() => expect(c.keepMine).toHaveBeenCalledWith(other.id));
  });
});

describe('SyncIssueNote', () => {
  it('tells the writer that a book refused by the storage quota is kept on this device, and what to do', () => {
    render(<SyncIssueNote issue={{ kind: 'quota', message: 'Storage quota exceeded: 200.0 MiB of 200.0 MiB', at: 1 }} />);

    expect(screen.getByRole('status').textContent).toBe(en.quotaExceeded.message);
    expect(en.quotaExceeded.message).toMatch(/safe on this device/);
  });

  it("shows the server's reason for an invalid book and the limit for a book too large", () => {
    render(<SyncIssueNote issue={{ kind: 'invalid', message: 'title: title is required', at: 1 }} />);
    render(<SyncIssueNote issue={{ kind: 'too_large', message: 'Too large', limit: 5 * 1024 * 1024, at: 1 }} />);

    expect(screen.getAllByRole('status').map((note) => note.textContent)).toEqual([
      'The server refused this book: title: title is required',
      'Too large to sync (limit: 5,120 KB)',
    ]);
  });
});

describe('MergeOverlapNote in the book list', () => {
  it('says in plain words on a book how many passages both devices changed, counting only those not reviewed', async () => {
    const merged = await bookRepository().create({ title: 'The Long Tide' });
    const clean = await bookRepository().create({ title: 'Clean' });
    const overlap = { revision: 3, at: 1, base: 'fish.', kept: 'cat.', lost: 'dog.', keptSide: 'other-device' as const };
    await database().overlaps.bulkPut([
      { id: 'o1', bookId: merged.id, ...overlap },
      { id: 'o2', bookId: merged.id, ...overlap },
      { id: 'o3', bookId: merged.id, ...overlap, reviewed: { at: 2, choice: 'kept' } },
    ]);
    render(<BookList onOpen={() => undefined} onCreate={() => undefined} />);
    await waitFor(() => expect(screen.queryAllByTestId('merge-overlaps')).toHaveLength(1));
    const item = (id: string) => screen.getAllByTestId('book-item').find((i) => i.getAttribute('data-book-id') === id)!;
    expect(item(merged.id).querySelector('[data-testid=merge-overlaps]')?.textContent).toBe(
      'This browser and another device both changed 2 passages in “The Long Tide”.',
    );
    expect(item(clean.id).querySelector('[data-testid=merge-overlaps]')).toBeNull();

    await database().overlaps.update('o2', { reviewed: { at: 3, choice: 'other' } });
    await waitFor(() =>
      expect(screen.getByTestId('merge-overlaps').textContent).toBe('This browser and another device both changed a passage in “The Long Tide”.'),
    );
  });
});

describe('sync messages', () => {
  it('exist in English and Spanish', () => {
    const keys = [
      'syncSynced', 'syncSyncing', 'syncOffline', 'syncPending', 'syncError', 'syncSignedOut', 'syncLastError',
      'conflictBannerBook', 'keepMine', 'useServer', 'keepBoth', 'confirmUseServer', 'useServerWarning', 'conflictFailed',
      'settings', 'serverUrl', 'email', 'password', 'signIn', 'createAccount', 'signOut', 'signedInAs', 'notSignedIn',
      'signedOutByServer', 'signOutNotRevoked', 'serverUnreachable', 'working', 'cancel', 'quotaExceeded',
      'signOutEverywhere', 'signOutEverywhereWarning', 'confirmSignOutEverywhere', 'signedOutEverywhere', 'syncLocalError',
      'mergeSummaryOne', 'mergeSummaryOther', 'thisBrowser', 'thisBrowserNamed', 'conflictEditReplaced', 'keepMyEdit',
      'useOtherVersion', 'confirmUseOther', 'useOtherWarning', 'conflictDiffMine', 'conflictDiffOther',
    ];
    for (const key of keys) {
      expect((en as unknown as Catalog)[key]?.message, key).toBeTruthy();
      expect((es as unknown as Catalog)[key]?.message, key).toBeTruthy();
    }
    expect((es as unknown as Catalog).syncSyncing!.message).toBe('Sincronizando...');
    expect((es as unknown as Catalog).syncError!.message).toBe('Error (reintentar)');
  });
});
