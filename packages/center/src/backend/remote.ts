/**
 * Calls from a realm backend to its nodes (SPEC §4.2): `crossbar.<suffix>` on the node is
 * `crossbarfabriccenter.node.<node_id>.<suffix>` here, registered by the node's bridge. A
 * node that is not connected, or that drops while the call is out, is
 * `com.crossbario.cdc.error.node_offline` at once; errors of the node pass through as they
 * are. Starting a worker from a whole config is a sequence of node calls that is undone
 * (the worker stopped) when any of it fails, so nothing is left half-started.
 * @module
 */
import { CrossbarErrors, WampError, WampErrors } from '@cdc/protocol';
import { ConfigError, check, validateRouterWorker } from '@cdc/config';
import { upstreamUri, CdcErrors } from '@cdc/api';
import type { Session } from '@cdc/client';
import { EMPTY_ROUTER, planReload } from './router-plan.js';
import type { Step } from './router-plan.js';
import type { Logger } from '@cdc/protocol';

type Dict = Record<string, unknown>;

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

  /** Call `localUri` (`crossbar.…`) on a node; resolves with the first result. */
  async call(
    nodeId: string,
    localUri: string,
    args: unknown[] = [],
    timeoutMs = NODE_CALL_TIMEOUT_MS,
  ): Promise<unknown> {
    if (!this.o.isOnline(nodeId)) throw offline(nodeId);
    const uri = upstreamUri(nodeId, localUri) as string;
    try {
      return (await this.o.session.call(uri, args, {}, { timeout: timeoutMs })).value;
    } catch (e) {
      throw await this.translate(e, nodeId, localUri);
    }
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
    const m = /^crossbar\.worker\.([^.]+)\.(.+)$/.exec(localUri);
    if (m === null) return e;
    const [, workerId, proc] = m as unknown as [string, string, string];
    try {
      const w = (await this.call(nodeId, 'crossbar.get_worker', [workerId])) as Dict;
      return WampError.of(
        WampErrors.NO_SUCH_PROCEDURE,
        `worker "${workerId}" (${String(w['type'])}, ${String(w['status'])}) on node "${nodeId}" has no procedure ${proc}`,
      );
    } catch (inner) {
      return inner;
    }
  }

  /** Run worker steps in order; on a failure undo the ones done (newest first) and rethrow. */
  async runSteps(nodeId: string, workerId: string, steps: readonly Step[]): Promise<void> {
    const prefix = `crossbar.worker.${workerId}.`;
    const done: Step[] = [];
    for (const step of steps) {
      try {
        await this.call(nodeId, prefix + step.procedure, step.args);
        done.push(step);
      } catch (e) {
        for (const d of done.reverse())
          for (const u of d.undo)
            await this.call(nodeId, prefix + u.procedure, u.args).catch((err: unknown) =>
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
  async startWorker(nodeId: string, workerId: string, config: Dict): Promise<string> {
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

  private async startSequence(nodeId: string, workerId: string, config: Dict): Promise<string> {
    const type = String(config['type']);
    let started: Dict;
    if (type === 'guest') {
      const { type: _t, id: _i, ...guest } = config;
      started = (await this.call(nodeId, 'crossbar.start_worker', [
        workerId,
        'guest',
        guest,
      ])) as Dict;
    } else {
      const options = (config['options'] as Dict | undefined) ?? {};
      started = (await this.call(nodeId, 'crossbar.start_worker', [
        workerId,
        type,
        options,
      ])) as Dict;
      try {
        if (type === 'router')
          await this.runSteps(nodeId, workerId, planReload(config, EMPTY_ROUTER).steps);
        else
          for (const c of (config['components'] as Dict[] | undefined) ?? [])
            await this.call(nodeId, `crossbar.worker.${workerId}.start_component`, [c['id'], c]);
      } catch (e) {
        await this.call(nodeId, 'crossbar.stop_worker', [workerId, true]).catch(() => undefined);
        throw e;
      }
    }
    return typeof started['started'] === 'string' ? started['started'] : new Date().toISOString();
  }
}

/**
 * A worker entry given to the center, validated as the node would and with IDs assigned:
 * `config` plus `type` and `id`. @throws `invalid_config` naming the bad paths
 */
export function workerEntry(
  type: 'router' | 'container' | 'guest',
  id: string,
  config: Dict,
): Dict {
  const entry: Dict = { ...config, type, id };
  try {
    if (type === 'router') {
      const router = validateRouterWorker(entry) as unknown as Dict;
      checkRoleIds(router);
      return router;
    }
    check('worker', entry);
    if (type === 'container') {
      const comps = (entry['components'] as Dict[] | undefined) ?? [];
      comps.forEach((c, i) => {
        c['id'] ??= `component${String(i + 1).padStart(3, '0')}`;
      });
    }
    return entry;
  } catch (e) {
    throw invalidConfig(e);
  }
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Roles are started one by one by ID (`id`, else the name): it must be a valid ID. */
function checkRoleIds(router: Dict): void {
  const issues: { path: string; message: string }[] = [];
  ((router['realms'] as Dict[] | undefined) ?? []).forEach((r, i) =>
    ((r['roles'] as Dict[] | undefined) ?? []).forEach((role, j) => {
      const id = role['id'] ?? role['name'];
      if (typeof id !== 'string' || !ID.test(id))
        issues.push({
          path: `realms[${i}].roles[${j}]`,
          message: `role ${JSON.stringify(id)} needs an "id" matching ${ID.source} (its name is not one)`,
        });
    }),
  );
  if (issues.length > 0) throw new ConfigError(issues);
}
