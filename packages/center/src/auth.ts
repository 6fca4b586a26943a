/**
 * The center's authenticator (SPEC §2): everyone authenticates with WAMP-cryptosign and is
 * recognised by public key. A paired node key joins its management realm as its node ID
 * whatever realm it asked for; a user or API-client key joins a realm it has access to; an
 * unknown key may only register itself on the global realm.
 * @module
 */
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import { GLOBAL_REALM, GLOBAL_USER_ROLE, NODE_ROLE, REGISTRANT_ROLE, CdcErrors } from '@cdc/api';
import type { AuthenticatorResult } from '@cdc/router';
import type { DomainStore, KeyLookup } from '@cdc/store';
import { KeyLookups } from './key-lookups.js';

const PUBKEY = /^[0-9a-f]{64}$/;

export interface CenterAuthOptions {
  domain: DomainStore;
  /** Whether a realm's backend is up (its router realm exists). */
  hasRealm(name: string): boolean;
  log?: (obj: object, msg: string) => void;
}

function deny(uri: string, message: string): never {
  throw WampError.of(uri, message);
}

/** A node asks as a node: Crossbar.io edges send authrole `node`; ours too. */
function asksAsNode(details: Dict): boolean {
  const role = details['authrole'];
  return role === 'node' || role === NODE_ROLE;
}

/**
 * The global realm always runs on a single center; in cluster mode another instance may
 * serve it, and `hasRealm` then says whether it can be forwarded there.
 */
function globalHere(o: CenterAuthOptions): void {
  if (!o.hasRealm(GLOBAL_REALM))
    deny(CdcErrors.BACKEND_UNAVAILABLE, 'the global realm is not available right now');
}

export function centerAuthenticator(o: CenterAuthOptions) {
  // A reconnecting fleet's look-ups in a few statements, not a few per session (`key-lookups.ts`).
  const keys = new KeyLookups((pubkeys) => o.domain.lookupKeys(pubkeys));
  return async (
    realm: string | null,
    _authid: string | undefined,
    details: Dict,
  ): Promise<AuthenticatorResult> => {
    const extra = (details['authextra'] ?? {}) as Dict;
    const raw = extra['pubkey'];
    const pubkey = typeof raw === 'string' ? raw.toLowerCase() : '';
    if (!PUBKEY.test(pubkey))
      deny(WampErrors.INVALID_ARGUMENT, 'cryptosign needs authextra.pubkey (64 hex)');
    let found: KeyLookup;
    try {
      found = await keys.lookup(pubkey);
    } catch (e) {
      o.log?.({ err: errorMessage(e) }, 'key lookup failed');
      deny(
        CdcErrors.DATABASE_UNAVAILABLE,
        'the center cannot read its database right now; try again',
      );
    }
    switch (found.kind) {
      case 'node': {
        const p = found.pairing;
        if (!o.hasRealm(p.realm))
          deny(
            CdcErrors.BACKEND_UNAVAILABLE,
            `management realm "${p.realm}" is not available right now`,
          );
        return { realm: p.realm, authid: p.node_id, role: NODE_ROLE, pubkey, extra: p.extra };
      }
      case 'user':
      case 'client': {
        const access = found.access;
        if (realm === GLOBAL_REALM) {
          if (found.kind !== 'user')
            deny(WampErrors.NOT_AUTHORIZED, 'an API-client key has no account on the global realm');
          globalHere(o);
          return { realm: GLOBAL_REALM, authid: found.key.user, role: GLOBAL_USER_ROLE, pubkey };
        }
        if (realm !== null) {
          const a = access.find((x) => x.realm === realm);
          if (a === undefined)
            deny(
              WampErrors.NOT_AUTHORIZED,
              `this key has no access to management realm "${realm}"`,
            );
          if (!o.hasRealm(realm))
            deny(
              CdcErrors.BACKEND_UNAVAILABLE,
              `management realm "${realm}" is not available right now`,
            );
          return { realm, authid: a.authid, role: a.role, pubkey };
        }
        // No realm asked for: the one realm the key has access to (the seed's tutorials), else the global realm.
        const only = access.length === 1 ? access[0] : undefined;
        if (only !== undefined) {
          if (!o.hasRealm(only.realm))
            deny(
              CdcErrors.BACKEND_UNAVAILABLE,
              `management realm "${only.realm}" is not available right now`,
            );
          return { realm: only.realm, authid: only.authid, role: only.role, pubkey };
        }
        if (found.kind !== 'user')
          deny(WampErrors.NOT_AUTHORIZED, 'this key has access to no management realm');
        globalHere(o);
        return { realm: GLOBAL_REALM, authid: found.key.user, role: GLOBAL_USER_ROLE, pubkey };
      }
      case 'unknown':
        if (asksAsNode(details)) {
          deny(
            CdcErrors.NODE_UNPAIRED,
            `this node is not paired with a management realm (node public key ${pubkey}); pair it first`,
          );
        }
        if (realm === null || realm === GLOBAL_REALM) {
          globalHere(o);
          return {
            realm: GLOBAL_REALM,
            authid: `anonymous-${pubkey.slice(0, 16)}`,
            role: REGISTRANT_ROLE,
            pubkey,
          };
        }
        return deny(WampErrors.NOT_AUTHORIZED, 'unknown public key');
    }
  };
}
