/**
 * The node API's procedures as a runtime table, typed by the maps of `node-api.ts`: for
 * every procedure its parameter names (as many as the type has arguments), who offers it, a
 * check of its result, and Crossbar.io's name for it. A procedure missing from a group, or
 * one too many, does not compile. (The events: `node-event-table.ts`.)
 * @module
 */
import type {
  ContainerWorkerApi,
  ControllerApi,
  ControllerOwnApi,
  NativeProcessApi,
  Proc,
  RouterWorkerApi,
  WorkerApi,
  WorkerCommonApi,
} from './node-api.js';
import type {
  ComponentInfo,
  ControllerStatus,
  GcResult,
  NativeWorkerType,
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
  StoppedWebService,
  StoppedWorker,
  SystemStats,
  WebServiceInfo,
  WorkerInfo,
  WorkerLogEntry,
  WorkerShutdown,
} from './node-types.js';
import type { NativeWorkerOptions, RouterWorkerConfig } from '@cdc/config';
import { either, literal, listOf, mapOf, nullable, num, obj, opt, str } from './shape.js';
import type { Shape } from './shape.js';

/** One name per argument of `A`, optional ones included. */
export type ParamNames<A extends readonly unknown[]> = { readonly [I in keyof A]-?: string };

/** How a group declares a procedure. */
interface ProcSpec<P extends Proc<readonly unknown[], unknown>> {
  params: ParamNames<P['args']>;
  result: Shape<P['result']>;
  summary: string;
  /** Crossbar.io's name where it differs; `null`: Crossbar.io has no such procedure. */
  crossbar?: string | null;
}

type Group<G> = {
  readonly [K in keyof G]: G[K] extends Proc<readonly unknown[], unknown> ? ProcSpec<G[K]> : never;
};

export interface NodeProcedureDef {
  name: string;
  /** `controller`: `crossbar.<name>`; `worker`: `crossbar.worker.<worker_id>.<name>`. */
  level: 'controller' | 'worker';
  /** The native worker types that offer it (none for the controller). */
  workers: readonly NativeWorkerType[];
  params: readonly string[];
  result: Shape<unknown>;
  summary: string;
  /** Crossbar.io's name for it (ours unless they differ), `null` when Crossbar.io has none. */
  crossbar: string | null;
}

/** A table typed by its map: each entry's result check is the map's result type. */
export type NodeTable<M> = {
  readonly [K in keyof M]: NodeProcedureDef &
    (M[K] extends Proc<readonly unknown[], infer R> ? { result: Shape<R> } : never);
};

function place<G>(
  group: Group<G>,
  level: NodeProcedureDef['level'],
  workers: readonly NativeWorkerType[],
): NodeTable<G> {
  const out: Record<string, NodeProcedureDef> = {};
  for (const [name, s] of Object.entries<ProcSpec<Proc<unknown[], unknown>>>(group))
    out[name] = {
      ...s,
      name,
      level,
      workers,
      crossbar: s.crossbar === undefined ? name : s.crossbar,
    };
  // Built key by key from a group typed by the same map.
  return out as NodeTable<G>;
}

const dict = obj<object>();
const ids = listOf(str);
const cpus = listOf(num);
const processStats = obj<ProcessStats>({ pid: num });
const workerInfo = obj<WorkerInfo>({
  id: str,
  type: str,
  status: str,
  pid: opt(nullable(num)),
  started: opt(nullable(str)),
  uptime: opt(nullable(num)),
  options: opt(obj<NativeWorkerOptions>()),
});
const profile = obj<ProfileRecord>({ id: num });
const role = obj<RouterRoleInfo>({ id: str, config: obj() });
const realm = obj<RouterRealmInfo>({ id: str, config: obj(), roles: opt(listOf(role)) });
const transport = obj<RouterTransportInfo>({ id: str, config: obj() });
const webService = obj<WebServiceInfo>({ config: obj() });
const component = obj<ComponentInfo>({ id: str, config: obj() });
/** What a component start or stop answers: ours the component, Crossbar.io's less or nothing. */
const componentChange = nullable(obj<ComponentInfo>());

