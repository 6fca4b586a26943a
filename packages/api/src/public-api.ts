/**
 * The public API as types (SPEC §4): every procedure of a management realm and of the global
 * realm, by its URI `name@version`, with its required arguments (positional, labelled with
 * their names), its optional arguments (by name; the center applies the defaults the table
 * documents) and its result; and every public event with what it carries. The runtime
 * tables (`procedures-*.ts`, `registration.ts`, `events.ts`) are typed by these maps, so a
 * procedure in one and not the other does not compile; the SDK's methods are typed by them.
 * @module
 */
import type {
  ComponentConfig,
  NodeConfig,
  RouterWorkerConfig,
  TransportConfig,
  WebPathConfig,
  WorkerRealmConfig,
  WorkerRoleConfig,
} from '@cdc/config';
import type { NodeProcedure, NodeResult } from './node-api.js';
import type { ProfileRecord, WorkerLogEntry } from './node-types.js';
import type { ManagementRealmInfo, UserInfo } from './registration.js';
import type { UserRole } from './roles.js';
import type {
  AccessInfo,
  AuditEntry,
  AuditFilter,
  ConfiguredWorker,
  CreatedToken,
  LiveWorkerInfo,
  NodeInfo,
  NodeStatus,
  RealmStatus,
  ReloadResult,
  RevokedToken,
  RouterAction,
  RouterState,
  StoredRouter,
  TokenInfo,
  WorkerStats,
} from './types.js';

/**
 * A public procedure: required arguments `A` (positional), optional ones `O` (by name, in
 * the order of the table after the required ones), result `R`.
 */
export interface PublicProc<A extends readonly unknown[], R, O extends object = object> {
  args: A;
  options: O;
  result: R;
}

/** A remote procedure (SPEC §4.2): forwarded to node procedure `T`, whose result it returns. */
export interface RemoteProc<
  A extends readonly unknown[],
  T extends NodeProcedure,
  O extends object = object,
  R = NodeResult<T>,
> extends PublicProc<A, R, O> {
  target: T;
}

/** A router worker config as given: `type` and `id` may be left out (the ID is an argument). */
export type RouterConfigInput = Omit<RouterWorkerConfig, 'type'> & { type?: 'router' };
/** A worker config as `start_*_worker` takes it: the entry without type and ID. */
export type WorkerConfigInput = Record<string, unknown>;

type N = [node_id: string];
type NW = [node_id: string, worker_id: string];

/** SPEC §4.1. */
export interface GlobalApi {
  'com.crossbario.cdc.get_status@1': PublicProc<[], RealmStatus>;
  'com.crossbario.cdc.get_nodes@1': PublicProc<[], string[]>;
  'com.crossbario.cdc.get_nodes@2': PublicProc<
    [],
    NodeInfo[],
    { filter_status?: NodeStatus | null }
  >;
  'com.crossbario.cdc.get_nodes@3': PublicProc<
    [],
    Record<string, NodeInfo>,
    { filter_type?: string | null; filter_status?: NodeStatus | null }
  >;
  'com.crossbario.cdc.get_node_status@1': PublicProc<N, NodeInfo>;
}

/** What `unpair_node` answers. */
export interface UnpairResult {
  node_id: string;
  pubkey: string;
  /** Whether a connected node was cut off. */
  disconnected: boolean;
}

/** What `revoke_access` answers. */
export interface RevokeResult {
  pubkey: string;
  sessions_closed: number;
}

