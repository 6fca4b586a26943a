/**
 * `anonymous`: no challenge. As Crossbar.io, the client's authid is ignored and a random
 * serial assigned; the role comes from the config (default `anonymous`) or an authenticator.
 * @module
 */
import { assignPrincipal, randomSerial } from './principal.js';
import type { RealmDirectory } from './principal.js';
import { authDetails, callAuthenticator, isAuthResult, isDynamic } from './dynamic.js';
import type { InternalCaller } from './dynamic.js';
import type { AuthConfig, AuthMethodHandler, AuthResult, HelloContext } from './types.js';

export function anonymousHandler(
  cfg: NonNullable<AuthConfig['anonymous']>,
  dir: RealmDirectory,
  caller: InternalCaller,
): AuthMethodHandler {
  return {
    method: 'anonymous',
    async hello(ctx: HelloContext): Promise<AuthResult> {
      const authid = randomSerial();
      if (isDynamic(cfg)) {
        const res = await callAuthenticator(
          caller,
          cfg,
          { ...ctx, authid },
          authDetails(ctx, 'anonymous'),
        );
        if (isAuthResult(res)) return res;
        return assignPrincipal(dir, { ...ctx, authid }, res, 'anonymous', 'dynamic');
      }
      return assignPrincipal(
        dir,
        ctx,
        { role: cfg.role ?? 'anonymous', authid: cfg.authid ?? authid },
        'anonymous',
        'static',
      );
    },
  };
}
