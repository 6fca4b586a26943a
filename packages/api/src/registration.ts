/**
 * The global realm's API (SPEC §4.4): registration with a PIN by mail, realm creation, and
 * the signed-in user's account, with the seed's names and argument order. An unknown key
 * joins as `cdc-registrant` and may only register itself; a known user key joins as
 * `cdc-user`. The router's roles on the global realm are made from this table.
 * @module
 */
import type { RolePermission, RoleSpec } from './permissions.js';
import type { ProcedureDef } from './procedures.js';
import { GLOBAL_USER_ROLE, REGISTRANT_ROLE } from './roles.js';
import type { GlobalRole } from './roles.js';

const CDC = 'com.crossbario.cdc';

/**
 * Called by the global realm's backend (as `trusted`; no user role may) once a realm is
 * registered: the center starts the realm and its backend, and answers when it is live.
 */
export const CENTER_REALM_CREATED = 'crossbarfabriccenter.center.realm_created';

function reg(
  short: string,
  params: string[],
  role: GlobalRole,
  mutating: boolean,
  summary: string,
): ProcedureDef {
  return {
    group: 'registration',
    name: `${CDC}.${short}`,
    version: 1,
    aliases: [],
    params,
    role,
    mutating,
    summary,
  };
}

export const REGISTRATION_PROCEDURES: readonly ProcedureDef[] = [
  reg(
    'register_user',
    ['user_name', 'user_email', 'user_pub_key'],
    REGISTRANT_ROLE,
    true,
    'start registering a user (or another key of a user): a PIN goes to the email address; ' +
      'the key must be the one the caller joined with',
  ),
  reg(
    'verify_user_registration',
    ['registration_id', 'pin'],
    REGISTRANT_ROLE,
    true,
    'finish a user registration with the PIN from the mail: the user (or key) exists from then on',
  ),
  reg(
    'register_management_realm',
    ['management_realm', 'owner_pub_key'],
    GLOBAL_USER_ROLE,
    true,
    "start creating a management realm owned by one of the caller's keys: a PIN goes to the " +
      "user's email address",
  ),
  reg(
    'verify_management_realm_registration',
    ['registration_id', 'pin'],
    GLOBAL_USER_ROLE,
    true,
    'finish creating a realm with the PIN from the mail: it is live at once, its owner has cdc-owner',
  ),
  reg(
    'get_user',
    [],
    GLOBAL_USER_ROLE,
    false,
    "the caller's name, email, keys, and realms with roles",
  ),
  reg(
    'list_management_realms',
    [],
    GLOBAL_USER_ROLE,
    false,
    'the management realms the caller has access to, with the role in each',
  ),
];

/** Roles of the global realm: registrants may call only their procedures; users all. */
export function globalRealmRoles(): RoleSpec[] {
  const calls = (roles: readonly string[]): RolePermission[] =>
    REGISTRATION_PROCEDURES.filter((d) => roles.includes(d.role)).flatMap((d) =>
      [`${d.name}@${d.version}`, ...(d.version === 1 ? [d.name] : [])].map(
        (uri): RolePermission => ({ uri, match: 'exact', allow: { call: true } }),
      ),
    );
  return [
    { name: REGISTRANT_ROLE, permissions: calls([REGISTRANT_ROLE]) },
    { name: GLOBAL_USER_ROLE, permissions: calls([REGISTRANT_ROLE, GLOBAL_USER_ROLE]) },
  ];
}

/** The result of `get_user@1`. */
export interface UserInfo {
  name: string;
  email: string;
  keys: { pubkey: string; label: string | null; created: string }[];
  realms: { realm: string; role: string }[];
}

/** An entry of `list_management_realms@1`. */
export interface ManagementRealmInfo {
  realm: string;
  role: string;
  owner: string;
  created: string;
}