/** SPEC §4.5. */
export interface ManagementApi {
  'com.crossbario.cdc.management.pair_node@1': PublicProc<
    [node_pubkey: string, node_id: string],
    NodeInfo,
    { node_extra?: Record<string, unknown> }
  >;
  'com.crossbario.cdc.management.unpair_node@1': PublicProc<N, UnpairResult>;
  'com.crossbario.cdc.management.grant_access@1': PublicProc<
    [pub_key: string, role: UserRole],
    AccessInfo,
    { label?: string | null }
  >;
  'com.crossbario.cdc.management.revoke_access@1': PublicProc<[pub_key: string], RevokeResult>;
  'com.crossbario.cdc.management.list_access@1': PublicProc<[], AccessInfo[]>;
  'com.crossbario.cdc.management.get_audit_log@1': PublicProc<
    [],
    AuditEntry[],
    { filter?: AuditFilter }
  >;
  'com.crossbario.cdc.management.create_token@1': PublicProc<
    [label: string, role: UserRole],
    CreatedToken,
    { expires_in_s?: number | null }
  >;
  'com.crossbario.cdc.management.list_tokens@1': PublicProc<[], TokenInfo[]>;
  'com.crossbario.cdc.management.revoke_token@1': PublicProc<[token_id: string], RevokedToken>;
}

type NWR = [node_id: string, worker_id: string, realm_id: string];
type NWT = [node_id: string, worker_id: string, transport_id: string];
type NWC = [node_id: string, worker_id: string, component_id: string];

