/**
 * What the node API's procedures answer and its events carry (Crossbar.io's shapes, SPEC
 * §3; reference crossbar-master.md §3). A field our nodes give but a Crossbar.io edge may
 * not is optional here, so a caller written against these types works with both.
 * @module
 */
import type {
  ComponentConfig,
  NativeWorkerOptions,
  TransportConfig,
  WebPathConfig,
  WorkerRealmConfig,
  WorkerRoleConfig,
} from '@cdc/config';
import type { ProfileSummary } from './types.js';

/** The worker types a node runs. */
export type WorkerType = 'router' | 'container' | 'guest';
/** The worker types that are native processes with a management API of their own. */
export type NativeWorkerType = 'router' | 'container';

/** `get_status`. */
export interface ControllerStatus {
  title: string;
  started: string;
  controller_pid: number;
  running_workers: number;
  workers_by_type: Partial<Record<string, number>>;
  directory: string;
  pubkey: string;
  /** Ours: the node's ID, version and kind. */
  node_id?: string | null;
  version?: string;
  type?: 'cdc';
  management_realm?: string | null;
  management_node_id?: string | null;
  management_session_id?: number | null;
  management_node_extra?: object | null;
}

/**
 * `get_system_stats` (the heartbeat's `system`). A type, not an interface, so it passes as
 * the JSON object (`Record<string, unknown>`) the center keeps it as.
 */
export type SystemStats = {
  uptime: number;
  elapsed: number;
  cpu: object;
  memory: object;
  network: object;
  disk: object;
  timestamp?: number;
};

/** `shutdown` of the node, and the `on_shutdown` event. */
export interface ShutdownInfo {
  node_id: string | null;
  restart: boolean;
  mode: string | null;
  who: number | null;
  when: string;
  was_clean?: boolean;
}

/** `get_worker`. */
export interface WorkerInfo {
  id: string;
  /** `router`, `container`, `guest` (Crossbar.io has a few more). */
  type: string;
  /** `starting`, `started`, `stopping`, `stopped`, `failed`. */
  status: string;
  pid?: number | null;
  created?: string;
  started?: string | null;
  startup_time?: number | null;
  uptime?: number | null;
  /** Ours: the worker options it runs with (native workers), to compare with a config. */
  options?: NativeWorkerOptions;
  exit_code?: number | null;
  exit_signal?: string | null;
  /** With `include_stats`. */
  stats?: ProcessStats;
}

/** `start_worker`, and the `on_<type>_started` event. */
export interface StartedWorker {
  id: string;
  type?: string;
  status: string;
  started?: string | null;
  who: number | null;
  pid?: number | null;
  startup_time?: number | null;
}

/** `stop_worker`. */
export interface StoppedWorker {
  id: string;
  type: string;
  kill: boolean;
  who: number | null;
  when: string;
}

/** One line of a worker's log (`get_worker_log`, `on_log`); Crossbar.io's carry other fields. */
export interface WorkerLogEntry {
  /** ISO 8601 UTC. */
  time?: string;
  level?: string;
  message?: string;
  /** `stdout`, `stderr`, or `controller`. */
  source?: string;
  /** Structured fields of a JSON log line. */
  fields?: object;
}

/** A process's memory, bytes (a type, so it passes as a JSON object). */
export type ProcessMemory = {
  rss?: number;
  vms?: number;
  shared?: number;
  text?: number;
  data?: number;
};

/** `get_process_info`. */
export interface ProcessInfo {
  pid: number;
  name?: string;
  created?: string;
  status?: string;
  num_threads?: number;
  num_fds?: number | null;
  cpu_affinity?: number[];
  memory?: ProcessMemory;
}

/** `get_process_stats` (a worker heartbeat's `process`). */
export interface ProcessStats {
  pid: number;
  status?: string;
  timestamp?: string;
  num_fds?: number | null;
  num_threads?: number;
  num_ctx_switches_voluntary?: number | null;
  num_ctx_switches_involuntary?: number | null;
  read_ios?: number | null;
  write_ios?: number | null;
  read_bytes?: number | null;
  write_bytes?: number | null;
  cpu_user?: number;
  cpu_system?: number;
  memory_rss?: number;
  memory_vms?: number;
}

