/**
 * The public API of a management realm (SPEC §4): every procedure with its versions,
 * aliases, positional parameters, the least role that may call it (§4.8) and whether it
 * changes something (and so is audited, §4.7). The center registers from this table, the
 * router's roles are generated from it, and the CLI, SDK and docs read it.
 * @module
 */
import { REGISTRATION_PROCEDURES } from './registration.js';
import type { GlobalRole, UserRole } from './roles.js';
import type { ControllerProcedure, WorkerProcedure } from './node-api.js';

/**
 * Where a remote procedure goes on the node (SPEC §4.2), by its name in the node API:
 * `node`: `crossbar.<proc>`; `worker`: `crossbar.worker.<worker_id>.<proc>` (the worker ID
 * is the first argument after the node ID).
 */
export type RemoteTarget =
  { level: 'node'; proc: ControllerProcedure } | { level: 'worker'; proc: WorkerProcedure };

export interface ProcedureDef {
  /** The name without version, e.g. `com.crossbario.cdc.get_nodes`. */
  name: string;
  version: number;
  /** Other names for the same procedure (without version). */
  aliases: readonly string[];
  /** Positional parameter names; keyword arguments with the same names work too. */
  params: readonly string[];
  /** The least role that may call it (`registration`: a role of the global realm). */
  role: UserRole | GlobalRole;
  /** Changes something: audited. */
  mutating: boolean;
  /** `registration` procedures live on the global realm, the others on management realms. */
  group: 'global' | 'management' | 'remote' | 'config' | 'registration';
  summary: string;
  remote?: RemoteTarget;
}

const CDC = 'com.crossbario.cdc';
const MGMT = `${CDC}.management`;
const REMOTE = `${CDC}.remote`;
const CONFIG = 'io.crossbar.cdc';

function def(
  group: ProcedureDef['group'],
  name: string,
  params: string[],
  role: UserRole,
  mutating: boolean,
  summary: string,
  extra: Partial<Pick<ProcedureDef, 'version' | 'aliases' | 'remote'>> = {},
): ProcedureDef {
  return {
    group,
    name,
    params,
    role,
    mutating,
    summary,
    version: extra.version ?? 1,
    aliases: extra.aliases ?? [],
    ...(extra.remote !== undefined ? { remote: extra.remote } : {}),
  };
}

function remote(
  proc: string,
  params: string[],
  role: UserRole,
  target: RemoteTarget,
  summary: string,
  mutating = role !== 'cdc-guest',
): ProcedureDef {
  return def('remote', `${REMOTE}.${proc}`, ['node_id', ...params], role, mutating, summary, {
    remote: target,
  });
}

const node = (proc: ControllerProcedure): RemoteTarget => ({ level: 'node', proc });
const worker = (proc: WorkerProcedure): RemoteTarget => ({ level: 'worker', proc });