/** SPEC §4.2: each forwards to the node procedure it names; `start_*_worker` answer `started_at`. */
export interface RemoteApi {
  'com.crossbario.cdc.remote.get_controller_status@1': RemoteProc<N, 'get_status'>;
  'com.crossbario.cdc.remote.shutdown_node@1': RemoteProc<N, 'shutdown'>;
  'com.crossbario.cdc.remote.get_node_workers@1': RemoteProc<N, 'get_workers'>;
  'com.crossbario.cdc.remote.get_worker_status@1': RemoteProc<NW, 'get_worker'>;
  'com.crossbario.cdc.remote.get_worker_log@1': RemoteProc<
    NW,
    'get_worker_log',
    { limit?: number }
  >;
  'com.crossbario.cdc.remote.start_router_worker@1': RemoteProc<
    [node_id: string, router_id: string],
    'start_worker',
    { router_config?: WorkerConfigInput },
    string
  >;
  'com.crossbario.cdc.remote.start_container_worker@1': RemoteProc<
    [node_id: string, container_id: string],
    'start_worker',
    { container_config?: WorkerConfigInput },
    string
  >;
  'com.crossbario.cdc.remote.start_guest_worker@1': RemoteProc<
    [node_id: string, guest_id: string, guest_config: WorkerConfigInput],
    'start_worker',
    object,
    string
  >;
  'com.crossbario.cdc.remote.shutdown_worker@1': RemoteProc<NW, 'stop_worker'>;
  'com.crossbario.cdc.remote.get_worker_cpu_count@1': RemoteProc<NW, 'worker.get_cpu_count'>;
  'com.crossbario.cdc.remote.get_worker_cpu_affinity@1': RemoteProc<NW, 'worker.get_cpu_affinity'>;
  'com.crossbario.cdc.remote.set_worker_cpu_affinity@1': RemoteProc<
    [...NW, cpus: number[]],
    'worker.set_cpu_affinity'
  >;
  'com.crossbario.cdc.remote.get_worker_pythonpath@1': RemoteProc<NW, 'worker.get_pythonpath'>;
  'com.crossbario.cdc.remote.add_worker_pythonpath@1': RemoteProc<
    [...NW, paths: string[]],
    'worker.add_pythonpath',
    { prepend?: boolean }
  >;
  'com.crossbario.cdc.remote.get_worker_profilers@1': RemoteProc<NW, 'worker.get_profilers'>;
  'com.crossbario.cdc.remote.start_worker_profiler@1': RemoteProc<
    NW,
    'worker.start_profiler',
    { profiler?: string; runtime?: number }
  >;
  'com.crossbario.cdc.remote.get_worker_profile@1': RemoteProc<
    [...NW, profile_id: number],
    'worker.get_profile'
  >;
  'com.crossbario.cdc.remote.get_router_realms@1': RemoteProc<NW, 'worker.get_router_realms'>;
  'com.crossbario.cdc.remote.get_router_realm_status@1': RemoteProc<NWR, 'worker.get_router_realm'>;
  'com.crossbario.cdc.remote.start_router_realm@1': RemoteProc<
    [...NWR, realm_config: WorkerRealmConfig],
    'worker.start_router_realm'
  >;
  'com.crossbario.cdc.remote.stop_router_realm@1': RemoteProc<NWR, 'worker.stop_router_realm'>;
  'com.crossbario.cdc.remote.get_realm_roles@1': RemoteProc<NWR, 'worker.get_router_realm_roles'>;
  'com.crossbario.cdc.remote.get_realm_role_status@1': RemoteProc<
    [...NWR, role_id: string],
    'worker.get_router_realm_role'
  >;
  'com.crossbario.cdc.remote.start_realm_role@1': RemoteProc<
    [...NWR, role_id: string, role_config: WorkerRoleConfig],
    'worker.start_router_realm_role'
  >;
  'com.crossbario.cdc.remote.stop_realm_role@1': RemoteProc<
    [...NWR, role_id: string],
    'worker.stop_router_realm_role'
  >;
  'com.crossbario.cdc.remote.get_router_transports@1': RemoteProc<
    NW,
    'worker.get_router_transports'
  >;
  'com.crossbario.cdc.remote.get_router_transport_status@1': RemoteProc<
    NWT,
    'worker.get_router_transport'
  >;
  'com.crossbario.cdc.remote.start_router_transport@1': RemoteProc<
    [...NWT, config: TransportConfig],
    'worker.start_router_transport'
  >;
  'com.crossbario.cdc.remote.stop_router_transport@1': RemoteProc<
    NWT,
    'worker.stop_router_transport'
  >;
  'com.crossbario.cdc.remote.get_web_services@1': RemoteProc<
    NWT,
    'worker.get_web_transport_services'
  >;
  'com.crossbario.cdc.remote.get_web_service_status@1': RemoteProc<
    [...NWT, path: string],
    'worker.get_web_transport_service'
  >;
  'com.crossbario.cdc.remote.start_web_service@1': RemoteProc<
    [...NWT, path: string, config: WebPathConfig],
    'worker.start_web_transport_service'
  >;
  'com.crossbario.cdc.remote.stop_web_service@1': RemoteProc<
    [...NWT, path: string],
    'worker.stop_web_transport_service'
  >;
  'com.crossbario.cdc.remote.get_router_components@1': RemoteProc<
    NW,
    'worker.get_router_components'
  >;
  'com.crossbario.cdc.remote.get_router_component_status@1': RemoteProc<
    NWC,
    'worker.get_router_component'
  >;
  'com.crossbario.cdc.remote.start_router_component@1': RemoteProc<
    [...NWC, config: ComponentConfig],
    'worker.start_router_component'
  >;
  'com.crossbario.cdc.remote.stop_router_component@1': RemoteProc<
    NWC,
    'worker.stop_router_component'
  >;
  'com.crossbario.cdc.remote.stop_container@1': RemoteProc<NW, 'stop_worker'>;
  'com.crossbario.cdc.remote.get_container_components@1': RemoteProc<NW, 'worker.get_components'>;
  'com.crossbario.cdc.remote.get_container_component_status@1': RemoteProc<
    NWC,
    'worker.get_component'
  >;
  'com.crossbario.cdc.remote.start_container_component@1': RemoteProc<
    [...NWC, config: ComponentConfig],
    'worker.start_component'
  >;
  'com.crossbario.cdc.remote.stop_container_component@1': RemoteProc<NWC, 'worker.stop_component'>;
  'com.crossbario.cdc.remote.restart_container_component@1': RemoteProc<
    NWC,
    'worker.restart_component'
  >;
}

/** What `create_node` answers. */
export interface CreatedNode {
  node_id: string;
  workers: ConfiguredWorker[];
}

/** What `delete_router` answers. */
export interface DeletedRouter {
  node_id: string;
  router_id: string;
  deleted: true;
}

type NR = [node_id: string, router_id: string];

