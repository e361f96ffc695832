// The server's own origin as clients reach it: PUBLIC_URL, or (in development only) what the request says.
import type { Config } from './config.ts';
import type { AppContext } from './context.ts';

export function publicOrigin(ctx: AppContext, config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl ?? `${ctx.protocol}://${ctx.host}`;
}
