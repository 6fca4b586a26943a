/**
 * SPEC §4.1: realm status and node queries, under all their names and versions.
 * @module
 */
import { WampError } from '@cdc/protocol';
import { NODE_STATUSES, CdcErrors } from '@cdc/api';
import type { NodeInfo, NodeStatus, RealmStatus } from '@cdc/api';
import { invalidArgument } from '@cdc/client';
import type { Params } from '@cdc/client';
import type { RealmStore } from '@cdc/store';
import { NodeInfoJson } from './node-json.js';
import type { NodeTracker } from './nodes.js';
import type { ImplementationTable } from './service.js';

const CDC = 'com.crossbario.cdc';

function statusFilter(p: Params, name: string): NodeStatus | undefined {
  const v = p.optString(name);
  if (v === undefined) return undefined;
  if (!(NODE_STATUSES as readonly string[]).includes(v)) {
    throw invalidArgument(
      `argument "${name}" must be one of ${NODE_STATUSES.join(', ')} (or null for all)`,
    );
  }
  return v as NodeStatus;
}

export function globalApi(ctx: {
  realm: string;
  started: Date;
  version: string;
  store: RealmStore;
  nodes: NodeTracker;
}): ImplementationTable {
  const infos = async (): Promise<NodeInfo[]> =>
    (await ctx.store.listNodes())
      .map((n) => ctx.nodes.info(n))
      .sort((a, b) => (a.node_id < b.node_id ? -1 : a.node_id > b.node_id ? 1 : 0));
  const json = new NodeInfoJson();
  return {
    [`${CDC}.get_status@1`]: async (): Promise<RealmStatus> => {
      const all = await infos();
      const online = all.filter((n) => n.status === 'online' || n.status === 'running').length;
      const now = new Date();
      return {
        realm: ctx.realm,
        now: now.toISOString(),
        started: ctx.started.toISOString(),
        uptime: Math.round((now.getTime() - ctx.started.getTime()) / 100) / 10,
        nodes: { total: all.length, online, offline: all.length - online },
        version: ctx.version,
      };
    },
    [`${CDC}.get_nodes@1`]: async () => (await infos()).map((n) => n.node_id),
    [`${CDC}.get_nodes@2`]: async (p) => {
      const status = statusFilter(p, 'filter_status');
      return json.list(await infos(), (n) => status === undefined || n.status === status);
    },
    [`${CDC}.get_nodes@3`]: async (p) => {
      const type = p.optString('filter_type');
      const status = statusFilter(p, 'filter_status');
      return json.map(
        await infos(),
        (n) =>
          (type === undefined || n.type === type) && (status === undefined || n.status === status),
      );
    },
    [`${CDC}.get_node_status@1`]: async (p) => {
      const id = p.id('node_id');
      const n = await ctx.store.getNode(id);
      if (n === undefined)
        throw WampError.of(
          CdcErrors.NO_SUCH_NODE,
          `no node "${id}" in management realm "${ctx.realm}"`,
        );
      return ctx.nodes.info(n);
    },
  };
}
