/**
 * `cookie`: a WebSocket client that authenticated once by another method gets the same
 * principal on a later connection that carries its tracking cookie, with no challenge —
 * as Crossbar.io does: WELCOME keeps the original `authmethod` and says
 * `authprovider: "cookie"`. A connection without an authenticated cookie skips the method
 * (the client's next one is tried); logout (GOODBYE `wamp.close.logout`) forgets it.
 * @module
 */
import { WampErrors } from '@cdc/protocol';
import { assignPrincipal, deny } from './principal.js';
import type { RealmDirectory } from './principal.js';
import type { AuthMethodHandler, AuthResult, HelloContext } from './types.js';

export function cookieHandler(dir: RealmDirectory): AuthMethodHandler {
  return {
    method: 'cookie',
    skip(ctx: HelloContext): string | undefined {
      const c = ctx.cookie;
      if (c === undefined)
        return 'the connection has no tracking cookie (WebSocket with `cookie` only)';
      const auth = c.store.getAuth(c.id);
      if (auth === undefined) return c.note ?? 'the cookie has not been authenticated';
      if (ctx.realm !== null && ctx.realm !== auth.realm) {
        return `the cookie was authenticated for realm "${auth.realm}"`;
      }
      return undefined;
    },
    hello(ctx: HelloContext): AuthResult {
      const c = ctx.cookie;
      const auth = c?.store.getAuth(c.id);
      if (auth === undefined)
        return deny(WampErrors.NO_AUTH_METHOD, 'the cookie is not authenticated');
      return assignPrincipal(
        dir,
        ctx,
        {
          role: auth.authrole,
          authid: auth.authid,
          realm: auth.realm,
          ...(auth.authextra !== undefined ? { extra: auth.authextra } : {}),
        },
        auth.authmethod,
        'cookie',
      );
    },
  };
}
