// Account actions between a page and the background, through WXT's fake browser runtime messaging.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '../fake-browser.testing.ts';
import type { AccountService, Credentials } from './account.ts';
import { listenToPages } from '../messaging.ts';
import { answerAccountRequest, backgroundAccountActions } from './messages.ts';
import { TransportError } from './transport-error.ts';

const credentials: Credentials = { serverUrl: 'https://sync.example', email: 'ana@example.com', password: 'correct horse' };

/** The background's side: a fake account service answering the page's messages, as setupSync wires it. */
function background(account: Partial<Pick<AccountService, 'signIn' | 'createAccount' | 'signOut' | 'signOutEverywhere'>>) {
  const service = {
    signIn: vi.fn(async () => ({ ...credentials, token: 'secret-token', tokenId: 't1', deviceName: 'Chrome · ab12' })),
    createAccount: vi.fn(async () => ({ ...credentials, token: 'secret-token', tokenId: 't1', deviceName: 'Chrome · ab12' })),
    signOut: vi.fn(async () => ({ revoked: true })),
    signOutEverywhere: vi.fn(async () => ({ sessions: 1, tokens: 3 })),
    ...account,
  };
  const answers: unknown[] = [];
  const unused = async () => {
    throw new Error('not part of this test');
  };
  // As in a real browser, a page's message reaches the background with the extension as its sender.
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (message: unknown) =>
    (await fakeBrowser.runtime.onMessage.trigger(message, { id: fakeBrowser.runtime.id })).find((answer) => answer !== undefined),
  );
  listenToPages({
    account: (request) => {
      const answer = answerAccountRequest(service, request);
      answers.push(answer);
      return answer;
    },
    'books-changed': unused,
    'sync-now': unused,
    'server-trash': unused,
    'server-history': unused,
    'open-editor-tab': unused,
    clip: unused,
    'clip-pending': unused,
    'clip-pick': unused,
    'clip-undo': unused,
    'clip-open': unused,
  });
  return { service, answers };
}

describe('account actions carried out by the background', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('signs in and creates accounts with the credentials typed, and never hands the token to the page', async () => {
    const { service, answers } = background({});
    const actions = backgroundAccountActions();

    await expect(actions.signIn(credentials)).resolves.toBeUndefined();
    await expect(actions.createAccount(credentials)).resolves.toBeUndefined();

    expect(service.signIn).toHaveBeenCalledWith(credentials);
    expect(service.createAccount).toHaveBeenCalledWith(credentials);
    expect(JSON.stringify(await Promise.all(answers))).not.toContain('secret-token');
  });

  it("rebuilds the server's refusal as a TransportError with its kind and field errors", async () => {
    const details = { password: ['must be at least 8 characters'] };
    background({
      signIn: vi.fn(async () => {
        throw new TransportError('unauthorized', 'Invalid email or password', { status: 401 });
      }),
      createAccount: vi.fn(async () => {
        throw new TransportError('bad_request', 'Invalid user', { status: 400, details });
      }),
    });
    const actions = backgroundAccountActions();

    const refused = await actions.signIn(credentials).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TransportError);
    expect(refused).toMatchObject({ kind: 'unauthorized', message: 'Invalid email or password', extra: { status: 401 } });
    await expect(actions.createAccount(credentials)).rejects.toMatchObject({ kind: 'bad_request', extra: { details } });
  });

  it('passes other failures on as plain errors, and the result of signing out as it is', async () => {
    background({
      signIn: vi.fn(async () => {
        throw new Error('storage is full');
      }),
      signOut: vi.fn(async () => ({ revoked: false, error: 'Cannot reach the server' })),
    });
    const actions = backgroundAccountActions();

    const failure = await actions.signIn(credentials).catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(TransportError);
    expect(failure).toMatchObject({ message: 'storage is full' });
    await expect(actions.signOut()).resolves.toEqual({ revoked: false, error: 'Cannot reach the server' });
  });

  it('signs out everywhere through the background, passing on what was revoked or why it failed', async () => {
    const everywhere = vi.fn(async () => ({ sessions: 1, tokens: 3 }));
    background({ signOutEverywhere: everywhere });
    const actions = backgroundAccountActions();
    await expect(actions.signOutEverywhere()).resolves.toEqual({ sessions: 1, tokens: 3 });
    expect(everywhere).toHaveBeenCalledTimes(1);

    everywhere.mockRejectedValueOnce(new TransportError('network', 'Network error'));
    await expect(actions.signOutEverywhere()).rejects.toMatchObject({ kind: 'network' });
  });

  it('tells the user to retry when no background answered (the extension is being updated)', async () => {
    await expect(backgroundAccountActions().signOut()).rejects.toThrow(/restarting/);
  });

  it.each([
    ['an unknown action', { action: 'deleteEverything' }],
    ['a sign-in without a password', { action: 'signIn', credentials: { serverUrl: 'x', email: 'y' } }],
  ])('answers %s with an error and calls nothing', async (_name, data) => {
    const { service } = background({});
    const [answer] = await fakeBrowser.runtime.onMessage.trigger({ type: 'account', data }, { id: fakeBrowser.runtime.id });
    expect(answer).toEqual({ ok: false, message: 'Malformed account request' });
    expect(service.signIn).not.toHaveBeenCalled();
  });

  it.each([
    ['another extension', { type: 'account', data: { action: 'signOut' } }, { id: 'another-extension' }],
    ['a message outside the protocol', { type: 'delete-everything' }, { id: 'own' }],
    ['no message at all', null, { id: 'own' }],
  ])('ignores %s', async (_name, message, sender) => {
    const { service } = background({});
    const id = sender.id === 'own' ? fakeBrowser.runtime.id : sender.id;
    const answers = await fakeBrowser.runtime.onMessage.trigger(message, { id });
    expect(answers).toEqual([undefined]);
    expect(service.signOut).not.toHaveBeenCalled();
  });
});
