/**
 * `ticket`: the client sends a shared secret in AUTHENTICATE. Static principals compare
 * strings in constant time; a dynamic authenticator is called at AUTHENTICATE time with
 * `details.ticket`.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { WampErrors } from '@cdc/protocol';
import { assignPrincipal, deny } from './principal.js';
import type { RealmDirectory } from './principal.js';
import { authDetails, callAuthenticator, isAuthResult, isDynamic } from './dynamic.js';
import type { InternalCaller } from './dynamic.js';
import type { AuthConfig, AuthMethodHandler, AuthResult, HelloContext } from './types.js';

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function ticketHandler(
  cfg: NonNullable<AuthConfig['ticket']>,
  dir: RealmDirectory,
  caller: InternalCaller,
): AuthMethodHandler {
  return {
    method: 'ticket',
    hello(ctx: HelloContext): AuthResult {
      const authid = ctx.authid;
      if (authid === undefined)
        return deny(WampErrors.NO_SUCH_PRINCIPAL, 'ticket authentication needs an authid');
      if (!isDynamic(cfg) && cfg.principals[authid] === undefined) {
        return deny(WampErrors.NO_SUCH_PRINCIPAL, `no principal "${authid}"`);
      }
      return {
        kind: 'challenge',
        authmethod: 'ticket',
        extra: {},
        async verify(msg): Promise<AuthResult> {
          if (isDynamic(cfg)) {
            const details = authDetails(ctx, 'ticket', { ticket: msg.signature });
            const res = await callAuthenticator(caller, cfg, ctx, details);
            if (isAuthResult(res)) return res;
            return assignPrincipal(dir, ctx, res, 'ticket', 'dynamic');
          }
          const p = cfg.principals[authid];
          if (p === undefined || !sameSecret(p.ticket, msg.signature)) {
            return deny(WampErrors.AUTHENTICATION_FAILED, 'wrong ticket');
          }
          return assignPrincipal(
            dir,
            ctx,
            { role: p.role, ...(p.realm !== undefined ? { realm: p.realm } : {}) },
            'ticket',
            'static',
          );
        },
      };
    },
  };
}
