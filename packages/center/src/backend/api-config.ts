/**
 * SPEC §4.3, the configuration API: per node, the workers it should run (desired state,
 * in the realm's database) and the calls that apply it. `create_*` and `modify_router`
 * touch only the database; `start_router`, `stop_router` and `reload_router` act on the
 * node and record what is wanted; nothing is stored that does not validate.
 * @module
 */
import { CrossbarErrors, WampError, isDict } from '@cdc/protocol';
import { validateNodeConfig } from '@cdc/config';
import type { RouterWorkerConfig } from '@cdc/config';
import type { Params } from '@cdc/client';
import type {
  ConfiguredWorker,
  ReloadResult,
  RouterAction,
  RouterState,
  StoredRouter,
  WorkerStats,
} from '@cdc/api';
import type { RealmStore, WorkerRecord } from '@cdc/store';
import { knownNode } from './api-remote.js';
import { liveRouter, liveWorker1, liveWorkers } from './live-router.js';
import { mergePatch } from './merge-patch.js';
import { invalidConfig, routerEntry, storedConfig } from './remote.js';
import type { NodeCaller } from './remote.js';
import { describeChanges, planReload } from './router-plan.js';
import type { ImplementationTable } from './service.js';
import type { Logger } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';

const CONFIG = 'io.crossbar.cdc';

export interface ConfigApiContext {
  realm: string;
  store: RealmStore;
  nodes: NodeCaller;
  isOnline(nodeId: string): boolean;
  log: Logger;
  /** Bring a node to its desired state now (after create_node). */
  reconcile(nodeId: string): void;
  /** A node's desired workers changed (its `running` status depends on them). */
  desiredChanged(nodeId: string): void;
}

function workerRow(w: WorkerRecord): ConfiguredWorker {
  return { worker_id: w.worker_id, type: w.type, status: w.desired };
}

