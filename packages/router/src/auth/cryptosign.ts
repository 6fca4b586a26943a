/**
 * WAMP-cryptosign [WAMP advanced §Cryptosign-based Authentication]: the client announces
 * an Ed25519 public key, the router sends 32 random bytes, the client signs them (XORed
 * with the `tls-unique` channel ID when it asked for channel binding on a TLS transport).
 * @module
 */
import { WampErrors } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import { randomChallenge, verifyChallengeSignature } from '@cdc/cryptosign';
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

const PUBKEY = /^[0-9a-fA-F]{64}$/;

type StaticConfig = Extract<NonNullable<AuthConfig['cryptosign']>, { type: 'static' }>;

/** Find the static principal for a key: by authid if given, else the only one holding the key. */
function lookupStatic(
  cfg: StaticConfig,
  authid: string | undefined,
  pubkey: string,
): AuthenticatorResult | AuthResult {
  if (authid !== undefined) {
    const p = cfg.principals[authid];
    if (p === undefined) return deny(WampErrors.NO_SUCH_PRINCIPAL, `no principal "${authid}"`);
    if (!p.authorized_keys.some((k) => k.toLowerCase() === pubkey)) {
      return deny(WampErrors.NOT_AUTHORIZED, `the key is not authorized for "${authid}"`);
    }
    return { role: p.role, authid, ...(p.realm !== undefined ? { realm: p.realm } : {}) };
  }
  const matches = Object.entries(cfg.principals).filter(([, p]) =>
    p.authorized_keys.some((k) => k.toLowerCase() === pubkey),
  );
  if (matches.length === 0)
    return deny(WampErrors.NO_SUCH_PRINCIPAL, 'no principal holds this public key');
  if (matches.length > 1) {
    return deny(
      WampErrors.NO_SUCH_PRINCIPAL,
      'several principals hold this public key; give an authid',
    );
  }
  const [id, p] = matches[0] as [string, StaticConfig['principals'][string]];
  return { role: p.role, authid: id, ...(p.realm !== undefined ? { realm: p.realm } : {}) };
}

export function cryptosignHandler(
  cfg: NonNullable<AuthConfig['cryptosign']>,
  dir: RealmDirectory,
  caller: InternalCaller,
): AuthMethodHandler {
  return {
    method: 'cryptosign',
    hello(ctx: HelloContext): Promise<AuthResult> | AuthResult {
      const pubkeyRaw = ctx.authextra['pubkey'];
      if (typeof pubkeyRaw !== 'string' || !PUBKEY.test(pubkeyRaw)) {
        return deny(
          WampErrors.INVALID_ARGUMENT,
          'cryptosign needs authextra.pubkey: 64 hex characters',
        );
      }
      const pubkey = pubkeyRaw.toLowerCase();
      const binding = ctx.authextra['channel_binding'] ?? null;
      if (binding !== null && binding !== 'tls-unique') {
        return deny(
          WampErrors.INVALID_ARGUMENT,
          `unsupported channel_binding ${JSON.stringify(binding)}`,
        );
      }
      // The binding only applies where there is a TLS channel to bind to (as Crossbar.io).
      const channelId = binding === 'tls-unique' ? ctx.transport.channelId : undefined;
      const channelIds =
        channelId === undefined
          ? [null]
          : [channelId, ...(ctx.transport.channelIdAlternates ?? [])];
      const provider = isDynamic(cfg) ? 'dynamic' : 'static';
      const challengeFor = (found: AuthenticatorResult | AuthResult): AuthResult => {
        if (isAuthResult(found)) return found;
        const principal = found;
        const challenge = randomChallenge();
        const extra: Dict = {
          challenge,
          channel_binding: channelId !== undefined ? 'tls-unique' : null,
        };
        return {
          kind: 'challenge',
          authmethod: 'cryptosign',
          extra,
          verify(msg): AuthResult {
            if (
              !channelIds.some((id) =>
                verifyChallengeSignature(pubkey, challenge, msg.signature, id),
              )
            ) {
              return deny(WampErrors.AUTHENTICATION_FAILED, 'the cryptosign signature is invalid');
            }
            const res = assignPrincipal(dir, ctx, principal, 'cryptosign', provider);
            if (res.kind === 'welcome') {
              res.principal.authextra = { ...(res.principal.authextra ?? {}), pubkey };
            }
            return res;
          },
        };
      };
      if (isDynamic(cfg)) {
        return callAuthenticator(caller, cfg, ctx, authDetails(ctx, 'cryptosign')).then((found) => {
          if (!isAuthResult(found)) {
            const claimed = typeof found === 'object' ? found.pubkey : undefined;
            if (typeof claimed === 'string' && claimed.toLowerCase() !== pubkey) {
              return deny(WampErrors.NOT_AUTHORIZED, 'the authenticator vouched for another key');
            }
          }
          return challengeFor(found);
        });
      }
      // Static: decided synchronously, no promise.
      return challengeFor(lookupStatic(cfg, ctx.authid, pubkey));
    },
  };
}