export const PROCEDURES: readonly ProcedureDef[] = [
  // §4.1 global / management
  def('global', `${CDC}.get_status`, [], 'cdc-guest', false, 'status of the management realm', {
    aliases: [`${CDC}.general.get_status`],
  }),
  def('global', `${CDC}.get_nodes`, [], 'cdc-guest', false, 'node IDs of the realm', {
    aliases: [`${MGMT}.get_nodes`],
  }),
  def(
    'global',
    `${CDC}.get_nodes`,
    ['filter_status'],
    'cdc-guest',
    false,
    'node infos, filtered by status',
    { version: 2, aliases: [`${MGMT}.get_nodes`] },
  ),
  def(
    'global',
    `${CDC}.get_nodes`,
    ['filter_type', 'filter_status'],
    'cdc-guest',
    false,
    'node infos by node ID, filtered by type and status',
    { version: 3, aliases: [`${MGMT}.get_nodes`] },
  ),
  def('global', `${CDC}.get_node_status`, ['node_id'], 'cdc-guest', false, 'the info of one node', {
    aliases: [`${MGMT}.get_node_status`],
  }),
  // §4.5 realm management by its owner
  def(
    'management',
    `${MGMT}.pair_node`,
    ['node_pubkey', 'node_id', 'node_extra'],
    'cdc-admin',
    true,
    'let a node key join this realm as node_id',
  ),
  def(
    'management',
    `${MGMT}.unpair_node`,
    ['node_id'],
    'cdc-admin',
    true,
    'remove a node key; a connected node is disconnected',
  ),
  def(
    'management',
    `${MGMT}.grant_access`,
    ['pub_key', 'role', 'label'],
    'cdc-owner',
    true,
    'let a key join this realm with a role',
  ),
  def(
    'management',
    `${MGMT}.revoke_access`,
    ['pub_key'],
    'cdc-owner',
    true,
    "end a key's access; its sessions are closed",
  ),
  def(
    'management',
    `${MGMT}.list_access`,
    [],
    'cdc-admin',
    false,
    'keys, labels and roles with access',
  ),
  def(
    'management',
    `${MGMT}.get_audit_log`,
    ['filter'],
    'cdc-admin',
    false,
    'who did what, when, with which result',
  ),
  // §4.2 remote node API
  remote('get_controller_status', [], 'cdc-guest', node('get_status'), 'node controller status'),
  remote('shutdown_node', [], 'cdc-devop', node('shutdown'), 'shut the node down'),
  remote(
    'get_node_workers',
    [],
    'cdc-guest',
    node('get_workers'),
    'worker IDs running on the node',
  ),
  remote('get_worker_status', ['worker_id'], 'cdc-guest', node('get_worker'), 'one worker'),
  remote(
    'get_worker_log',
    ['worker_id', 'limit'],
    'cdc-guest',
    node('get_worker_log'),
    'recent log lines of a worker',
  ),
  remote(
    'start_router_worker',
    ['router_id', 'router_config'],
    'cdc-devop',
    node('start_worker'),
    'start a router worker with its realms, roles, transports, components',
  ),
  remote(
    'start_container_worker',
    ['container_id', 'container_config'],
    'cdc-devop',
    node('start_worker'),
    'start a container worker with its components',
  ),
  remote(
    'start_guest_worker',
    ['guest_id', 'guest_config'],
    'cdc-devop',
    node('start_worker'),
    'start a guest worker',
  ),
  remote('shutdown_worker', ['worker_id'], 'cdc-devop', node('stop_worker'), 'stop a worker'),
  remote(
    'get_worker_cpu_count',
    ['worker_id'],
    'cdc-guest',
    worker('get_cpu_count'),
    'CPUs a worker can see',
  ),
  remote(
    'get_worker_cpu_affinity',
    ['worker_id'],
    'cdc-guest',
    worker('get_cpu_affinity'),
    "a worker's CPU affinity",
  ),
  remote(
    'set_worker_cpu_affinity',
    ['worker_id', 'cpus'],
    'cdc-devop',
    worker('set_cpu_affinity'),
    "pin a worker's CPUs",
  ),
  remote(
    'get_worker_pythonpath',
    ['worker_id'],
    'cdc-guest',
    worker('get_pythonpath'),
    'module search paths of a worker',
  ),
  remote(
    'add_worker_pythonpath',
    ['worker_id', 'paths', 'prepend'],
    'cdc-admin',
    worker('add_pythonpath'),
    'add module search paths',
  ),
  remote(
    'get_worker_profilers',
    ['worker_id'],
    'cdc-guest',
    worker('get_profilers'),
    'profilers a worker has',
  ),
  remote(
    'start_worker_profiler',
    ['worker_id', 'profiler', 'runtime'],
    'cdc-devop',
    worker('start_profiler'),
    'start profiling a worker',
  ),
  remote(
    'get_worker_profile',
    ['worker_id', 'profile_id'],
    'cdc-guest',
    worker('get_profile'),
    'a profile',
  ),
  remote(
    'get_router_realms',
    ['worker_id'],
    'cdc-guest',
    worker('get_router_realms'),
    'realms of a router worker',
  ),
  remote(
    'get_router_realm_status',
    ['worker_id', 'realm_id'],
    'cdc-guest',
    worker('get_router_realm'),
    'one realm',
  ),
  remote(
    'start_router_realm',
    ['worker_id', 'realm_id', 'realm_config'],
    'cdc-devop',
    worker('start_router_realm'),
    'start a realm',
  ),
  remote(
    'stop_router_realm',
    ['worker_id', 'realm_id'],
    'cdc-devop',
    worker('stop_router_realm'),
    'stop a realm',
  ),
  remote(
    'get_realm_roles',
    ['worker_id', 'realm_id'],
    'cdc-guest',
    worker('get_router_realm_roles'),
    'roles of a realm',
  ),
  remote(
    'get_realm_role_status',
    ['worker_id', 'realm_id', 'role_id'],
    'cdc-guest',
    worker('get_router_realm_role'),
    'one role',
  ),
  remote(
    'start_realm_role',
    ['worker_id', 'realm_id', 'role_id', 'role_config'],
    'cdc-devop',
    worker('start_router_realm_role'),
    'start a role',
  ),
  remote(
    'stop_realm_role',
    ['worker_id', 'realm_id', 'role_id'],
    'cdc-devop',
    worker('stop_router_realm_role'),
    'stop a role',
  ),
  remote(
    'get_router_transports',
    ['worker_id'],
    'cdc-guest',
    worker('get_router_transports'),
    'transports of a router worker',
  ),
  remote(
    'get_router_transport_status',
    ['worker_id', 'transport_id'],
    'cdc-guest',
    worker('get_router_transport'),
    'one transport',
  ),
  remote(
    'start_router_transport',
    ['worker_id', 'transport_id', 'config'],
    'cdc-devop',
    worker('start_router_transport'),
    'start a transport',
  ),
  remote(
    'stop_router_transport',
    ['worker_id', 'transport_id'],
    'cdc-devop',
    worker('stop_router_transport'),
    'stop a transport',
  ),
  remote(
    'get_web_services',
    ['worker_id', 'transport_id'],
    'cdc-guest',
    worker('get_web_transport_services'),
    'web services of a transport',
  ),
  remote(
    'get_web_service_status',
    ['worker_id', 'transport_id', 'path'],
    'cdc-guest',
    worker('get_web_transport_service'),
    'one web service',
  ),
  remote(
    'start_web_service',
    ['worker_id', 'transport_id', 'path', 'config'],
    'cdc-devop',
    worker('start_web_transport_service'),
    'start a web service',
  ),
  remote(
    'stop_web_service',
    ['worker_id', 'transport_id', 'path'],
    'cdc-devop',
    worker('stop_web_transport_service'),
    'stop a web service',
  ),
  remote(
    'get_router_components',
    ['worker_id'],
    'cdc-guest',
    worker('get_router_components'),
    'components of a router worker',
  ),
  remote(
    'get_router_component_status',
    ['worker_id', 'component_id'],
    'cdc-guest',
    worker('get_router_component'),
    'one component',
  ),
  remote(
    'start_router_component',
    ['worker_id', 'component_id', 'config'],
    'cdc-devop',
    worker('start_router_component'),
    'start a component',
  ),
  remote(
    'stop_router_component',
    ['worker_id', 'component_id'],
    'cdc-devop',
    worker('stop_router_component'),
    'stop a component',
  ),
  remote(
    'stop_container',
    ['worker_id'],
    'cdc-devop',
    node('stop_worker'),
    'stop a container worker',
  ),
  remote(
    'get_container_components',
    ['worker_id'],
    'cdc-guest',
    worker('get_components'),
    'components of a container',
  ),
  remote(
    'get_container_component_status',
    ['worker_id', 'component_id'],
    'cdc-guest',
    worker('get_component'),
    'one container component',
  ),
  remote(
    'start_container_component',
    ['worker_id', 'component_id', 'config'],
    'cdc-devop',
    worker('start_component'),
    'start a container component',
  ),
  remote(
    'stop_container_component',
    ['worker_id', 'component_id'],
    'cdc-devop',
    worker('stop_component'),
    'stop a container component',
  ),
  remote(
    'restart_container_component',
    ['worker_id', 'component_id'],
    'cdc-devop',
    worker('restart_component'),
    'restart a container component',
  ),
  // §4.3 configuration API
  def(
    'config',
    `${CONFIG}.create_node`,
    ['node_id', 'node_config'],
    'cdc-admin',
    true,
    'store a node entry with its config',
  ),
  def(
    'config',
    `${CONFIG}.list_workers`,
    ['node_id'],
    'cdc-guest',
    false,
    'workers configured for the node',
  ),
  def(
    'config',
    `${CONFIG}.list_node_workers`,
    ['node_id'],
    'cdc-guest',
    false,
    'workers running on the node now',
  ),
  def(
    'config',
    `${CONFIG}.get_router`,
    ['node_id', 'router_id'],
    'cdc-guest',
    false,
    'stored and running config of a router',
  ),
  def(
    'config',
    `${CONFIG}.create_router`,
    ['node_id', 'router_id', 'router_config'],
    'cdc-admin',
    true,
    'store a router config',
  ),
  def(
    'config',
    `${CONFIG}.modify_router`,
    ['node_id', 'router_id', 'change_set'],
    'cdc-admin',
    true,
    "change a stored router config (JSON Merge Patch; keyword `change_set`, or the seed's `router_config`)",
  ),
  def(
    'config',
    `${CONFIG}.delete_router`,
    ['node_id', 'router_id'],
    'cdc-admin',
    true,
    'delete a stopped router',
  ),
  def(
    'config',
    `${CONFIG}.start_router`,
    ['node_id', 'router_id'],
    'cdc-devop',
    true,
    'start a router with its stored config',
  ),
  def(
    'config',
    `${CONFIG}.stop_router`,
    ['node_id', 'router_id'],
    'cdc-devop',
    true,
    'stop a router',
  ),
  def(
    'config',
    `${CONFIG}.reload_router`,
    ['node_id', 'router_id', 'restart_if_required'],
    'cdc-devop',
    true,
    'bring a running router to its stored config',
  ),
  def(
    'config',
    `${CONFIG}.profile_worker`,
    ['node_id', 'worker_id', 'profiler', 'runtime', 'prune_percent', 'prune_level'],
    'cdc-devop',
    true,
    'profile a worker',
  ),
  def(
    'config',
    `${CONFIG}.get_stats`,
    ['node_id', 'worker_id'],
    'cdc-guest',
    false,
    'process statistics of a worker',
  ),
  // §4.4 registration, on the global realm
  ...REGISTRATION_PROCEDURES,
];

