// Types shared by the Koa middleware and routes: what every request carries in ctx.state, and the app's dependencies.
import type { ParameterizedContext, Middleware } from 'koa';
import type { Logger } from 'pino';
import type { PublicUser } from '../shared/protocol.ts';
import type { Credential } from './auth/require-user.ts';
import type { Config } from './config.ts';
import type { Sanitizer } from './sanitizer/pool.ts';
import type { Store } from './store/types.ts';

export interface AppState {
  requestId: string;
  log: Logger;
  /** Set by requireUser. */
  user?: PublicUser;
  /** Set by requireUser: the device token or session the user came with. */
  credential?: Credential;
}

export type AppContext = ParameterizedContext<AppState>;
export type AppMiddleware = Middleware<AppState>;

/** What routes and middleware need from the outside world; tests pass their own clock. */
export interface AppDeps {
  config: Config;
  store: Store;
  /** Sanitises manuscripts off the event loop. */
  sanitizer: Sanitizer;
  logger: Logger;
  now: () => number;
}

/** AppDeps with only the part of the store `S` that a route or service uses (store/types.ts names the parts). */
export type DepsWith<S, K extends keyof AppDeps = keyof AppDeps> = Pick<Omit<AppDeps, 'store'>, Exclude<K, 'store'>> & { store: S };

/** The device a request writes from, as history shows it: its device token's name, or "web" for a web sign-in session. */
export function writingDevice(ctx: AppContext): string | undefined {
  const credential = ctx.state.credential;
  if (!credential) return undefined;
  return credential.kind === 'token' ? credential.token.deviceName : 'web';
}

/** The signed-in user; only call after requireUser. */
export function currentUser(ctx: AppContext): PublicUser {
  const user = ctx.state.user;
  if (!user) throw new Error('currentUser() used on a route without requireUser');
  return user;
}
