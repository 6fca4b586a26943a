/**
 * Realms and roles of the center (SPEC §2, §3).
 * @module
 */

/** The global realm: registration, account, realm creation. */
export const GLOBAL_REALM = 'com.crossbario.cdc';

/** Roles in a management realm, weakest first: each includes the ones before it. */
export const USER_ROLES = ['cdc-guest', 'cdc-devop', 'cdc-admin', 'cdc-owner'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const NODE_ROLE = 'cdc-node';
/** The realm backend's role: it may do anything in its realm. */
export const BACKEND_ROLE = 'trusted';
/** Roles on the global realm. */
export const GLOBAL_USER_ROLE = 'cdc-user' as const;
export const REGISTRANT_ROLE = 'cdc-registrant' as const;
export type GlobalRole = typeof GLOBAL_USER_ROLE | typeof REGISTRANT_ROLE;

export function isUserRole(r: string): r is UserRole {
  return (USER_ROLES as readonly string[]).includes(r);
}

/** Whether `role` includes the rights of `required` (false for roles of other realms). */
export function roleAtLeast(role: string, required: string): boolean {
  const roles = USER_ROLES as readonly string[];
  const i = roles.indexOf(role);
  const j = roles.indexOf(required);
  return i >= 0 && j >= 0 && i >= j;
}

/** Management realm names (SPEC §3): reserved names are refused. */
export const REALM_NAME_RE = /^[A-Za-z][A-Za-z0-9_\-@.]{2,254}$/;

export function realmNameProblem(name: string): string | undefined {
  if (!REALM_NAME_RE.test(name)) return 'must match ^[A-Za-z][A-Za-z0-9_\\-@.]{2,254}$';
  if (name === GLOBAL_REALM) return `"${GLOBAL_REALM}" is the global realm`;
  if (name.startsWith('wamp.') || name.startsWith('crossbar'))
    return 'names starting with "wamp." or "crossbar" are reserved';
  return undefined;
}

/** IDs of nodes, workers, realms, roles, transports and components (SPEC §3). */
export const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
