/**
 * WAMP-SCRAM as autobahn-python and Crossbar.io implement it (authmethod `scram`): the
 * client sends a nonce, the router answers with its nonce and the principal's salt and KDF
 * parameters, the client proves it knows the password with
 * ClientKey XOR HMAC(StoredKey, AuthMessage), and WELCOME carries the server signature.
 *
 * The router runs no KDF: it holds StoredKey and ServerKey and does two HMACs and a hash
 * per login, so Argon2's cost falls on the client and never on the router's event loop.
 * An unknown authid gets a challenge like a real one (salt derived from the authid, the
 * same KDF parameters) and fails at AUTHENTICATE through the same computation, so neither
 * the answer nor its timing tells whether the user exists.
 * @module
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { WampErrors, normalizeScramKdf, saslprep, scramAuthMessage } from '@cdc/protocol';
import type { Dict, ScramKdf } from '@cdc/protocol';
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
  ScramCredential,
} from './types.js';

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Stored credentials, decoded and checked. */
interface Keys {
  kdf: ScramKdf;
  iterations: number;
  memory: number | undefined;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Decode a principal's credentials; a string says what is wrong with them. */
function decodeCredential(c: Partial<ScramCredential>): Keys | string {
  const kdf = normalizeScramKdf(c.kdf);
  if (kdf === undefined) return `unknown kdf ${JSON.stringify(c.kdf)}`;
  const hex = (v: unknown, n: number | undefined, what: string): Buffer | string => {
    if (typeof v !== 'string' || !HEX.test(v) || v.length % 2 !== 0 || v.length === 0)
      return `${what} must be hex`;
    const b = Buffer.from(v, 'hex');
    return n !== undefined && b.length !== n ? `${what} must be ${n} bytes` : b;
  };
  const salt = hex(c.salt, undefined, 'salt');
  const storedKey = hex(c['stored-key'], 32, 'stored-key');
  const serverKey = hex(c['server-key'], 32, 'server-key');
  for (const v of [salt, storedKey, serverKey]) if (typeof v === 'string') return v;
  if (!Number.isInteger(c.iterations) || (c.iterations as number) < 1)
    return 'iterations must be a positive integer';
  if (kdf === 'argon2id-13' && (!Number.isInteger(c.memory) || (c.memory as number) < 8))
    return 'memory must be an integer of at least 8 (KiB)';
  return {
    kdf,
    iterations: c.iterations as number,
    memory: c.memory,
    salt: salt as Buffer,
    storedKey: storedKey as Buffer,
    serverKey: serverKey as Buffer,
  };
}

const hmac = (key: Buffer, data: Uint8Array): Buffer =>
  createHmac('sha256', key).update(data).digest();

/** What the handler found for the authid: a principal, or a decoy that always fails. */
interface Found {
  keys: Keys;
  principal: Exclude<AuthenticatorResult, string> | undefined;
}

export function scramHandler(
  cfg: NonNullable<AuthConfig['scram']>,
  dir: RealmDirectory,
  caller: InternalCaller,
): AuthMethodHandler {
  const provider = isDynamic(cfg) ? 'dynamic' : 'static';
  // Decoys look like the configured principals: the first one's KDF parameters.
  const decoySecret = randomBytes(32);
  const sample = isDynamic(cfg) ? undefined : Object.values(cfg.principals)[0];
  const decoy = (authid: string): Keys => ({
    kdf: normalizeScramKdf(sample?.kdf) ?? 'argon2id-13',
    iterations: sample?.iterations ?? 4096,
    memory: sample !== undefined ? sample.memory : 512,
    salt: hmac(decoySecret, Buffer.from(`salt:${authid}`)).subarray(0, 16),
    storedKey: hmac(decoySecret, Buffer.from(`stored:${authid}`)),
    serverKey: hmac(decoySecret, Buffer.from(`server:${authid}`)),
  });

  const lookup = (
    ctx: HelloContext,
    authid: string,
  ): Found | AuthResult | Promise<Found | AuthResult> => {
    if (!isDynamic(cfg)) {
      const p = cfg.principals[authid];
      if (p === undefined) return { keys: decoy(authid), principal: undefined };
      const keys = decodeCredential(p);
      if (typeof keys === 'string')
        return deny(
          WampErrors.AUTHENTICATION_FAILED,
          `bad SCRAM credentials for "${authid}": ${keys}`,
        );
      return {
        keys,
        principal: { role: p.role, ...(p.realm !== undefined ? { realm: p.realm } : {}) },
      };
    }
    return callAuthenticator(caller, cfg, ctx, authDetails(ctx, 'scram')).then((res) => {
      if (isAuthResult(res)) return res;
      if (typeof res !== 'object')
        return deny(
          WampErrors.AUTHENTICATION_FAILED,
          'the authenticator returned no SCRAM credentials',
        );
      const keys = decodeCredential(res);
      if (typeof keys === 'string')
        return deny(
          WampErrors.AUTHENTICATION_FAILED,
          `the authenticator's SCRAM credentials: ${keys}`,
        );
      const { role, authid: id, realm, extra } = res;
      return {
        keys,
        principal: {
          ...(role !== undefined ? { role } : {}),
          ...(id !== undefined ? { authid: id } : {}),
          ...(realm !== undefined ? { realm } : {}),
          ...(extra !== undefined ? { extra } : {}),
        },
      };
    });
  };

  return {
    method: 'scram',
    hello(ctx): AuthResult | Promise<AuthResult> {
      const authid = ctx.authid;
      if (authid === undefined) return deny(WampErrors.NO_SUCH_PRINCIPAL, 'scram needs an authid');
      try {
        saslprep(authid);
      } catch (e) {
        return deny(WampErrors.INVALID_ARGUMENT, `authid: ${(e as Error).message}`);
      }
      const clientNonce = ctx.authextra['nonce'];
      if (typeof clientNonce !== 'string' || !BASE64.test(clientNonce)) {
        return deny(WampErrors.INVALID_ARGUMENT, 'scram needs authextra.nonce, base64');
      }
      const binding = ctx.authextra['channel_binding'] ?? null;
      if (binding !== null && binding !== 'tls-unique') {
        return deny(
          WampErrors.INVALID_ARGUMENT,
          `unsupported channel_binding ${JSON.stringify(binding)}`,
        );
      }
      const channelIds =
        binding === null
          ? [undefined]
          : [ctx.transport.channelId, ...(ctx.transport.channelIdAlternates ?? [])];
      if (binding !== null && ctx.transport.channelId === undefined) {
        return deny(
          WampErrors.INVALID_ARGUMENT,
          'channel binding tls-unique needs a TLS transport',
        );
      }
      const challenge = (found: Found | AuthResult): AuthResult => {
        if (isAuthResult(found)) return found;
        const { keys, principal } = found;
        const nonceBytes = Buffer.concat([Buffer.from(clientNonce, 'base64'), randomBytes(16)]);
        const serverNonce = nonceBytes.toString('base64');
        const salt = keys.salt.toString('base64');
        const extra: Dict = {
          nonce: serverNonce,
          kdf: keys.kdf,
          salt,
          iterations: keys.iterations,
        };
        // autobahn reads `memory` with int(): send it only when there is one.
        if (keys.memory !== undefined) extra['memory'] = keys.memory;
        if (binding !== null) extra['channel_binding'] = binding;
        const exchange = { authid, clientNonce, serverNonce, salt, iterations: keys.iterations };
        return {
          kind: 'challenge',
          authmethod: 'scram',
          extra,
          verify(msg): AuthResult {
            const proof = Buffer.from(msg.signature, 'base64');
            const echoed = msg.extra['nonce'];
            let ok = proof.length === 32 && (echoed === undefined || echoed === serverNonce);
            let signedWith: Uint8Array | undefined;
            // Same work whatever the outcome: every candidate binding is tried.
            for (const channelId of channelIds) {
              const am = scramAuthMessage({ ...exchange, channelId });
              const clientKey = Buffer.alloc(32);
              const sig = hmac(keys.storedKey, am);
              for (let i = 0; i < 32; i++) clientKey[i] = (proof[i] ?? 0) ^ (sig[i] ?? 0);
              const stored = createHash('sha256').update(clientKey).digest();
              if (timingSafeEqual(stored, keys.storedKey) && signedWith === undefined)
                signedWith = am;
            }
            ok &&= signedWith !== undefined && principal !== undefined;
            if (!ok || signedWith === undefined || principal === undefined) {
              return deny(WampErrors.AUTHENTICATION_FAILED, 'SCRAM authentication failed');
            }
            const res = assignPrincipal(dir, ctx, principal, 'scram', provider);
            if (res.kind === 'welcome') {
              res.principal.authextra = {
                ...(res.principal.authextra ?? {}),
                scram_server_signature: hmac(keys.serverKey, signedWith).toString('base64'),
              };
            }
            return res;
          },
        };
      };
      const found = lookup(ctx, authid);
      return found instanceof Promise ? found.then(challenge) : challenge(found);
    },
  };
}