const NATIVE: Group<NativeProcessApi> = {
  get_cpu_count: { params: ['logical'], result: num, summary: 'CPUs the process can see' },
  get_cpus: { params: [], result: cpus, summary: 'the CPU IDs of the machine' },
  get_cpu_affinity: { params: [], result: cpus, summary: 'the CPUs the process may run on' },
  set_cpu_affinity: {
    params: ['cpus', 'relative'],
    result: cpus,
    summary: 'pin the process to CPUs (relative: indexes into get_cpus)',
  },
  get_process_info: {
    params: [],
    result: obj<ProcessInfo>({ pid: num }),
    summary: 'PID, command line, user, start time, memory',
  },
  get_process_stats: { params: [], result: processStats, summary: 'CPU, memory, I/O counters' },
  get_process_monitor: {
    params: [],
    result: obj<ProcessMonitorStatus>({ interval: num }),
    summary: 'the stats monitoring interval and its last sample',
  },
  set_process_stats_monitoring: {
    params: ['interval'],
    result: obj<{ interval: number }>({ interval: num }),
    summary: 'publish on_process_stats every interval seconds (0: off)',
  },
  trigger_gc: {
    params: [],
    result: either(num, obj<GcResult>({ duration: num })),
    summary: 'run the garbage collector',
  },
  utcnow: { params: [], result: str, summary: 'the process clock (ISO 8601 UTC)' },
  started: { params: [], result: str, summary: 'when the process started' },
  uptime: { params: [], result: num, summary: 'seconds since the process started' },
};

const CONTROLLER: Group<ControllerOwnApi> = {
  get_status: {
    params: [],
    result: obj<ControllerStatus>({ started: str }),
    summary: 'the node: title, start time, PID, running workers, directory, key, management',
  },
  get_system_stats: {
    params: [],
    result: obj<SystemStats>({ cpu: dict, memory: dict }),
    summary: "the machine's CPU, memory, network and disk counters",
  },
  get_public_key: { params: [], result: str, summary: "the node's public key (hex)" },
  shutdown: {
    params: ['restart', 'mode'],
    result: obj<ShutdownInfo>({ when: str }),
    summary: 'stop every worker and the node',
  },
  get_workers: { params: ['filter_types'], result: ids, summary: 'IDs of the running workers' },
  get_worker: {
    params: ['worker_id', 'include_stats'],
    result: workerInfo,
    summary: 'one worker: type, status, PID, times (with process stats if asked)',
  },
  start_worker: {
    params: ['worker_id', 'worker_type', 'worker_options'],
    result: obj<StartedWorker>({ id: str, started: opt(nullable(str)) }),
    summary: 'start a worker and wait until it is ready',
  },
  stop_worker: {
    params: ['worker_id', 'kill'],
    result: obj<StoppedWorker>({ id: str }),
    summary: 'stop a worker (kill: at once)',
  },
  get_worker_log: {
    params: ['worker_id', 'limit'],
    result: listOf(obj<WorkerLogEntry>()),
    summary: 'the last lines of a worker log',
  },
};

const WORKER_COMMON: Group<WorkerCommonApi> = {
  shutdown: {
    params: [],
    result: obj<WorkerShutdown>({ when: str }),
    summary: 'stop the worker',
  },
  get_node_id: { params: [], result: nullable(str), summary: 'the node ID the worker knows' },
  set_node_id: { params: ['node_id'], result: str, summary: 'tell the worker its node ID' },
  get_profilers: {
    params: [],
    result: listOf(obj<ProfilerDescription>({ id: str })),
    summary: 'the profilers the worker offers',
  },
  start_profiler: {
    params: ['profiler', 'runtime', 'start_async'],
    result: profile,
    summary: 'profile the worker for runtime seconds (start_async false: wait for the profile)',
  },
  get_profile: {
    params: ['profile_id', 'prune_percent', 'prune_level'],
    result: profile,
    summary: 'a profile, its call tree pruned',
  },
  get_pythonpath: { params: [], result: ids, summary: 'where components are loaded from' },
  add_pythonpath: {
    params: ['paths', 'prepend'],
    result: either(ids, obj<PythonPathAdded>({ paths: ids })),
    summary: 'add module search paths',
  },
};

