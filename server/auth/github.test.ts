import { describe, expect, it } from 'vitest';
import { gitHubProvider, GITHUB_API, verifiedPrimaryEmail } from './github.ts';

describe('verifiedPrimaryEmail', () => {
  it.each([
    ['the verified primary', [{ email: 'a@x.test', primary: false, verified: true }, { email: 'b@x.test', primary: true, verified: true }], 'b@x.test'],
    ['not an unverified primary', [{ email: 'a@x.test', primary: false, verified: true }, { email: 'b@x.test', primary: true, verified: false }], null],
    ['not a verified address that is not primary', [{ email: 'a@x.test', primary: false, verified: true }], null],
    ['nothing from an error answer', { message: 'Bad credentials' }, null],
    ['nothing from an empty list', [], null],
  ])('takes %s', (_name, emails, expected) => {
    expect(verifiedPrimaryEmail(emails)).toBe(expected);
  });
});

describe('gitHubProvider', () => {
  /** A stand-in for api.github.com answering /user and /user/emails. */
  function fakeGitHub(profile: object, emails: object) {
    const calls: string[] = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      calls.push(`${url} ${new Headers(init?.headers).get('Authorization')}`);
      const body = url === `${GITHUB_API}/user` ? profile : url === `${GITHUB_API}/user/emails` ? emails : null;
      return new Response(JSON.stringify(body), { status: body ? 200 : 404 });
    }) as typeof globalThis.fetch;
    return { fetch, calls };
  }

  async function userinfo(profile: object, emails: object) {
    const github = fakeGitHub(profile, emails);
    const provider = gitHubProvider({ clientId: 'id', clientSecret: 'secret' }, github.fetch);
    const request = (provider.userinfo as { request: (context: unknown) => Promise<Record<string, unknown>> }).request;
    return { result: await request({ tokens: { access_token: 'gho_token' }, provider }), calls: github.calls };
  }

  it('replaces the public profile email with the verified primary one', async () => {
    const { result, calls } = await userinfo(
      { id: 7, login: 'mallory', email: 'victim@example.com' },
      [{ email: 'victim@example.com', primary: false, verified: false }, { email: 'mallory@example.com', primary: true, verified: true }],
    );
    expect(result).toMatchObject({ id: 7, login: 'mallory', email: 'mallory@example.com', email_verified: true });
    expect(calls).toEqual([`${GITHUB_API}/user Bearer gho_token`, `${GITHUB_API}/user/emails Bearer gho_token`]);
  });

  it('gives no email, marked unverified, when the primary address is not verified', async () => {
    const { result } = await userinfo(
      { id: 7, login: 'mallory', email: null },
      [{ email: 'victim@example.com', primary: true, verified: false }],
    );
    expect(result).toMatchObject({ email: null, email_verified: false });
  });
});
