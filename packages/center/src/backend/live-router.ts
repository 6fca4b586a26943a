/**
 * What a node runs right now: its workers, and for a router worker its realms with roles,
 * transports with their web services, and components, read with the node's own `get_*`
 * procedures. Both our nodes' answers and Crossbar.io's (lists of IDs where ours give
 * objects) are understood.
 * @module
 */
import { CrossbarErrors, WampError } from '@cdc/protocol';
import type { LiveWorkerInfo } from '@cdc/api';
import type { NodeCaller } from './remote.js';
import type { RunningRouter } from './router-plan.js';

type Dict = Record<string, unknown>;

export type LiveWorker = LiveWorkerInfo;

const asDict = (v: unknown): Dict => (typeof v === 'object' && v !== null ? (v as Dict) : {});

function liveWorker(id: string, w: Dict): LiveWorker {
  return {
    worker_id: id,
    type: typeof w['type'] === 'string' ? w['type'] : 'unknown',
    status: typeof w['status'] === 'string' ? w['status'] : 'unknown',
    pid: typeof w['pid'] === 'number' ? w['pid'] : null,
    started: typeof w['started'] === 'string' ? w['started'] : null,
    uptime: typeof w['uptime'] === 'number' ? w['uptime'] : null,
    options:
      typeof w['options'] === 'object' && w['options'] !== null ? asDict(w['options']) : undefined,
  };
}

/** The workers running on a node (`list_node_workers`). */
export async function liveWorkers(nodes: NodeCaller, nodeId: string): Promise<LiveWorker[]> {
  const ids = ((await nodes.call(nodeId, 'crossbar.get_workers')) as unknown[]).map(String);
  const infos = await Promise.all(
    ids.map((id) => nodes.call(nodeId, 'crossbar.get_worker', [id]).catch(() => undefined)),
  );
  return ids
    .map((id, i) => (infos[i] === undefined ? undefined : liveWorker(id, asDict(infos[i]))))
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
    return liveWorker(
      workerId,
      asDict(await nodes.call(nodeId, 'crossbar.get_worker', [workerId])),
    );
  } catch (e) {
    if (e instanceof WampError && e.uri === CrossbarErrors.NO_SUCH_WORKER) return undefined;
    throw e;
  }
}

/** The realms, transports and components a router worker runs, read from the node. */
export async function runningRouter(
  nodes: NodeCaller,
  nodeId: string,
  worker: LiveWorker,
): Promise<RunningRouter> {
  const w = `crossbar.worker.${worker.worker_id}.`;
  const call = (proc: string, args: unknown[] = []): Promise<unknown> =>
    nodes.call(nodeId, w + proc, args);
  const realmIds = ((await call('get_router_realms')) as unknown[]).map(String);
  const realms = await Promise.all(
    realmIds.map(async (id) => {
      const r = asDict(await call('get_router_realm', [id]));
      let roles = Array.isArray(r['roles'])
        ? (r['roles'] as unknown[])
            .map(asDict)
            .map((x) => ({ id: String(x['id']), config: asDict(x['config']) }))
        : undefined;
      if (roles === undefined) {
        const roleIds = ((await call('get_router_realm_roles', [id])) as unknown[]).map(String);
        roles = await Promise.all(
          roleIds.map(async (rid) => {
            const x = asDict(await call('get_router_realm_role', [id, rid]));
            return { id: rid, config: asDict(x['config'] ?? x) };
          }),
        );
      }
      return { id, config: asDict(r['config']), roles };
    }),
  );
  const transportList = (await call('get_router_transports')) as unknown[];
  const transports = await Promise.all(
    transportList.map(async (t) => {
      const obj =
        typeof t === 'string' ? asDict(await call('get_router_transport', [t])) : asDict(t);
      const id = String(obj['id']);
      const config = asDict(obj['config']);
      let paths: Record<string, Dict> | undefined;
      if (config['type'] === 'web' || config['type'] === 'universal') {
        const list = ((await call('get_web_transport_services', [id])) as unknown[]).map(String);
        const svcs = await Promise.all(
          list.map(async (p) =>
            asDict(asDict(await call('get_web_transport_service', [id, p]))['config']),
          ),
        );
        paths = Object.fromEntries(list.map((p, i) => [p, svcs[i] as Dict]));
      }
      return { id, config, paths };
    }),
  );
  const componentList = (await call('get_router_components')) as unknown[];
  const components = await Promise.all(
    componentList.map(async (c) => {
      const obj =
        typeof c === 'string' ? asDict(await call('get_router_component', [c])) : asDict(c);
      return { id: String(obj['id']), config: asDict(obj['config']) };
    }),
  );
  return { options: worker.options, realms, transports, components };
}

/** A running router as a worker entry (what `get_router` shows as `running_config`). */
export function runningConfig(id: string, r: RunningRouter): Dict {
  return {
    type: 'router',
    id,
    ...(r.options !== undefined ? { options: r.options } : {}),
    realms: r.realms.map((x) => ({ ...x.config, id: x.id, roles: x.roles.map((y) => y.config) })),
    transports: r.transports.map((t) => {
      const c: Dict = { ...t.config, id: t.id };
      if (t.paths !== undefined) {
        if (c['type'] === 'web') c['paths'] = t.paths;
        else c['web'] = { ...asDict(c['web']), paths: t.paths };
      }
      return c;
    }),
    components: r.components.map((c) => ({ ...c.config, id: c.id })),
  };
}