const ROUTER: Group<RouterWorkerApi> = {
  get_router_realms: { params: [], result: ids, summary: 'realm IDs' },
  get_router_realm: { params: ['realm_id'], result: realm, summary: 'one realm, with its roles' },
  get_router_realm_by_name: {
    params: ['realm_name'],
    result: realm,
    summary: 'the realm with a name',
  },
  get_router_realm_stats: {
    params: ['realm_id'],
    result: mapOf(obj<RealmStats>({ sessions: num, roles: num })),
    summary: 'sessions and roles per realm ID',
  },
  start_router_realm: {
    params: ['realm_id', 'realm_config'],
    result: realm,
    summary: 'start a realm',
  },
  stop_router_realm: {
    params: ['realm_id'],
    result: nullable(obj<RouterRealmInfo>()),
    summary: 'stop a realm',
  },
  get_router_realm_roles: { params: ['realm_id'], result: ids, summary: 'role IDs of a realm' },
  get_router_realm_role: { params: ['realm_id', 'role_id'], result: role, summary: 'one role' },
  start_router_realm_role: {
    params: ['realm_id', 'role_id', 'role_config'],
    result: role,
    summary: 'start a role',
  },
  stop_router_realm_role: {
    params: ['realm_id', 'role_id'],
    result: nullable(obj<RouterRoleInfo>()),
    summary: 'stop a role',
  },
  get_router_transports: {
    params: [],
    result: listOf(either(str, transport)),
    summary: 'the transports',
  },
  get_router_transport: { params: ['transport_id'], result: transport, summary: 'one transport' },
  start_router_transport: {
    params: ['transport_id', 'config', 'create_paths'],
    result: transport,
    summary: 'start a transport',
  },
  stop_router_transport: {
    params: ['transport_id'],
    result: nullable(obj<RouterTransportInfo>()),
    summary: 'stop a transport',
  },
  get_web_transport_services: {
    params: ['transport_id'],
    result: ids,
    summary: 'the paths of a web transport',
  },
  get_web_transport_service: {
    params: ['transport_id', 'path'],
    result: webService,
    summary: 'one web service',
  },
  start_web_transport_service: {
    params: ['transport_id', 'path', 'config'],
    result: webService,
    summary: 'start a web service on a path',
  },
  stop_web_transport_service: {
    params: ['transport_id', 'path'],
    result: obj<StoppedWebService>({ path: str }),
    summary: 'stop a web service',
  },
  get_router_components: {
    params: [],
    result: listOf(either(str, component)),
    summary: 'the components (IDs)',
  },
  get_router_component: {
    params: ['component_id'],
    result: component,
    summary: 'one component',
  },
  start_router_component: {
    params: ['component_id', 'config'],
    result: componentChange,
    summary: 'start a component',
  },
  stop_router_component: {
    params: ['component_id'],
    result: componentChange,
    summary: 'stop a component',
  },
  kill_by_authid: {
    params: ['realm_id', 'authid', 'reason', 'message'],
    result: cpus,
    summary: 'close the sessions of an authid (answers their session IDs)',
  },
  get_router_config: {
    params: [],
    result: obj<RouterWorkerConfig>({
      type: literal('router'),
      id: opt(str),
      realms: opt(listOf(obj())),
      transports: opt(listOf(obj())),
      components: opt(listOf(obj())),
    }),
    summary: 'the running router as one worker entry, every part with its ID',
    crossbar: null,
  },
};

const CONTAINER: Group<ContainerWorkerApi> = {
  get_components: {
    params: [],
    result: listOf(either(str, component)),
    summary: 'the components (IDs)',
  },
  get_component: { params: ['component_id'], result: component, summary: 'one component' },
  start_component: {
    params: ['component_id', 'config', 'reload_modules'],
    result: componentChange,
    summary: 'start a component',
  },
  stop_component: {
    params: ['component_id'],
    result: componentChange,
    summary: 'stop a component',
  },
  restart_component: {
    params: ['component_id', 'reload_modules'],
    result: componentChange,
    summary: 'restart a component (its modules loaded afresh)',
  },
};

const NATIVE_WORKERS: readonly NativeWorkerType[] = ['router', 'container'];

/** The controller's procedures, `crossbar.<name>`. */
export const CONTROLLER_PROCEDURES: NodeTable<ControllerApi> = {
  ...place(NATIVE, 'controller', []),
  ...place(CONTROLLER, 'controller', []),
};

/** The native workers' procedures, `crossbar.worker.<worker_id>.<name>`. */
export const WORKER_PROCEDURES: NodeTable<WorkerApi> = {
  ...place(NATIVE, 'worker', NATIVE_WORKERS),
  ...place(WORKER_COMMON, 'worker', NATIVE_WORKERS),
  ...place(ROUTER, 'worker', ['router']),
  ...place(CONTAINER, 'worker', ['container']),
};

/** The procedures a worker of a type offers. */
export function workerProcedures(type: NativeWorkerType): NodeProcedureDef[] {
  return Object.values<NodeProcedureDef>(WORKER_PROCEDURES).filter((d) => d.workers.includes(type));
}
