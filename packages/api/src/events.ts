/**
 * The public events (SPEC §4.2) as a runtime table typed by `PublicEvents`: each topic with
 * the names and shapes of what it carries (node ID first, then the IDs, then old and new
 * status), and the live worker log. The SDK makes its `on…` subscriptions from it.
 * @module
 */
import type { WorkerLogEntry } from './node-types.js';
import type { Param } from './procedure-def.js';
import { param } from './procedure-def.js';
import type { PublicEvents, WorkerLogEvent } from './public-api.js';
import { id, nodeStatus } from './public-shapes.js';
import { named, nullable, obj, opt, str } from './shape.js';
import type { Shape } from './shape.js';

const CDC = 'com.crossbario.cdc';
const REMOTE = `${CDC}.remote`;

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
} as const satisfies Record<string, keyof PublicEvents>;

/** The live worker log of a node: `com.crossbario.cdc.node.<node_id>.worker.<worker_id>.on_log@1`. */
export function workerLogTopic(nodeId: string, workerId: string): string {
  return `${CDC}.node.${nodeId}.worker.${workerId}.on_log@1`;
}

export interface EventDef {
  topic: string;
  /** What it carries, positionally. */
  args: readonly Param<unknown>[];
  summary: string;
}

type Args<A extends readonly unknown[]> = { readonly [I in keyof A]: Param<A[I]> };
interface EventSpec<A extends readonly unknown[]> {
  readonly args: Args<A>;
  readonly summary: string;
}

const node = param('node_id', id);
const worker = param('worker_id', id);
const realm = param('realm_id', id);
const transport = param('transport_id', id);
const component = param('component_id', id);
const status = [
  param('old_status', nullable(str), 'null when the center had not seen it before'),
  param('new_status', str),
] as const;

const TABLE: { readonly [K in keyof PublicEvents]: EventSpec<PublicEvents[K]> } = {
  'com.crossbario.cdc.remote.on_node_status@1': {
    args: [
      node,
      param('old_status', nullable(nodeStatus), 'null when the center had not seen it before'),
      param('new_status', nodeStatus),
    ],
    summary: "a node's status changed (created, online, running, offline)",
  },
  'com.crossbario.cdc.remote.on_worker_status@1': {
    args: [node, worker, ...status],
    summary: "a worker's status changed (starting, started, stopped, failed)",
  },
  'com.crossbario.cdc.remote.on_router_realm@1': {
    args: [node, worker, realm, ...status],
    summary: 'a realm of a router worker started or stopped',
  },
  'com.crossbario.cdc.remote.on_realm_role@1': {
    args: [node, worker, realm, param('role_id', id), ...status],
    summary: 'a role of a realm started or stopped',
  },
  'com.crossbario.cdc.remote.on_router_transport@1': {
    args: [node, worker, transport, ...status],
    summary: 'a transport of a router worker changed',
  },
  'com.crossbario.cdc.remote.on_web_service@1': {
    args: [node, worker, transport, param('path', str), ...status],
    summary: 'a web service of a transport changed',
  },
  'com.crossbario.cdc.remote.on_router_component@1': {
    args: [node, worker, component, ...status],
    summary: 'a component of a router worker changed',
  },
  'com.crossbario.cdc.remote.on_container_component@1': {
    args: [node, worker, component, ...status],
    summary: 'a component of a container worker changed',
  },
};

/** Every public event with a fixed topic, in the order of `EVENTS`. */
export const PUBLIC_EVENTS: readonly EventDef[] = Object.entries<EventSpec<unknown[]>>(
  TABLE as Record<string, EventSpec<unknown[]>>,
).map(([topic, s]) => ({ topic, args: s.args, summary: s.summary }));

const logEntry: Shape<WorkerLogEntry> = named(
  'WorkerLogEntry',
  obj<WorkerLogEntry>({
    time: opt(str),
    level: opt(str),
    message: opt(str),
    source: opt(str),
  }),
);

/** The live worker log ({@link workerLogTopic}): one log line per event. */
export const WORKER_LOG_EVENT: { args: Args<WorkerLogEvent>; summary: string } = {
  args: [param('entry', logEntry, 'time, level, message, source')],
  summary: "a line of a worker's log (guests' stdout and stderr too)",
};
