/**
 * The §4.8 matrix as router roles: the router, not only the backend, enforces who may call,
 * subscribe, register and publish what in a management realm.
 * @module
 */
import { PROCEDURES, registeredUris } from './procedures.js';
import { NODE_ROLE, USER_ROLES, roleAtLeast } from './roles.js';
import {
  HEARTBEAT_TOPIC,
  MREALM_GET_STATUS,
  NODE_PREFIX,
  WORKER_HEARTBEAT_TOPIC,
} from './uplink.js';

/** Crossbar.io's role format (the router's `RoleConfig`). */
export interface RolePermission {
  uri: string;
  match: 'exact' | 'prefix' | 'wildcard';
  allow: { call?: boolean; register?: boolean; publish?: boolean; subscribe?: boolean };
  disclose?: { caller?: boolean; publisher?: boolean };
  cache?: boolean;
}

export interface RoleSpec {
  name: string;
  permissions: RolePermission[];
}

/** Topics API clients may subscribe to: the status events and the live worker logs. */
export const SUBSCRIBABLE_PREFIXES = [
  'com.crossbario.cdc.remote.on_',
  'com.crossbario.cdc.node.',
] as const;

/**
 * Procedures that run code of the caller's choosing on a node (a guest's executable, a
 * component's module, module search paths): admins decide what code runs (SPEC §4.8), so
 * the router admits no one below `cdc-admin` to them, whatever their table entry says.
 */
export const CODE_RUNNING_PROCEDURES: ReadonlySet<string> = new Set([
  'com.crossbario.cdc.remote.start_guest_worker',
  'com.crossbario.cdc.remote.start_router_component',
  'com.crossbario.cdc.remote.start_container_component',
  'com.crossbario.cdc.remote.add_worker_pythonpath',
]);

/** The least role that may call `d`. */
function leastRole(d: { name: string; role: string }): string {
  return CODE_RUNNING_PROCEDURES.has(d.name) && !roleAtLeast(d.role, 'cdc-admin')
    ? 'cdc-admin'
    : d.role;
}

export function userRole(role: (typeof USER_ROLES)[number]): RoleSpec {
  const permissions: RolePermission[] = [];
  for (const d of PROCEDURES) {
    if (!roleAtLeast(role, leastRole(d))) continue;
    for (const uri of registeredUris(d))
      permissions.push({ uri, match: 'exact', allow: { call: true } });
  }
  for (const uri of SUBSCRIBABLE_PREFIXES)
    permissions.push({ uri, match: 'prefix', allow: { subscribe: true } });
  return { name: role, permissions };
}

/**
 * A node: registers its bridged procedures and publishes its events under its own node ID
 * only (`{authid}` is the node ID), publishes heartbeats (its publisher identity disclosed,
 * so the backend can drop forged ones), and calls `crossbarfabriccenter.mrealm.get_status`.
 */
export function nodeRole(): RoleSpec {
  const publishDisclosed = { allow: { publish: true }, disclose: { publisher: true } };
  return {
    name: NODE_ROLE,
    permissions: [
      {
        uri: `${NODE_PREFIX}{authid}.`,
        match: 'prefix',
        allow: { register: true, publish: true },
        disclose: { publisher: true },
      },
      { uri: HEARTBEAT_TOPIC, match: 'exact', ...publishDisclosed },
      { uri: WORKER_HEARTBEAT_TOPIC, match: 'exact', ...publishDisclosed },
      { uri: MREALM_GET_STATUS, match: 'exact', allow: { call: true } },
    ],
  };
}

/** All roles of a management realm (the backend joins as `trusted`, which is built in). */
export function managementRealmRoles(): RoleSpec[] {
  return [...USER_ROLES.map(userRole), nodeRole()];
}
