/**
 * The node's management API as types: every procedure (positional arguments, named, and
 * what it answers) and every event (what it carries) of a node's controller (`crossbar.*`)
 * and native workers (`crossbar.worker.<worker_id>.*`), in groups by who offers them. The
 * runtime table (`node-table.ts`) is typed by these maps, so the two cannot drift; the node
 * registers from it, and the center, the uplink and the CLI call through it.
 * @module
 */
import type {
  ContainerWorkerConfig,
  ComponentConfig,
  GuestWorkerConfig,
  NativeWorkerOptions,
  RouterWorkerConfig,
  TransportConfig,
  WebPathConfig,
  WorkerRealmConfig,
  WorkerRoleConfig,
} from '@cdc/config';
import type {
  ComponentInfo,
  ControllerStatus,
  GcResult,
  ManagementEvent,
  ProcessInfo,
  ProcessMonitorStatus,
  ProcessStats,
  ProfileRecord,
  ProfilerDescription,
  PythonPathAdded,
  RealmStats,
  RouterRealmInfo,
  RouterRoleInfo,
  RouterTransportInfo,
  ShutdownInfo,
  StartedWorker,
  StopRequested,
  StoppedWebService,
  StoppedWorker,
  SystemStats,
  WebServiceInfo,
  WorkerExited,
  WorkerFailed,
  WorkerInfo,
  WorkerLogEntry,
  WorkerRestarting,
  WorkerShutdown,
  WorkerStarting,
  WorkerType,
} from './node-types.js';

/** A procedure: its positional arguments (labelled with their names) and its result. */
export interface Proc<A extends readonly unknown[], R> {
  args: A;
  result: R;
}

/** `start_worker`'s options: a native worker's options, or a whole worker entry without type and ID. */
export type WorkerOptionsArg =
  | NativeWorkerOptions
  | Omit<RouterWorkerConfig, 'type' | 'id'>
  | Omit<ContainerWorkerConfig, 'type' | 'id'>
  | Omit<GuestWorkerConfig, 'type' | 'id'>;

/** Every native process: the controller and each native worker (Crossbar.io's `common/process.py`). */
export interface NativeProcessApi {
  get_cpu_count: Proc<[logical?: boolean], number>;
  get_cpus: Proc<[], number[]>;
  get_cpu_affinity: Proc<[], number[]>;
  set_cpu_affinity: Proc<[cpus: number[], relative?: boolean], number[]>;
  get_process_info: Proc<[], ProcessInfo>;
  get_process_stats: Proc<[], ProcessStats>;
  get_process_monitor: Proc<[], ProcessMonitorStatus>;
  set_process_stats_monitoring: Proc<[interval: number], { interval: number }>;
  trigger_gc: Proc<[], GcResult | number>;
  utcnow: Proc<[], string>;
  started: Proc<[], string>;
  uptime: Proc<[], number>;
}

/** The node controller's own. */
export interface ControllerOwnApi {
  get_status: Proc<[], ControllerStatus>;
  get_system_stats: Proc<[], SystemStats>;
  get_public_key: Proc<[], string>;
  shutdown: Proc<[restart?: boolean, mode?: string | null], ShutdownInfo>;
  get_workers: Proc<[filter_types?: string[]], string[]>;
  get_worker: Proc<[worker_id: string, include_stats?: boolean], WorkerInfo>;
  start_worker: Proc<
    [worker_id: string, worker_type: WorkerType, worker_options?: WorkerOptionsArg],
    StartedWorker
  >;
  stop_worker: Proc<[worker_id: string, kill?: boolean], StoppedWorker>;
  get_worker_log: Proc<[worker_id: string, limit?: number], WorkerLogEntry[]>;
}

