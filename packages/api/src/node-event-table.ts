/**
 * The node API's events as a runtime table, typed by the event maps of `node-api.ts`: for
 * every event the names of what it carries, who publishes it, and the names a Crossbar.io
 * node or master uses for it (the center understands those too).
 * @module
 */
import type {
  ComponentEvents,
  ContainerWorkerEvents,
  ControllerEvents,
  NativeProcessEvents,
  RouterWorkerEvents,
  WorkerCommonEvents,
  WorkerEvents,
  WorkerLifecycleEvents,
} from './node-api.js';
import type { NativeWorkerType, WorkerType } from './node-types.js';
import type { ParamNames } from './node-table.js';

const NATIVE_WORKERS: readonly NativeWorkerType[] = ['router', 'container'];

interface EventSpec<A extends readonly unknown[]> {
  args: ParamNames<A>;
  summary: string;
  /** Other names a Crossbar.io node or master uses for it (the center understands them too). */
  aliases?: readonly string[];
  /** Ours only. */
  ours?: true;
}

type EventGroup<G> = {
  readonly [K in keyof G]: G[K] extends readonly unknown[] ? EventSpec<G[K]> : never;
};

export interface NodeEventDef {
  name: string;
  level: 'controller' | 'worker';
  /** The worker types it is published for (worker level). */
  workers: readonly WorkerType[];
  args: readonly string[];
  summary: string;
  aliases: readonly string[];
  /** Crossbar.io nodes publish it too. */
  crossbar: boolean;
}

export type NodeEventTable<M> = { readonly [K in keyof M]: NodeEventDef };

function placeEvents<G>(
  group: EventGroup<G>,
  level: NodeEventDef['level'],
  workers: readonly WorkerType[],
): NodeEventTable<G> {
  const out: Record<string, NodeEventDef> = {};
  for (const [name, s] of Object.entries<EventSpec<unknown[]>>(group))
    out[name] = {
      name,
      level,
      workers,
      args: s.args,
      summary: s.summary,
      aliases: s.aliases ?? [],
      crossbar: s.ours !== true,
    };
  // Built key by key from a group typed by the same map.
  return out as NodeEventTable<G>;
}

const NATIVE_EVENTS: EventGroup<NativeProcessEvents> = {
  on_cpu_affinity_set: { args: ['info'], summary: 'set_cpu_affinity changed the affinity' },
  on_process_stats: { args: ['stats'], summary: 'a stats sample (set_process_stats_monitoring)' },
  on_process_stats_monitoring_set: { args: ['info'], summary: 'the monitoring interval changed' },
};

function lifecycle(): EventGroup<WorkerLifecycleEvents> {
  const out: Record<string, EventSpec<[unknown]>> = {};
  for (const type of ['router', 'container', 'guest'] as const) {
    out[`on_${type}_starting`] = { args: ['info'], summary: `a ${type} worker is starting` };
    out[`on_${type}_started`] = { args: ['info'], summary: `a ${type} worker is ready` };
    out[`on_${type}_failed`] = { args: ['info'], summary: `a ${type} worker failed to start` };
    out[`on_${type}_stopped`] = { args: ['info'], summary: `a ${type} worker stopped` };
  }
  // One entry per worker type and state, as the map has them.
  return out as EventGroup<WorkerLifecycleEvents>;
}

const CONTROLLER_OWN_EVENTS: EventGroup<
  Omit<ControllerEvents, keyof NativeProcessEvents | keyof WorkerLifecycleEvents>
> = {
  on_stop_requested: { args: ['info'], summary: 'stop_worker was called' },
  on_worker_exited: { args: ['info'], summary: 'a worker process exited (expected or not)' },
  on_worker_restarting: {
    args: ['info'],
    summary: 'a worker is restarted after a crash',
    ours: true,
  },
  on_shutdown: { args: ['info'], summary: 'the node shuts down' },
  on_management_connected: {
    args: ['info'],
    summary: 'the node is managed by a center',
    ours: true,
  },
  on_management_disconnected: {
    args: ['info'],
    summary: 'the management uplink was lost',
    ours: true,
  },
};