/** SPEC §4.3. */
export interface ConfigApi {
  'io.crossbar.cdc.create_node@1': PublicProc<
    [node_id: string, node_config: NodeConfig],
    CreatedNode
  >;
  'io.crossbar.cdc.list_workers@1': PublicProc<N, ConfiguredWorker[]>;
  'io.crossbar.cdc.list_node_workers@1': PublicProc<N, LiveWorkerInfo[]>;
  'io.crossbar.cdc.get_router@1': PublicProc<NR, RouterState>;
  'io.crossbar.cdc.create_router@1': PublicProc<
    [...NR, router_config: RouterConfigInput],
    StoredRouter
  >;
  'io.crossbar.cdc.modify_router@1': PublicProc<
    [...NR, change_set: Record<string, unknown>],
    StoredRouter
  >;
  'io.crossbar.cdc.delete_router@1': PublicProc<NR, DeletedRouter>;
  'io.crossbar.cdc.start_router@1': PublicProc<NR, RouterAction>;
  'io.crossbar.cdc.stop_router@1': PublicProc<NR, RouterAction>;
  'io.crossbar.cdc.reload_router@1': PublicProc<
    NR,
    ReloadResult,
    { restart_if_required?: boolean }
  >;
  'io.crossbar.cdc.profile_worker@1': PublicProc<
    NW,
    ProfileRecord,
    { profiler?: string; runtime?: number; prune_percent?: number; prune_level?: number }
  >;
  'io.crossbar.cdc.get_stats@1': PublicProc<NW, WorkerStats>;
}

/** SPEC §4.4, on the global realm. */
export interface RegistrationApi {
  'com.crossbario.cdc.register_user@1': PublicProc<
    [user_name: string, user_email: string, user_pub_key: string],
    number
  >;
  'com.crossbario.cdc.verify_user_registration@1': PublicProc<
    [registration_id: number, pin: number | string],
    'OK'
  >;
  'com.crossbario.cdc.register_management_realm@1': PublicProc<
    [management_realm: string, owner_pub_key: string],
    number
  >;
  'com.crossbario.cdc.verify_management_realm_registration@1': PublicProc<
    [registration_id: number, pin: number | string],
    'OK'
  >;
  'com.crossbario.cdc.get_user@1': PublicProc<[], UserInfo>;
  'com.crossbario.cdc.list_management_realms@1': PublicProc<[], ManagementRealmInfo[]>;
}

/** Every public procedure by `name@version`. */
export type PublicApi = GlobalApi & ManagementApi & RemoteApi & ConfigApi & RegistrationApi;
export type PublicProcedure = keyof PublicApi;
export type PublicArgs<K extends PublicProcedure> = PublicApi[K]['args'];
export type PublicOptions<K extends PublicProcedure> = PublicApi[K]['options'];
export type PublicResult<K extends PublicProcedure> = PublicApi[K]['result'];

/** The public events (SPEC §4.2) by topic: what each carries, node ID first, then old and new status. */
export interface PublicEvents {
  'com.crossbario.cdc.remote.on_node_status@1': [
    node_id: string,
    old_status: NodeStatus | null,
    new_status: NodeStatus,
  ];
  'com.crossbario.cdc.remote.on_worker_status@1': [
    node_id: string,
    worker_id: string,
    old_status: string | null,
    new_status: string,
  ];
  'com.crossbario.cdc.remote.on_router_realm@1': [
    ...NWR,
    old_status: string | null,
    new_status: string,
  ];
  'com.crossbario.cdc.remote.on_realm_role@1': [
    ...NWR,
    role_id: string,
    old_status: string | null,
    new_status: string,
  ];
  'com.crossbario.cdc.remote.on_router_transport@1': [
    ...NWT,
    old_status: string | null,
    new_status: string,
  ];
  'com.crossbario.cdc.remote.on_web_service@1': [
    ...NWT,
    path: string,
    old_status: string | null,
    new_status: string,
  ];
  'com.crossbario.cdc.remote.on_router_component@1': [
    ...NWC,
    old_status: string | null,
    new_status: string,
  ];
  'com.crossbario.cdc.remote.on_container_component@1': [
    ...NWC,
    old_status: string | null,
    new_status: string,
  ];
}
export type PublicEvent = keyof PublicEvents;

/** What the live worker log (`workerLogTopic(node_id, worker_id)`) carries: one log line. */
export type WorkerLogEvent = [entry: WorkerLogEntry];