/** Every native worker, beyond the process procedures. */
export interface WorkerCommonApi {
  shutdown: Proc<[], WorkerShutdown>;
  get_node_id: Proc<[], string | null>;
  set_node_id: Proc<[node_id: string], string>;
  get_profilers: Proc<[], ProfilerDescription[]>;
  start_profiler: Proc<[profiler?: string, runtime?: number, start_async?: boolean], ProfileRecord>;
  get_profile: Proc<
    [profile_id: number, prune_percent?: number, prune_level?: number],
    ProfileRecord
  >;
  get_pythonpath: Proc<[], string[]>;
  add_pythonpath: Proc<[paths: string[], prepend?: boolean], string[] | PythonPathAdded>;
}

/**
 * A router worker's. Lists answer IDs; Crossbar.io's may give objects where ours give IDs,
 * and the other way round. Stopping (and starting a component) may answer nothing on a
 * Crossbar.io node.
 */
export interface RouterWorkerApi {
  get_router_realms: Proc<[], string[]>;
  get_router_realm: Proc<[realm_id: string], RouterRealmInfo>;
  get_router_realm_by_name: Proc<[realm_name: string], RouterRealmInfo>;
  get_router_realm_stats: Proc<[realm_id?: string], Record<string, RealmStats>>;
  start_router_realm: Proc<[realm_id: string, realm_config: WorkerRealmConfig], RouterRealmInfo>;
  stop_router_realm: Proc<[realm_id: string], RouterRealmInfo | null>;
  get_router_realm_roles: Proc<[realm_id: string], string[]>;
  get_router_realm_role: Proc<[realm_id: string, role_id: string], RouterRoleInfo>;
  start_router_realm_role: Proc<
    [realm_id: string, role_id: string, role_config: WorkerRoleConfig],
    RouterRoleInfo
  >;
  stop_router_realm_role: Proc<[realm_id: string, role_id: string], RouterRoleInfo | null>;
  get_router_transports: Proc<[], (string | RouterTransportInfo)[]>;
  get_router_transport: Proc<[transport_id: string], RouterTransportInfo>;
  start_router_transport: Proc<
    [transport_id: string, config: TransportConfig, create_paths?: boolean],
    RouterTransportInfo
  >;
  stop_router_transport: Proc<[transport_id: string], RouterTransportInfo | null>;
  get_web_transport_services: Proc<[transport_id: string], string[]>;
  get_web_transport_service: Proc<[transport_id: string, path: string], WebServiceInfo>;
  start_web_transport_service: Proc<
    [transport_id: string, path: string, config: WebPathConfig],
    WebServiceInfo
  >;
  stop_web_transport_service: Proc<[transport_id: string, path: string], StoppedWebService>;
  get_router_components: Proc<[], (string | ComponentInfo)[]>;
  get_router_component: Proc<[component_id: string], ComponentInfo>;
  start_router_component: Proc<
    [component_id: string, config: ComponentConfig],
    ComponentInfo | null
  >;
  stop_router_component: Proc<[component_id: string], ComponentInfo | null>;
  kill_by_authid: Proc<
    [realm_id: string, authid: string, reason?: string, message?: string],
    number[]
  >;
  /** Ours: the running router as one worker entry (options, realms with roles, transports with their web paths, components), each with its ID. */
  get_router_config: Proc<[], RouterWorkerConfig>;
}

/** A container worker's. */
export interface ContainerWorkerApi {
  get_components: Proc<[], (string | ComponentInfo)[]>;
  get_component: Proc<[component_id: string], ComponentInfo>;
  start_component: Proc<
    [component_id: string, config: ComponentConfig, reload_modules?: boolean],
    ComponentInfo | null
  >;
  stop_component: Proc<[component_id: string], ComponentInfo | null>;
  restart_component: Proc<[component_id: string, reload_modules?: boolean], ComponentInfo | null>;
}

export type ControllerApi = NativeProcessApi & ControllerOwnApi;
export type RouterApi = NativeProcessApi & WorkerCommonApi & RouterWorkerApi;
export type ContainerApi = NativeProcessApi & WorkerCommonApi & ContainerWorkerApi;
/** Every worker procedure (a worker offers those of its type). */
export type WorkerApi = RouterApi & ContainerApi;

