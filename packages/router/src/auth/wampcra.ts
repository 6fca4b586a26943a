/**
 * WAMP-CRA [WAMP advanced §Challenge Response Authentication]: the router sends a JSON
 * challenge; the client answers with base64(HMAC-SHA256(key, challenge)), the key being
 * the secret or, with `salt`, its PBKDF2 derivation.
 * @module
 */
import { WampErrors } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import { craChallenge, deriveCraKey, verifyCraSignature } from '@cdc/cryptosign';
import { assignPrincipal, deny } from './principal.js';
import type { RealmDirectory } from './principal.js';
import { authDetails, callAuthenticator, isAuthResult, isDynamic } from './dynamic.js';
import type { InternalCaller } from './dynamic.js';
import type {
  AuthConfig,
  AuthMethodHandler,
  AuthResult,
  AuthenticatorResult,
  HelloContext,
} from './types.js';

interface CraUser {
  secret: string;
  role: string;
  realm?: string | undefined;
  authid?: string | undefined;
  extra?: Dict | undefined;
  salt?: string | undefined;
  iterations?: number | undefined;
  keylen?: number | undefined;
}

function fromAuthenticator(res: AuthenticatorResult): CraUser | undefined {
  if (typeof res !== 'object' || typeof res.secret !== 'string' || typeof res.role !== 'string')
    return undefined;
  return {
    secret: res.secret,
    role: res.role,
    realm: res.realm,
    authid: res.authid,
    extra: res.extra,
    salt: res.salt,
    iterations: res.iterations,
    keylen: res.keylen,
  };
}

export function wampcraHandler(
  cfg: NonNullable<AuthConfig['wampcra']>,
  dir: RealmDirectory,
  caller: InternalCaller,
): AuthMethodHandler {
  return {
    method: 'wampcra',
    async hello(ctx: HelloContext): Promise<AuthResult> {
      const authid = ctx.authid;
      if (authid === undefined)
        return deny(WampErrors.NO_SUCH_PRINCIPAL, 'wampcra needs an authid');
      let user: CraUser | undefined;
      const provider = isDynamic(cfg) ? 'dynamic' : 'static';
      if (isDynamic(cfg)) {
        const res = await callAuthenticator(caller, cfg, ctx, authDetails(ctx, 'wampcra'));
        if (isAuthResult(res)) return res;
        user = fromAuthenticator(res);
        if (user === undefined) {
          return deny(
            WampErrors.AUTHENTICATION_FAILED,
            'the authenticator returned no secret and role',
          );
        }
      } else {
        user = cfg.users[authid];
        if (user === undefined)
          return deny(WampErrors.NO_SUCH_PRINCIPAL, `no principal "${authid}"`);
      }
      const challenge = craChallenge({
        authid: user.authid ?? authid,
        authrole: user.role,
        authprovider: provider,
        session: ctx.sessionId,
      });
      const extra: Dict = { challenge };
      let key = user.secret;
      if (user.salt !== undefined) {
        const iterations = user.iterations ?? 1000;
        const keylen = user.keylen ?? 32;
        extra['salt'] = user.salt;
        extra['iterations'] = iterations;
        extra['keylen'] = keylen;
        key = deriveCraKey(user.secret, user.salt, iterations, keylen);
      }
      const found = user;
      return {
        kind: 'challenge',
        authmethod: 'wampcra',
        extra,
        verify(msg): AuthResult {
          if (!verifyCraSignature(key, challenge, msg.signature)) {
            return deny(WampErrors.AUTHENTICATION_FAILED, 'wrong WAMP-CRA signature');
          }
          return assignPrincipal(
            dir,
            ctx,
            {
              role: found.role,
              ...(found.authid !== undefined ? { authid: found.authid } : {}),
              ...(found.realm !== undefined ? { realm: found.realm } : {}),
              ...(found.extra !== undefined ? { extra: found.extra } : {}),
            },
            'wampcra',
            provider,
          );
        },
      };
    },
  };
}
