// GitHub sign-in that knows whether the email is verified. @auth/core's GitHub provider takes the profile's public
// email (which GitHub does not verify) and only falls back to /user/emails without looking at `verified`; this one
// always asks /user/emails and keeps the verified primary address, so accounts are matched on verified emails only.
import GitHub, { type GitHubEmail, type GitHubProfile } from '@auth/core/providers/github';
import type { OAuthConfig } from '@auth/core/providers';
import type { OAuthClient } from '../config.ts';

export const GITHUB_API = 'https://api.github.com';

/** The primary address if GitHub has verified it; null otherwise (another verified address is not the user's choice). */
export function verifiedPrimaryEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const primary = (emails as Partial<GitHubEmail>[]).find((e) => e?.primary === true);
  return primary?.verified === true && typeof primary.email === 'string' && primary.email ? primary.email : null;
}

/** What our signIn callback reads: GitHub's profile with the verified primary email and a verified flag. */
export type VerifiedGitHubProfile = GitHubProfile & { email_verified: boolean };

export function gitHubProvider(client: OAuthClient, fetchImpl: typeof fetch = fetch): OAuthConfig<VerifiedGitHubProfile> {
  const base = GitHub(client) as OAuthConfig<VerifiedGitHubProfile>;
  const get = async (path: string, accessToken: string | undefined) => {
    const response = await fetchImpl(`${GITHUB_API}${path}`, {
      headers: {
        Authorization: `Bearer ${accessToken}`,
        Accept: 'application/vnd.github+json',
        'User-Agent': 'anclora-press',
      },
    });
    if (!response.ok) throw new Error(`GitHub ${path} answered ${response.status}`);
    return response.json() as Promise<unknown>;
  };
  return {
    ...base,
    userinfo: {
      url: `${GITHUB_API}/user`,
      async request({ tokens }: { tokens: { access_token?: string } }) {
        const profile = (await get('/user', tokens.access_token)) as GitHubProfile;
        const email = verifiedPrimaryEmail(await get('/user/emails', tokens.access_token));
        return { ...profile, email, email_verified: email !== null };
      },
    },
  };
}
