/**
 * Turning an authenticator's answer into a principal, as Crossbar.io does
 * (`_assign_principal`): a returned realm/authid overrides the client's; then the realm
 * must exist, an authid must be known and the role must exist on the realm.
 * @module
 */
import { WampErrors } from '@cdc/protocol';
import type { AuthResult, AuthenticatorResult, HelloContext } from './types.js';

/** What principal assignment needs to know about the router. */
export interface RealmDirectory {
  hasRealm(name: string): boolean;
  hasRole(realm: string, role: string): boolean;
}

const SERIAL_ALPHABET = '345679ACEFGHJKLMNPQRSTUVWXY';

/** A random authid for anonymous sessions, e.g. `JG5K-3TPA-LRQ9`. */
export function randomSerial(): string {
  let out = '';
  for (let i = 0; i < 12; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += SERIAL_ALPHABET.charAt(Math.floor(Math.random() * SERIAL_ALPHABET.length));
  }
  return out;
}

export function deny(uri: string, message: string): AuthResult {
  return { kind: 'deny', uri, message };
}

export function assignPrincipal(
  dir: RealmDirectory,
  ctx: HelloContext,
  result: AuthenticatorResult,
  authmethod: string,
  authprovider: string,
): AuthResult {
  const r = typeof result === 'string' ? { role: result } : result;
  if (typeof r !== 'object' || (r as unknown) === null) {
    return deny(WampErrors.AUTHENTICATION_FAILED, 'the authenticator returned no principal');
  }
  const realm = r.realm ?? ctx.realm;
  const authid = r.authid ?? ctx.authid;
  const role = r.role;
  if (realm === null) {
    return deny(WampErrors.NO_SUCH_REALM, 'no realm was asked for and none was assigned');
  }
  if (!dir.hasRealm(realm))
    return deny(WampErrors.NO_SUCH_REALM, `no realm "${realm}" on this router`);
  if (authid === undefined || authid === '') {
    return deny(WampErrors.NO_SUCH_PRINCIPAL, 'no authid was given and none was assigned');
  }
  if (typeof role !== 'string' || role === '') {
    return deny(WampErrors.NO_SUCH_ROLE, `no role assigned to "${authid}"`);
  }
  // As in Crossbar.io, `anonymous` needs no role definition: it joins, with no permissions.
  if (role !== 'anonymous' && !dir.hasRole(realm, role)) {
    return deny(WampErrors.NO_SUCH_ROLE, `no role "${role}" on realm "${realm}"`);
  }
  return {
    kind: 'welcome',
    principal: { realm, authid, authrole: role, authmethod, authprovider, authextra: r.extra },
  };
}