/** Every URI a procedure is registered under: `name@N`, aliases `@N`, and the bare names for `@1`. */
export function registeredUris(d: ProcedureDef): string[] {
  const names = [d.name, ...d.aliases];
  const out = names.map((n) => `${n}@${d.version}`);
  if (d.version === 1) out.push(...names);
  return out;
}

/** The definition answering a URI, for every name in {@link registeredUris}. */
export function procedureByUri(): Map<string, ProcedureDef> {
  const m = new Map<string, ProcedureDef>();
  for (const d of PROCEDURES) for (const u of registeredUris(d)) m.set(u, d);
  return m;
}

/** Events published on a management realm by its backend (SPEC §4.2). */
export const EVENTS = {
  ON_NODE_STATUS: `${REMOTE}.on_node_status@1`,
  ON_WORKER_STATUS: `${REMOTE}.on_worker_status@1`,
  ON_ROUTER_REALM: `${REMOTE}.on_router_realm@1`,
  ON_REALM_ROLE: `${REMOTE}.on_realm_role@1`,
  ON_ROUTER_TRANSPORT: `${REMOTE}.on_router_transport@1`,
  ON_WEB_SERVICE: `${REMOTE}.on_web_service@1`,
  ON_ROUTER_COMPONENT: `${REMOTE}.on_router_component@1`,
  ON_CONTAINER_COMPONENT: `${REMOTE}.on_container_component@1`,
} as const;

/** The live worker log of a node: `com.crossbario.cdc.node.<node_id>.worker.<worker_id>.on_log@1`. */
export function workerLogTopic(nodeId: string, workerId: string): string {
  return `${CDC}.node.${nodeId}.worker.${workerId}.on_log@1`;
}
