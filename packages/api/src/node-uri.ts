/**
 * Where the node API lives on the wire — `crossbar.<name>` for the controller,
 * `crossbar.worker.<worker_id>.<name>` for a worker (upstream the same under
 * `crossbarfabriccenter.node.<node_id>.`, see `uplink.ts`) — and a call by its contract
 * name: the URI and arguments to send, and the answer checked against the contract.
 * @module
 */
import { WampError } from '@cdc/protocol';
import { CdcErrors } from './errors.js';
import type {
  ControllerEvent,
  ControllerProcedure,
  NodeArgs,
  NodeProcedure,
  NodeResult,
  WorkerEvent,
  WorkerProcedure,
} from './node-api.js';
import { CONTROLLER_PROCEDURES, WORKER_PROCEDURES } from './node-table.js';
import type { NodeProcedureDef } from './node-table.js';

/** The node's management URIs, on its local management realm `crossbar`. */
export const LOCAL_PREFIX = 'crossbar.';
const WORKER = 'worker.';

export function controllerUri(name: ControllerProcedure | ControllerEvent): string {
  return `${LOCAL_PREFIX}${name}`;
}

/** `crossbar.worker.<worker_id>.` */
export function workerPrefix(workerId: string): string {
  return `${LOCAL_PREFIX}${WORKER}${workerId}.`;
}

export function workerUri(workerId: string, name: WorkerProcedure | WorkerEvent): string {
  return `${workerPrefix(workerId)}${name}`;
}

/** A local management URI taken apart: the worker it belongs to (if any) and the name. */
export function parseLocalUri(
  uri: string,
): { workerId: string | undefined; name: string } | undefined {
  if (!uri.startsWith(LOCAL_PREFIX)) return undefined;
  const rest = uri.slice(LOCAL_PREFIX.length);
  if (!rest.startsWith(WORKER)) return { workerId: undefined, name: rest };
  const dot = rest.indexOf('.', WORKER.length);
  if (dot <= WORKER.length) return undefined;
  return { workerId: rest.slice(WORKER.length, dot), name: rest.slice(dot + 1) };
}

const table = new Map<string, NodeProcedureDef>([
  ...Object.values<NodeProcedureDef>(CONTROLLER_PROCEDURES).map((d) => [d.name, d] as const),
  ...Object.values<NodeProcedureDef>(WORKER_PROCEDURES).map((d) => [WORKER + d.name, d] as const),
]);

/** The definition of a procedure by its caller's name (`get_worker`, `worker.get_router_realms`). */
export function nodeProcedureDef(name: string): NodeProcedureDef | undefined {
  return table.get(name);
}

/** A node procedure call ready to send. */
export interface NodeCall<R> {
  readonly name: NodeProcedure;
  /** The local URI (`crossbar.…`). */
  readonly uri: string;
  readonly args: unknown[];
  readonly def: NodeProcedureDef;
  /**
   * The answer as the contract types it; a wrong shape is `bad_node_answer`, naming `who`
   * answered, the procedure and what was wrong.
   */
  answer(value: unknown, who: string): R;
}

/**
 * The call of a procedure by its contract name, worker procedures as `worker.<name>` with the
 * worker ID first. Trailing arguments left `undefined` are not sent.
 */
export function nodeCall<K extends NodeProcedure>(
  name: K,
  args: NodeArgs<K>,
): NodeCall<NodeResult<K>> {
  // The answer check is the shape the contract types this result with.
  return makeCall(name, args) as NodeCall<NodeResult<K>>;
}

/**
 * {@link nodeCall} with the arguments as a caller gave them (the public remote API forwards
 * them as they are; the node checks them); the answer is checked all the same.
 */
export function forwardedCall(name: NodeProcedure, args: readonly unknown[]): NodeCall<unknown> {
  return makeCall(name, args);
}

function makeCall(name: NodeProcedure, args: readonly unknown[]): NodeCall<unknown> {
  const def = table.get(name) as NodeProcedureDef;
  const all = [...args];
  while (all.length > 0 && all[all.length - 1] === undefined) all.pop();
  let uri: string;
  if (def.level === 'worker') {
    uri = `${workerPrefix(String(all[0]))}${def.name}`;
    all.shift();
  } else uri = `${LOCAL_PREFIX}${def.name}`;
  return {
    name,
    uri,
    args: all,
    def,
    answer(value: unknown, who: string): unknown {
      const problem = def.result.problem(value, 'result');
      if (problem !== undefined)
        throw WampError.of(
          CdcErrors.BAD_NODE_ANSWER,
          `${who} answered ${uri} unlike the contract (${def.result.name}): ${problem}`,
        );
      return value;
    },
  };
}