/**
 * The whole node API for a caller: controller procedures by their names, worker procedures
 * as `worker.<name>` with the worker ID as their first argument (as in the remote API and
 * the upstream URI `…node.<node_id>.worker.<worker_id>.<name>`).
 */
export type NodeApi = ControllerApi & {
  [K in keyof WorkerApi as `worker.${K}`]: Proc<
    [worker_id: string, ...WorkerApi[K]['args']],
    WorkerApi[K]['result']
  >;
};
export type NodeProcedure = keyof NodeApi;
export type NodeArgs<K extends NodeProcedure> = NodeApi[K]['args'];
export type NodeResult<K extends NodeProcedure> = NodeApi[K]['result'];
export type WorkerProcedure = keyof WorkerApi;
export type ControllerProcedure = keyof ControllerApi;

/** The events of every native process. */
export interface NativeProcessEvents {
  on_cpu_affinity_set: [
    info: { cpus: number[]; relative: boolean; affinity: number[]; who: number | null },
  ];
  on_process_stats: [stats: ProcessStats];
  on_process_stats_monitoring_set: [info: { interval: number; who: number | null }];
}

/** A worker's lifecycle, published by the controller per worker type (`on_router_started`). */
export type WorkerLifecycleEvents = {
  [T in WorkerType as `on_${T}_starting`]: [info: WorkerStarting];
} & { [T in WorkerType as `on_${T}_started`]: [info: StartedWorker] } & {
  [T in WorkerType as `on_${T}_failed`]: [info: WorkerFailed];
} & { [T in WorkerType as `on_${T}_stopped`]: [info: WorkerExited] };

export type ControllerEvents = NativeProcessEvents &
  WorkerLifecycleEvents & {
    on_stop_requested: [info: StopRequested];
    on_worker_exited: [info: WorkerExited];
    on_worker_restarting: [info: WorkerRestarting];
    on_shutdown: [info: ShutdownInfo];
    on_management_connected: [info: ManagementEvent];
    on_management_disconnected: [info: ManagementEvent];
  };

/** The events of every native worker (`on_log` is published by the controller for each worker, guests too). */
export interface WorkerCommonEvents {
  on_log: [entry: WorkerLogEntry];
  on_worker_ready: [info: { type: string; id: string; pid: number }];
  on_shutdown_requested: [info: WorkerShutdown];
  on_profile_started: [info: ProfileRecord];
  on_profile_finished: [info: { id: number; status: string; error: string | null }];
  on_pythonpath_added: [info: { paths: string[]; prepend: boolean }];
}

export interface RouterWorkerEvents {
  on_realm_started: [realm_id: string];
  on_realm_stopped: [realm_id: string];
  on_router_realm_role_started: [realm_id: string, role_id: string];
  on_router_realm_role_stopped: [realm_id: string, role_id: string];
  on_router_transport_starting: [transport_id: string];
  on_router_transport_started: [transport_id: string, info: RouterTransportInfo];
  on_router_transport_stopping: [transport_id: string];
  on_router_transport_stopped: [transport_id: string];
  on_web_transport_service_starting: [transport_id: string, path: string];
  on_web_transport_service_started: [transport_id: string, path: string, info: WebServiceInfo];
  on_web_transport_service_stopping: [transport_id: string, path: string];
  on_web_transport_service_stopped: [transport_id: string, path: string];
  on_component_start: [component_id: string];
  on_component_ready: [component_id: string, info: ComponentInfo];
}

export interface ContainerWorkerEvents {
  on_component_started: [component_id: string, info: ComponentInfo];
}

/** Both kinds of worker with components. */
export interface ComponentEvents {
  on_component_stopped: [component_id: string];
}

export type RouterEvents = NativeProcessEvents &
  WorkerCommonEvents &
  RouterWorkerEvents &
  ComponentEvents;
export type ContainerEvents = NativeProcessEvents &
  WorkerCommonEvents &
  ContainerWorkerEvents &
  ComponentEvents;
export type WorkerEvents = RouterEvents & ContainerEvents;
export type ControllerEvent = keyof ControllerEvents;
export type WorkerEvent = keyof WorkerEvents;