export function configApi(ctx: ConfigApiContext): ImplementationTable {
  const { store, nodes } = ctx;

  /** The router a call names, with its stored config. */
  const router = async (
    p: Params,
  ): Promise<{ nodeId: string; rec: WorkerRecord; config: RouterWorkerConfig }> => {
    const nodeId = await knownNode(ctx, p);
    const id = p.id('router_id');
    const rec = await store.getWorker(nodeId, id);
    if (rec === undefined || rec.type !== 'router')
      throw WampError.of(
        CdcErrors.NO_SUCH_ROUTER,
        `no router "${id}" is configured for node "${nodeId}"`,
      );
    return { nodeId, rec, config: storedConfig('routerWorker', rec.config) };
  };

  /** The router's status on its node and, with `read`, the router as it runs there. */
  const live = async (
    nodeId: string,
    id: string,
    read = true,
  ): Promise<{ status: string; running: RouterWorkerConfig | undefined }> => {
    if (!ctx.isOnline(nodeId)) return { status: 'offline', running: undefined };
    // Half-way through its start sequence it is neither stopped nor what is stored.
    if (nodes.isStarting(nodeId, id)) return { status: 'starting', running: undefined };
    const { worker, running } = read
      ? await liveRouter(nodes, nodeId, id)
      : { worker: await liveWorker1(nodes, nodeId, id), running: undefined };
    if (worker === undefined) return { status: 'stopped', running: undefined };
    if (worker.status !== 'started' || worker.type !== 'router')
      return { status: worker.status, running: undefined };
    return { status: 'started', running };
  };

  return {
    [`${CONFIG}.create_node@1`]: async (p) => {
      const nodeId = p.id('node_id');
      let cfg;
      try {
        cfg = validateNodeConfig(p.dict('node_config'));
      } catch (e) {
        throw invalidConfig(e);
      }
      const existing = await store.getNode(nodeId);
      if (existing?.config !== null && existing?.config !== undefined)
        throw WampError.of(
          CdcErrors.ALREADY_EXISTS,
          `node "${nodeId}" has a config already: change its routers with modify_router`,
        );
      if (existing === undefined) await store.upsertNode({ node_id: nodeId });
      const { workers = [], ...rest } = cfg;
      await store.setNodeWorkers(nodeId, {
        config: rest,
        workers: workers.map((w) => ({
          worker_id: w.id as string,
          type: w.type,
          config: w,
          desired: 'started' as const,
        })),
      });
      ctx.desiredChanged(nodeId);
      ctx.reconcile(nodeId);
      return { node_id: nodeId, workers: (await store.listWorkers(nodeId)).map(workerRow) };
    },

    [`${CONFIG}.list_workers@1`]: async (p) =>
      (await store.listWorkers(await knownNode(ctx, p))).map(workerRow),

    [`${CONFIG}.list_node_workers@1`]: async (p) => liveWorkers(nodes, await knownNode(ctx, p)),

    [`${CONFIG}.get_router@1`]: async (p): Promise<RouterState> => {
      const { nodeId, rec, config } = await router(p);
      const { status, running } = await live(nodeId, rec.worker_id);
      const plan = running !== undefined ? planReload(config, running) : undefined;
      const changes = plan?.changes ?? [];
      return {
        node_id: nodeId,
        router_id: rec.worker_id,
        config,
        desired: rec.desired,
        status,
        running_config: running ?? null,
        // Running other than stored, or not running though it should.
        drift: changes.length > 0 || (rec.desired === 'started' && status !== 'started'),
        changes: describeChanges(changes),
        restart_required: (plan?.restart.length ?? 0) > 0,
      };
    },

    [`${CONFIG}.create_router@1`]: async (p): Promise<StoredRouter> => {
      const nodeId = await knownNode(ctx, p);
      const id = p.id('router_id');
      const config = routerEntry(id, p.optDict('router_config') ?? {});
      const rec = await store.createWorker({
        node_id: nodeId,
        worker_id: id,
        type: 'router',
        config,
        desired: 'stopped',
      });
      return { node_id: nodeId, router_id: id, config, desired: rec.desired };
    },

    [`${CONFIG}.modify_router@1`]: async (p): Promise<StoredRouter> => {
      const { nodeId, rec } = await router(p);
      // `router_config` is the seed's name for the change set.
      const patched = mergePatch(rec.config, p.raw('change_set') ?? p.raw('router_config'));
      if (!isDict(patched))
        throw WampError.of(
          CdcErrors.INVALID_CONFIG,
          'the change set must be a JSON Merge Patch object',
        );
      for (const [k, want] of [
        ['type', 'router'],
        ['id', rec.worker_id],
      ] as const)
        if (patched[k] !== undefined && patched[k] !== want)
          throw WampError.of(CdcErrors.INVALID_CONFIG, `${k}: cannot be changed (is "${want}")`);
      const config = routerEntry(rec.worker_id, patched);
      const updated = await store.updateWorker(nodeId, rec.worker_id, { config });
      return {
        node_id: nodeId,
        router_id: rec.worker_id,
        config,
        desired: updated.desired,
      };
    },

    [`${CONFIG}.delete_router@1`]: async (p) => {
      const { nodeId, rec } = await router(p);
      const { status } = await live(nodeId, rec.worker_id, false);
      if (rec.desired === 'started' || status === 'started' || status === 'starting')
        throw WampError.of(
          CdcErrors.ROUTER_RUNNING,
          `router "${rec.worker_id}" of node "${nodeId}" is ${status === 'offline' ? 'to run' : status}: stop it first`,
        );
      await store.deleteWorker(nodeId, rec.worker_id);
      return { node_id: nodeId, router_id: rec.worker_id, deleted: true };
    },

    [`${CONFIG}.start_router@1`]: async (p): Promise<RouterAction> => {
      const { nodeId, rec, config } = await router(p);
      const startedAt = await nodes.startWorker(nodeId, rec.worker_id, config);
      await store.updateWorker(nodeId, rec.worker_id, { desired: 'started' });
      ctx.desiredChanged(nodeId);
      return {
        node_id: nodeId,
        router_id: rec.worker_id,
        status: 'started',
        started_at: startedAt,
      };
    },

    [`${CONFIG}.stop_router@1`]: async (p): Promise<RouterAction> => {
      const { nodeId, rec } = await router(p);
      let status = 'stopped';
      if (ctx.isOnline(nodeId)) {
        try {
          await nodes.call(nodeId, 'stop_worker', [rec.worker_id]);
        } catch (e) {
          const notRunning =
            e instanceof WampError &&
            (e.uri === CrossbarErrors.WORKER_NOT_RUNNING ||
              e.uri === CrossbarErrors.NO_SUCH_WORKER);
          // Not running though it should: stopping it means it should not any more.
          if (!notRunning || rec.desired !== 'started') throw e;
        }
      } else status = 'offline';
      await store.updateWorker(nodeId, rec.worker_id, { desired: 'stopped' });
      ctx.desiredChanged(nodeId);
      return { node_id: nodeId, router_id: rec.worker_id, status, desired: 'stopped' };
    },

    [`${CONFIG}.reload_router@1`]: async (p): Promise<ReloadResult> => {
      const { nodeId, rec, config } = await router(p);
      const restartAllowed = p.bool('restart_if_required', false);
      const { status, running } = await live(nodeId, rec.worker_id);
      if (status === 'offline')
        throw WampError.of(CdcErrors.NODE_OFFLINE, `node "${nodeId}" is not connected`);
      if (running === undefined)
        throw WampError.of(
          CrossbarErrors.WORKER_NOT_RUNNING,
          `router "${rec.worker_id}" is not running on node "${nodeId}" (start_router starts it)`,
        );
      const plan = planReload(config, running);
      const changes = describeChanges(plan.changes);
      if (plan.restart.length > 0) {
        if (!restartAllowed)
          throw new WampError(
            CdcErrors.RESTART_REQUIRED,
            [
              `router "${rec.worker_id}" must restart to apply: ${describeChanges(plan.restart).join(', ')}; nothing was changed (reload with restart_if_required to restart it)`,
            ],
            { restart_required: describeChanges(plan.restart), changes },
          );
        await nodes.call(nodeId, 'stop_worker', [rec.worker_id]);
        await nodes.startWorker(nodeId, rec.worker_id, config);
        return { node_id: nodeId, router_id: rec.worker_id, restarted: true, changes };
      }
      await nodes.runSteps(nodeId, rec.worker_id, plan.steps);
      return { node_id: nodeId, router_id: rec.worker_id, restarted: false, changes };
    },

    [`${CONFIG}.profile_worker@1`]: async (p) => {
      const nodeId = await knownNode(ctx, p);
      const workerId = p.id('worker_id');
      const profiler = p.optString('profiler') ?? 'v8';
      const runtime = p.number('runtime', 10, 0.1, 3600);
      const prunePercent = p.number('prune_percent', 5, 0, 100);
      const pruneLevel = p.int('prune_level', 1000, 1);
      const started = await nodes.call(
        nodeId,
        'worker.start_profiler',
        [workerId, profiler, runtime, false],
        runtime * 1000 + 30_000,
      );
      return nodes.call(nodeId, 'worker.get_profile', [
        workerId,
        started.id,
        prunePercent,
        pruneLevel,
      ]);
    },

    [`${CONFIG}.get_stats@1`]: async (p): Promise<WorkerStats> => {
      const nodeId = await knownNode(ctx, p);
      const workerId = p.id('worker_id');
      const worker = await liveWorker1(nodes, nodeId, workerId);
      if (worker === undefined)
        throw WampError.of(
          CrossbarErrors.NO_SUCH_WORKER,
          // The node's own words for it (`get_worker` and friends), whichever path asks.
          `no worker with ID "${workerId}"`,
        );
      const base = {
        worker_id: workerId,
        type: worker.type,
        status: worker.status,
        pid: worker.pid,
        uptime: worker.uptime,
      };
      if (worker.type === 'guest' || worker.status !== 'started') return base;
      const [stats, info, affinity] = await Promise.all([
        nodes.call(nodeId, 'worker.get_process_stats', [workerId]),
        nodes.call(nodeId, 'worker.get_process_info', [workerId]),
        nodes.call(nodeId, 'worker.get_cpu_affinity', [workerId]),
      ]);
      return {
        ...base,
        cpu_affinity: affinity,
        cpu_times: { user: stats.cpu_user ?? null, system: stats.cpu_system ?? null },
        memory: info.memory ?? {
          rss: stats.memory_rss ?? null,
          vms: stats.memory_vms ?? null,
        },
        open_files: stats.num_fds ?? info.num_fds ?? null,
        threads: stats.num_threads ?? info.num_threads ?? null,
        io: { read_bytes: stats.read_bytes ?? null, write_bytes: stats.write_bytes ?? null },
        ctx_switches: {
          voluntary: stats.num_ctx_switches_voluntary ?? null,
          involuntary: stats.num_ctx_switches_involuntary ?? null,
        },
        created: info.created ?? null,
      };
    },
  };
}
