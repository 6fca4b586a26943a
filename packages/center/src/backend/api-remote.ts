/**
 * SPEC §4.2, the remote node API: every `com.crossbario.cdc.remote.*` procedure of the
 * contract forwarded to the node procedure the contract names for it (a controller's, or a
 * worker's with the worker ID), arguments in order after the node (and worker) ID, the
 * answer checked against the node API contract.
 * Starting a worker from a whole config is the exception: a sequence (see `remote.ts`).
 * @module
 */
import { PROCEDURES, CdcErrors, roleAtLeast } from '@cdc/api';
import type { RemoteTarget } from '@cdc/api';
import type { Params } from '@cdc/client';
import type { RealmStore } from '@cdc/store';
import { WampError, WampErrors } from '@cdc/protocol';
import type { NodeCaller } from './remote.js';
import { workerEntry } from './remote.js';
import type { Implementation, ImplementationTable } from './service.js';

const REMOTE = 'com.crossbario.cdc.remote';

/** Profiling runs on the node for `runtime` seconds before it answers. */
const PROFILE_GRACE_MS = 30_000;

export interface RemoteApiContext {
  realm: string;
  store: RealmStore;
  nodes: NodeCaller;
}

/** The arguments after the IDs, as given; trailing ones not given are left out. */
function restArgs(p: Params, names: readonly string[]): unknown[] {
  const out = names.map((n) => p.raw(n));
  while (out.length > 0 && out[out.length - 1] === undefined) out.pop();
  return out;
}

function forward(
  target: RemoteTarget,
  params: readonly string[],
  ctx: RemoteApiContext,
): Implementation {
  const rest = params.slice(target.level === 'worker' ? 2 : 1);
  return async (p) => {
    const nodeId = await knownNode(ctx, p);
    const timeout =
      target.proc === 'start_profiler'
        ? Number(p.raw('runtime') ?? 10) * 1000 + PROFILE_GRACE_MS
        : undefined;
    if (target.level === 'node')
      return ctx.nodes.forward(nodeId, target.proc, restArgs(p, rest), timeout);
    const workerId = p.id('worker_id');
    return ctx.nodes.forward(
      nodeId,
      `worker.${target.proc}`,
      [workerId, ...restArgs(p, rest)],
      timeout,
    );
  };
}

/** The node ID argument, of a node this realm knows (else `no_such_node`). */
export async function knownNode(
  ctx: { realm: string; store: RealmStore },
  p: Params,
): Promise<string> {
  const nodeId = p.id('node_id');
  if ((await ctx.store.getNode(nodeId)) === undefined)
    throw WampError.of(
      CdcErrors.NO_SUCH_NODE,
      `no node "${nodeId}" in management realm "${ctx.realm}"`,
    );
  return nodeId;
}

/**
 * What in an inline worker config runs code the caller picks (SPEC §4.8: admins decide what
 * code runs): components and module paths. Undefined when there is none.
 */
export function codeOfCallersChoosing(config: Record<string, unknown>): string | undefined {
  const components = config['components'];
  if (Array.isArray(components) && components.length > 0) return 'components';
  const options = config['options'];
  if (typeof options === 'object' && options !== null) {
    const paths = (options as Record<string, unknown>)['pythonpath'];
    if (Array.isArray(paths) && paths.length > 0) return 'module paths (options.pythonpath)';
  }
  return undefined;
}

function startWorker(
  type: 'router' | 'container' | 'guest',
  ctx: RemoteApiContext,
): Implementation {
  const idParam = `${type}_id`;
  const configParam = `${type}_config`;
  return async (p, call) => {
    const config = p.optDict(configParam) ?? {};
    const code = codeOfCallersChoosing(config);
    if (code !== undefined && !roleAtLeast(call.authrole, 'cdc-admin'))
      throw WampError.of(
        WampErrors.NOT_AUTHORIZED,
        `this ${type} config has ${code}, which runs code of the caller's choosing on the node: ` +
          `that needs cdc-admin (SPEC §4.8); a devop may start it once an admin has stored it`,
      );
    const nodeId = await knownNode(ctx, p);
    const id = p.id(idParam);
    const entry = workerEntry(type, id, config);
    return ctx.nodes.startWorker(nodeId, id, entry);
  };
}

export function remoteApi(ctx: RemoteApiContext): ImplementationTable {
  const out: ImplementationTable = {};
  for (const d of PROCEDURES)
    if (d.remote !== undefined) out[`${d.name}@${d.version}`] = forward(d.remote, d.params, ctx);
  out[`${REMOTE}.start_router_worker@1`] = startWorker('router', ctx);
  out[`${REMOTE}.start_container_worker@1`] = startWorker('container', ctx);
  out[`${REMOTE}.start_guest_worker@1`] = startWorker('guest', ctx);
  return out;
}