const WORKER_COMMON_EVENTS: EventGroup<WorkerCommonEvents> = {
  on_log: { args: ['entry'], summary: 'a line of the worker log (published by the controller)' },
  on_worker_ready: { args: ['info'], summary: 'the worker is up' },
  on_shutdown_requested: { args: ['info'], summary: 'the worker was asked to stop' },
  on_profile_started: { args: ['info'], summary: 'a profile started' },
  on_profile_finished: { args: ['info'], summary: 'a profile is done' },
  on_pythonpath_added: {
    args: ['info'],
    summary: 'module search paths were added',
    aliases: ['on_pythonpath_add'],
  },
};

const realmStates = (s: string): readonly string[] => [`on_router_realm_${s}`];
const ROUTER_EVENTS: EventGroup<RouterWorkerEvents> = {
  on_realm_started: {
    args: ['realm_id'],
    summary: 'a realm started',
    aliases: realmStates('started'),
  },
  on_realm_stopped: {
    args: ['realm_id'],
    summary: 'a realm stopped',
    aliases: realmStates('stopped'),
  },
  on_router_realm_role_started: { args: ['realm_id', 'role_id'], summary: 'a role started' },
  on_router_realm_role_stopped: { args: ['realm_id', 'role_id'], summary: 'a role stopped' },
  on_router_transport_starting: { args: ['transport_id'], summary: 'a transport is starting' },
  on_router_transport_started: { args: ['transport_id', 'info'], summary: 'a transport listens' },
  on_router_transport_stopping: { args: ['transport_id'], summary: 'a transport is stopping' },
  on_router_transport_stopped: { args: ['transport_id'], summary: 'a transport stopped' },
  on_web_transport_service_starting: {
    args: ['transport_id', 'path'],
    summary: 'a web service is starting',
  },
  on_web_transport_service_started: {
    args: ['transport_id', 'path', 'info'],
    summary: 'a web service runs',
  },
  on_web_transport_service_stopping: {
    args: ['transport_id', 'path'],
    summary: 'a web service is stopping',
  },
  on_web_transport_service_stopped: {
    args: ['transport_id', 'path'],
    summary: 'a web service stopped',
  },
  on_component_start: {
    args: ['component_id'],
    summary: 'a router component is starting',
    aliases: ['on_router_component_starting'],
  },
  on_component_ready: {
    args: ['component_id', 'info'],
    summary: 'a router component joined',
    aliases: ['on_router_component_started'],
  },
};

const CONTAINER_EVENTS: EventGroup<ContainerWorkerEvents> = {
  on_component_started: {
    args: ['component_id', 'info'],
    summary: 'a container component joined',
    aliases: ['on_container_component_started'],
  },
};

const COMPONENT_EVENTS: EventGroup<ComponentEvents> = {
  on_component_stopped: {
    args: ['component_id'],
    summary: 'a component stopped',
    aliases: ['on_router_component_stopped', 'on_container_component_stopped'],
  },
};

const ALL_WORKERS: readonly WorkerType[] = ['router', 'container', 'guest'];

/** The controller's events, `crossbar.<name>`. */
export const CONTROLLER_EVENTS: NodeEventTable<ControllerEvents> = {
  ...placeEvents(NATIVE_EVENTS, 'controller', []),
  ...placeEvents(lifecycle(), 'controller', []),
  ...placeEvents(CONTROLLER_OWN_EVENTS, 'controller', []),
};

/** The workers' events, `crossbar.worker.<worker_id>.<name>`. */
export const WORKER_EVENTS: NodeEventTable<WorkerEvents> = {
  ...placeEvents(NATIVE_EVENTS, 'worker', NATIVE_WORKERS),
  ...placeEvents(WORKER_COMMON_EVENTS, 'worker', NATIVE_WORKERS),
  // Every worker has a log, guests too.
  on_log: { ...placeEvents(WORKER_COMMON_EVENTS, 'worker', ALL_WORKERS).on_log },
  ...placeEvents(ROUTER_EVENTS, 'worker', ['router']),
  ...placeEvents(CONTAINER_EVENTS, 'worker', ['container']),
  ...placeEvents(COMPONENT_EVENTS, 'worker', NATIVE_WORKERS),
};
