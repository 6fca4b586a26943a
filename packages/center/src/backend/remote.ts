/**
 * Calls from a realm backend to its nodes (SPEC §4.2), by the names of the node API
 * contract (`@cdc/api`), which type their arguments and results: `crossbar.<suffix>` on the
 * node is `crossbarfabriccenter.node.<node_id>.<suffix>` here, registered by the node's
 * bridge, and every answer is checked against the contract (`bad_node_answer` when it does
 * not fit). A node that is not connected, or that drops while the call is out, is
 * `com.crossbario.cdc.error.node_offline` at once; errors of the node pass through as they
 * are. Starting a worker from a whole config is a sequence of node calls that is undone
 * (the worker stopped) when any of it fails, so nothing is left half-started. Worker
 * configs given to the center are validated here, and stored ones checked again when read.
 * @module
 */
import { CrossbarErrors, WampError, WampErrors } from '@cdc/protocol';
import { ConfigError, check, checked, validateRouterWorker } from '@cdc/config';
import type { ConfigTypes, RouterWorkerConfig, WorkerConfig } from '@cdc/config';
import { CdcErrors, forwardedCall, nodeCall, parseLocalUri, upstreamUri } from '@cdc/api';
import type { NodeArgs, NodeCall, NodeProcedure, NodeResult } from '@cdc/api';
import type { Session } from '@cdc/client';
import { EMPTY_ROUTER, planReload } from './router-plan.js';
import type { Step } from './router-plan.js';
import type { Logger } from '@cdc/protocol';

/** How long a node has to answer (profiling adds its run time). */
export const NODE_CALL_TIMEOUT_MS = 30_000;

export interface NodeCallerOptions {
  session: Session;
  isOnline(nodeId: string): boolean;
  log: Logger;
}

export function offline(nodeId: string, what = 'is not connected'): WampError {
  return WampError.of(CdcErrors.NODE_OFFLINE, `node "${nodeId}" ${what}`);
}

/** A config the center was given, checked: `invalid_config` naming the bad paths. */
export function invalidConfig(e: unknown): unknown {
  if (!(e instanceof ConfigError)) return e;
  return new WampError(CdcErrors.INVALID_CONFIG, [e.message], { issues: e.issues });
}

export class NodeCaller {
  /** `<node>/<worker>` being started from a config right now (a sequence of calls). */
  private readonly starting = new Set<string>();

  constructor(private readonly o: NodeCallerOptions) {}

  /** Whether the center is in the middle of starting this worker. */
  isStarting(nodeId: string, workerId: string): boolean {
    return this.starting.has(`${nodeId}/${workerId}`);
  }

  /**
   * Call a procedure of the node API on a node by its contract name (worker procedures as
   * `worker.<name>`, the worker ID first); resolves with the first result, checked against
   * the contract (`bad_node_answer` when it does not fit).
   */
  call<K extends NodeProcedure>(
    nodeId: string,
    name: K,
    args: NodeArgs<K>,
    timeoutMs = NODE_CALL_TIMEOUT_MS,
  ): Promise<NodeResult<K>> {
    return this.send(nodeId, nodeCall(name, args), timeoutMs);
  }

  /**
   * {@link call} with the arguments as a caller of the public API gave them (the remote API
   * forwards them as they are; the node checks them).
   */
  forward(
    nodeId: string,
    name: NodeProcedure,
    args: readonly unknown[],
    timeoutMs = NODE_CALL_TIMEOUT_MS,
  ): Promise<unknown> {
    return this.send(nodeId, forwardedCall(name, args), timeoutMs);
  }

  private async send<R>(nodeId: string, c: NodeCall<R>, timeoutMs: number): Promise<R> {
    if (!this.o.isOnline(nodeId)) throw offline(nodeId);
    const uri = upstreamUri(nodeId, c.uri) as string;
    let value: unknown;
    try {
      value = (await this.o.session.call(uri, c.args, {}, { timeout: timeoutMs })).value;
    } catch (e) {
      throw await this.translate(e, nodeId, c.uri);
    }
    return c.answer(value, `node "${nodeId}"`);
  }

  private async translate(e: unknown, nodeId: string, localUri: string): Promise<unknown> {
    if (!(e instanceof WampError)) return e;
    // The dealer cancels the calls of a callee that left: the node dropped mid-call.
    if (e.uri === WampErrors.CANCELED || !this.o.isOnline(nodeId))
      return offline(nodeId, 'went away during the call');
    if (e.uri === WampErrors.TIMEOUT)
      return WampError.of(
        WampErrors.TIMEOUT,
        `node "${nodeId}" did not answer ${localUri} in time`,
      );
    if (e.uri !== WampErrors.NO_SUCH_PROCEDURE) return e;
    // A worker procedure that is not there: no such worker, or a worker without it.
    const target = parseLocalUri(localUri);
    const workerId = target?.workerId;
    if (target === undefined || workerId === undefined) return e;
    try {
      const w = await this.call(nodeId, 'get_worker', [workerId]);
      return WampError.of(
        WampErrors.NO_SUCH_PROCEDURE,
        `worker "${workerId}" (${w.type}, ${w.status}) on node "${nodeId}" has no procedure ${target.name}`,
      );
    } catch (inner) {
      return inner;
    }
  }

