// GET /: a small page for people who open the server in a browser (e.g. after the Auth.js sign-in redirect).
import Router from '@koa/router';
import { authenticate } from '../auth/require-user.ts';
import { AUTH_BASE_PATH } from '../auth/authjs.ts';
import type { AppState, DepsWith } from '../context.ts';
import { publicOrigin } from '../public-origin.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { CredentialStore } from '../store/credential-store.ts';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function homeRoutes(deps: DepsWith<AccountStore & CredentialStore>): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/', async (ctx) => {
    const user = await authenticate(ctx, deps);
    const status = user
      ? `<p>Signed in as <strong>${escape(user.email)}</strong>. <a href="${AUTH_BASE_PATH}/signout">Sign out</a></p>`
      : `<p><a href="${AUTH_BASE_PATH}/signin">Sign in</a></p>`;
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Anclora Press sync server</title></head>
<body><h1>Anclora Press sync server</h1>${status}
<p>This server keeps the books you write in the Anclora Press browser extension. Point the extension's settings at
<code>${escape(publicOrigin(ctx, deps.config))}</code> to sync.</p></body></html>`;
  });
  return router;
}