/** `get_process_monitor`: the interval (0 = off) and the last sample. */
export interface ProcessMonitorStatus extends Partial<ProcessStats> {
  interval: number;
}

/** `trigger_gc`: ours; Crossbar.io answers with the duration alone. */
export interface GcResult {
  /** ms. */
  duration: number;
  before?: number;
  after?: number;
  freed?: number;
}

/** `get_profilers`. */
export interface ProfilerDescription {
  id: string;
  description: string;
  available: boolean;
  alias_of?: string;
}

/** `start_profiler` (the record at once, or when run synchronously the finished one), `get_profile`. */
export interface ProfileRecord {
  id: number;
  profiler: string;
  runtime: number;
  started?: string;
  finished?: string | null;
  status?: 'running' | 'finished' | 'failed';
  error?: string;
  who?: number | null;
  async?: boolean;
  profile?: ProfileSummary;
}

/** The worker's `shutdown`. */
export interface WorkerShutdown {
  who: number | null;
  when: string;
}

/** A realm of a router worker (`get_router_realm`, `start_router_realm`, …). */
export interface RouterRealmInfo {
  id: string;
  name?: string;
  config: WorkerRealmConfig;
  created?: string;
  /** Ours and Crossbar.io's give the roles as `{id, config}`. */
  roles?: RouterRoleInfo[];
  sessions?: number;
  has_router?: boolean;
  has_service_session?: boolean;
  rlinks?: unknown[];
  interfaces?: object;
}

/** A role of a realm (`get_router_realm_role`, …). */
export interface RouterRoleInfo {
  id: string;
  config: WorkerRoleConfig;
}

/** `get_router_realm_stats`: per realm ID. */
export interface RealmStats {
  name?: string;
  sessions: number;
  roles: number;
  registrations?: number;
  subscriptions?: number;
}

/** A transport of a router worker; `state` is Crossbar.io's (3 started, 6 stopped). */
export interface RouterTransportInfo {
  id: string;
  type?: string;
  config: TransportConfig;
  created_at?: string;
  listening_since?: string;
  state?: number;
  /** Ours: where it listens and how many connections it has. */
  address?: { port?: number; path?: string };
  connections?: number;
}

/** A web service of a web or universal transport. */
export interface WebServiceInfo {
  transport_id?: string;
  path?: string;
  config: WebPathConfig;
}

/** `stop_web_transport_service` (Crossbar.io's answer has no config). */
export interface StoppedWebService {
  transport_id: string;
  path: string;
  config?: WebPathConfig;
}

/** Crossbar.io's `add_pythonpath` answer (ours: the search paths). */
export interface PythonPathAdded {
  paths: string[];
  paths_added?: { requested: string; resolved: string }[];
  prepend?: boolean;
  who?: number | null;
}

/** A component of a router or container worker. */
export interface ComponentInfo {
  id: string;
  started?: string;
  uptime?: number;
  config: ComponentConfig;
}

/** `on_<type>_starting`. */
export interface WorkerStarting {
  id: string;
  type: string;
  status: string;
  created: string;
  who: number | null;
}

/** `on_<type>_failed`. */
export interface WorkerFailed {
  id: string;
  type: string;
  error: string;
  who: number | null;
}

/** `on_worker_exited`, and `on_<type>_stopped` for an expected exit. */
export interface WorkerExited {
  id: string;
  type: string;
  pid: number | null;
  code: number | null;
  signal: string | null;
  expected: boolean;
}

/** `on_stop_requested`. */
export interface StopRequested {
  id: string;
  type: string;
  kill: boolean;
  who: number | null;
}

/** `on_worker_restarting`: after `delay` seconds, the `attempt`-th time. */
export interface WorkerRestarting {
  id: string;
  type: string;
  delay: number;
  attempt: number;
}

/** `on_management_connected` / `on_management_disconnected` (ours). */
export interface ManagementEvent {
  url: string;
  realm: string;
  node_id: string;
  session_id?: number;
  reason?: string;
}