  /** Run worker steps in order; on a failure undo the ones done (newest first) and rethrow. */
  async runSteps(nodeId: string, workerId: string, steps: readonly Step[]): Promise<void> {
    const done: Step[] = [];
    for (const step of steps) {
      try {
        await this.forward(nodeId, `worker.${step.procedure}`, [workerId, ...step.args]);
        done.push(step);
      } catch (e) {
        for (const d of done.reverse())
          for (const u of d.undo)
            await this.forward(nodeId, `worker.${u.procedure}`, [workerId, ...u.args]).catch(
              (err: unknown) =>
                this.o.log.warn(
                  { node: nodeId, worker: workerId, step: u.procedure, err: String(err) },
                  'could not undo a step',
                ),
            );
        throw e;
      }
    }
  }

  /**
   * Start a worker from a whole worker entry (SPEC §4.2 `start_*_worker`): the worker with
   * its options, then its realms, roles, transports and components (a router) or components
   * (a container). A failure on the way stops the worker again. Resolves with `started_at`.
   */
  async startWorker(nodeId: string, workerId: string, config: WorkerConfig): Promise<string> {
    const key = `${nodeId}/${workerId}`;
    if (this.starting.has(key))
      throw WampError.of(
        CrossbarErrors.WORKER_ALREADY_RUNNING,
        `worker "${workerId}" on node "${nodeId}" is being started already`,
      );
    this.starting.add(key);
    try {
      return await this.startSequence(nodeId, workerId, config);
    } finally {
      this.starting.delete(key);
    }
  }

  private async startSequence(
    nodeId: string,
    workerId: string,
    config: WorkerConfig,
  ): Promise<string> {
    if (config.type === 'guest') {
      const { type: _t, id: _i, ...guest } = config;
      const started = await this.call(nodeId, 'start_worker', [workerId, 'guest', guest]);
      return started.started ?? new Date().toISOString();
    }
    const started = await this.call(nodeId, 'start_worker', [
      workerId,
      config.type,
      config.options ?? {},
    ]);
    try {
      if (config.type === 'router')
        await this.runSteps(nodeId, workerId, planReload(config, EMPTY_ROUTER).steps);
      else
        for (const c of config.components ?? [])
          await this.call(nodeId, 'worker.start_component', [workerId, c.id ?? 'component', c]);
    } catch (e) {
      await this.call(nodeId, 'stop_worker', [workerId, true]).catch(() => undefined);
      throw e;
    }
    return started.started ?? new Date().toISOString();
  }
}

/**
 * A worker entry given to the center, validated as the node would and with IDs assigned:
 * `config` plus `type` and `id`. @throws `invalid_config` naming the bad paths
 */
export function workerEntry(
  type: 'router' | 'container' | 'guest',
  id: string,
  config: Record<string, unknown>,
): WorkerConfig {
  if (type === 'router') return routerEntry(id, config);
  const entry = { ...config, type, id };
  try {
    check('worker', entry);
    if (entry.type === 'container')
      (entry.components ?? []).forEach((c, i) => {
        c.id ??= `component${String(i + 1).padStart(3, '0')}`;
      });
    return entry;
  } catch (e) {
    throw invalidConfig(e);
  }
}

/** {@link workerEntry} for a router. */
export function routerEntry(id: string, config: Record<string, unknown>): RouterWorkerConfig {
  try {
    const router = validateRouterWorker({ ...config, type: 'router', id });
    checkRoleIds(router);
    return router;
  } catch (e) {
    throw invalidConfig(e);
  }
}

/**
 * A worker config as stored (validated when it was), checked again as it is read:
 * `invalid_config` if it does not validate.
 */
export function storedConfig<K extends 'worker' | 'routerWorker'>(
  kind: K,
  config: Record<string, unknown>,
): ConfigTypes[K] {
  try {
    return checked(kind, config);
  } catch (e) {
    throw invalidConfig(e);
  }
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Roles are started one by one by ID (`id`, else the name): it must be a valid ID. */
function checkRoleIds(router: RouterWorkerConfig): void {
  const issues: { path: string; message: string }[] = [];
  (router.realms ?? []).forEach((r, i) =>
    (r.roles ?? []).forEach((role, j) => {
      const id = role.id ?? role.name;
      if (!ID.test(id))
        issues.push({
          path: `realms[${i}].roles[${j}]`,
          message: `role ${JSON.stringify(id)} needs an "id" matching ${ID.source} (its name is not one)`,
        });
    }),
  );
  if (issues.length > 0) throw new ConfigError(issues);
}
