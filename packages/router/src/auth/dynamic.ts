/**
 * Dynamic authenticators: a WAMP procedure registered on a realm of this router (called as
 * `authenticate(realm, authid, details)`), or an in-process function.
 * @module
 */
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import { deny } from './principal.js';
import type { AuthResult, AuthenticatorResult, DynamicAuthConfig, HelloContext } from './types.js';

/** How a dynamic authenticator reaches a procedure on the router. */
export interface InternalCaller {
  callInternal(realm: string, procedure: string, args: unknown[]): Promise<unknown[]>;
}

export function isDynamic(cfg: { type: string }): cfg is DynamicAuthConfig {
  return cfg.type === 'dynamic' || cfg.type === 'function';
}

/** The `details` dict passed to an authenticator. */
export function authDetails(ctx: HelloContext, authmethod: string, extra: Dict = {}): Dict {
  return {
    session: ctx.sessionId,
    transport: {
      type: ctx.transport.type,
      peer: ctx.transport.peer,
      protocol: ctx.transport.protocol ?? null,
    },
    authmethod,
    authid: ctx.authid ?? null,
    authrole: ctx.authrole ?? null,
    authextra: ctx.authextra,
    ...extra,
  };
}

/**
 * Call the authenticator. A WampError it raises becomes the ABORT reason with its message,
 * so the authenticator decides what the client is told.
 */
export async function callAuthenticator(
  caller: InternalCaller,
  cfg: DynamicAuthConfig,
  ctx: HelloContext,
  details: Dict,
): Promise<AuthenticatorResult | AuthResult> {
  try {
    if (cfg.type === 'function') return await cfg.authenticate(ctx.realm, ctx.authid, details);
    const realm = cfg['authenticator-realm'] ?? ctx.realm;
    if (realm === null) {
      return deny(WampErrors.NO_SUCH_REALM, 'no realm to call the authenticator on');
    }
    const res = await caller.callInternal(realm, cfg.authenticator, [
      ctx.realm,
      ctx.authid ?? null,
      details,
    ]);
    return res[0] as AuthenticatorResult;
  } catch (e) {
    if (e instanceof WampError) {
      const msg = typeof e.args[0] === 'string' ? e.args[0] : 'denied by the authenticator';
      return deny(e.uri, msg);
    }
    return deny(WampErrors.AUTHENTICATION_FAILED, `the authenticator failed: ${errorMessage(e)}`);
  }
}

export function isAuthResult(v: unknown): v is AuthResult {
  return typeof v === 'object' && v !== null && 'kind' in v;
}
