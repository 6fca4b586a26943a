/**
 * What a node runs right now: its workers, and for a router worker the whole running
 * router as one worker entry. Our nodes answer that in one round trip (`get_worker` and
 * `get_router_config` at once); a node without `get_router_config` (a Crossbar.io edge) is
 * read piece by piece with its `get_*` procedures — realms with roles, transports with
 * their web services, components — whose answers differ a little from ours (lists of IDs
 * where ours give objects). Every answer is checked against the node API contract.
 * @module
 */
import { CrossbarErrors, WampError, WampErrors } from '@cdc/protocol';
import { webPathsOf, withWebPaths } from '@cdc/config';
import type { RouterWorkerConfig, TransportConfig, WebPathConfig } from '@cdc/config';
import type { LiveWorkerInfo, RouterRoleInfo, WorkerInfo } from '@cdc/api';
import type { NodeCaller } from './remote.js';

export type LiveWorker = LiveWorkerInfo;

function liveWorker(id: string, w: WorkerInfo): LiveWorker {
  return {
    worker_id: id,
    type: w.type,
    status: w.status,
    pid: w.pid ?? null,
    started: w.started ?? null,
    uptime: w.uptime ?? null,
    options: w.options,
  };
}

/** The workers running on a node (`list_node_workers`). */
export async function liveWorkers(nodes: NodeCaller, nodeId: string): Promise<LiveWorker[]> {
  const ids = await nodes.call(nodeId, 'get_workers', []);
  const infos = await Promise.all(
    ids.map((id) => nodes.call(nodeId, 'get_worker', [id]).catch(() => undefined)),
  );
  return ids
    .map((id, i) => {
      const info = infos[i];
      return info === undefined ? undefined : liveWorker(id, info);
    })
    .filter((w): w is LiveWorker => w !== undefined)
    .sort((a, b) => (a.worker_id < b.worker_id ? -1 : 1));
}

/** One worker on a node, or `undefined` when the node has none with that ID. */
export async function liveWorker1(
  nodes: NodeCaller,
  nodeId: string,
  workerId: string,
): Promise<LiveWorker | undefined> {
  try {
    return liveWorker(workerId, await nodes.call(nodeId, 'get_worker', [workerId]));
  } catch (e) {
    if (e instanceof WampError && e.uri === CrossbarErrors.NO_SUCH_WORKER) return undefined;
    throw e;
  }
}

/** A router worker on a node: its worker entry and, when it runs as a router, its config. */
export interface LiveRouter {
  /** Undefined when the node has no worker with that ID. */
  worker: LiveWorker | undefined;
  /** The router as it runs, every part with its ID (what `get_router` shows as `running_config`). */
  running: RouterWorkerConfig | undefined;
}

/**
 * A router worker as it runs. The worker and its whole config are asked for at once, so a
 * node with `get_router_config` (ours) answers in one round trip; a node without it (a
 * Crossbar.io edge) is then read piece by piece.
 */
export async function liveRouter(
  nodes: NodeCaller,
  nodeId: string,
  workerId: string,
): Promise<LiveRouter> {
  const [worker, config] = await Promise.all([
    liveWorker1(nodes, nodeId, workerId),
    nodes.call(nodeId, 'worker.get_router_config', [workerId]).then(
      (c) => ({ ok: true as const, c }),
      (e: unknown) => ({ ok: false as const, e }),
    ),
  ]);
  if (worker === undefined || worker.status !== 'started' || worker.type !== 'router')
    return { worker, running: undefined };
  if (config.ok) return { worker, running: config.c };
  const e = config.e;
  if (!(e instanceof WampError && e.uri === WampErrors.NO_SUCH_PROCEDURE)) throw e;
  return { worker, running: await readRouter(nodes, nodeId, worker) };
}

/** A router read with the `get_*` procedures every router worker has. */
async function readRouter(
  nodes: NodeCaller,
  nodeId: string,
  worker: LiveWorker,
): Promise<RouterWorkerConfig> {
  const w = worker.worker_id;
  const realmIds = await nodes.call(nodeId, 'worker.get_router_realms', [w]);
  const realms = await Promise.all(
    realmIds.map(async (id) => {
      const r = await nodes.call(nodeId, 'worker.get_router_realm', [w, id]);
      let roles: RouterRoleInfo[] | undefined = r.roles;
      if (roles === undefined) {
        const roleIds = await nodes.call(nodeId, 'worker.get_router_realm_roles', [w, id]);
        roles = await Promise.all(
          roleIds.map((rid) => nodes.call(nodeId, 'worker.get_router_realm_role', [w, id, rid])),
        );
      }
      return { ...r.config, id, roles: roles.map((x) => ({ ...x.config, id: x.id })) };
    }),
  );
  const transportList = await nodes.call(nodeId, 'worker.get_router_transports', [w]);
  const transports = await Promise.all(
    transportList.map(async (t): Promise<TransportConfig> => {
      const obj =
        typeof t === 'string' ? await nodes.call(nodeId, 'worker.get_router_transport', [w, t]) : t;
      const config = { ...obj.config, id: obj.id };
      if (webPathsOf(config) === undefined) return config;
      const list = await nodes.call(nodeId, 'worker.get_web_transport_services', [w, obj.id]);
      const services = await Promise.all(
        list.map((p) => nodes.call(nodeId, 'worker.get_web_transport_service', [w, obj.id, p])),
      );
      const paths: Record<string, WebPathConfig> = {};
      list.forEach((p, i) => {
        const svc = services[i];
        if (svc !== undefined) paths[p] = svc.config;
      });
      return withWebPaths(config, paths);
    }),
  );
  const componentList = await nodes.call(nodeId, 'worker.get_router_components', [w]);
  const components = await Promise.all(
    componentList.map(async (c) => {
      const obj =
        typeof c === 'string' ? await nodes.call(nodeId, 'worker.get_router_component', [w, c]) : c;
      return { ...obj.config, id: obj.id };
    }),
  );
  return {
    type: 'router',
    id: w,
    ...(worker.options !== undefined ? { options: worker.options } : {}),
    realms,
    transports,
    components,
  };
}
