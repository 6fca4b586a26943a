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
    hello(ctx: HelloContext): Promise<AuthResult> | AuthResult {
      const authid = randomSerial();
      if (isDynamic(cfg)) {
        return callAuthenticator(
          caller,
          cfg,
          { ...ctx, authid },
          authDetails(ctx, 'anonymous'),
        ).then((res) =>
          isAuthResult(res)
            ? res
            : assignPrincipal(dir, { ...ctx, authid }, res, 'anonymous', 'dynamic'),
        );
      }
      // Static: decided synchronously, no promise.
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
