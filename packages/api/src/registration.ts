/**
 * The global realm's API (SPEC §4.4): registration with a PIN by mail, realm creation, and
 * the signed-in user's account, with the seed's names and argument order. An unknown key
 * joins as `cdc-registrant` and may only register itself; a known user key joins as
 * `cdc-user`. The router's roles on the global realm are made from this table.
 * @module
 */
import type { RolePermission, RoleSpec } from './permissions.js';
import { definitions, param } from './procedure-def.js';
import type { ProcTable, ProcedureDef } from './procedure-def.js';
import type { RegistrationApi } from './public-api.js';
import { realmInfo, userInfo } from './public-shapes.js';
import { described, either, int, listOf, literal, str } from './shape.js';
import { GLOBAL_USER_ROLE, REGISTRANT_ROLE } from './roles.js';

/**
 * Called by the global realm's backend (as `trusted`; no user role may) once a realm is
 * registered: the center starts the realm and its backend, and answers when it is live.
 */
export const CENTER_REALM_CREATED = 'crossbarfabriccenter.center.realm_created';

const registrationId = param(
  'registration_id',
  int(1),
  'what register_user or register_management_realm answered',
);
const pin = param('pin', either(int(0, 99_999), str), 'the five-digit PIN from the mail');

export const REGISTRATION_TABLE: ProcTable<RegistrationApi> = {
  'com.crossbario.cdc.register_user@1': {
    params: [
      param('user_name', str, 'a new name: ^[a-z][a-z0-9_\\-]{2,31}$; or yours, to add a key'),
      param('user_email', str),
      param('user_pub_key', str, 'the key the caller joined with (64 hex)'),
    ],
    result: described(int(1), 'the registration ID'),
    role: REGISTRANT_ROLE,
    mutating: true,
    summary:
      'start registering a user (or another key of a user): a PIN goes to the email address; ' +
      'the key must be the one the caller joined with',
  },
  'com.crossbario.cdc.verify_user_registration@1': {
    params: [registrationId, pin],
    result: literal('OK'),
    role: REGISTRANT_ROLE,
    mutating: true,
    summary:
      'finish a user registration with the PIN from the mail: the user (or key) exists from then on',
  },
  'com.crossbario.cdc.register_management_realm@1': {
    params: [
      param('management_realm', str, 'the new realm name (SPEC §3)'),
      param('owner_pub_key', str, "one of the caller's keys (64 hex)"),
    ],
    result: described(int(1), 'the registration ID'),
    role: GLOBAL_USER_ROLE,
    mutating: true,
    summary:
      "start creating a management realm owned by one of the caller's keys: a PIN goes to the " +
      "user's email address",
  },
  'com.crossbario.cdc.verify_management_realm_registration@1': {
    params: [registrationId, pin],
    result: literal('OK'),
    role: GLOBAL_USER_ROLE,
    mutating: true,
    summary:
      'finish creating a realm with the PIN from the mail: it is live at once, its owner has cdc-owner',
  },
  'com.crossbario.cdc.get_user@1': {
    params: [],
    result: userInfo,
    role: GLOBAL_USER_ROLE,
    mutating: false,
    summary: "the caller's name, email, keys, and realms with roles",
  },
  'com.crossbario.cdc.list_management_realms@1': {
    params: [],
    result: listOf(realmInfo),
    role: GLOBAL_USER_ROLE,
    mutating: false,
    summary: 'the management realms the caller has access to, with the role in each',
  },
};

export const REGISTRATION_PROCEDURES: readonly ProcedureDef[] = definitions(
  'registration',
  REGISTRATION_TABLE,
);

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
