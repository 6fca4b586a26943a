/**
 * SPEC §4.1: realm status and node queries, under all their names and versions.
 * @module
 */
import { WampError } from '@cdc/protocol';
import { NODE_STATUSES, CdcErrors } from '@cdc/api';
import type { NodeStatus, RealmStatus } from '@cdc/api';
import { invalidArgument } from '@cdc/client';
import type { Params } from '@cdc/client';
import { listPayload, mapPayload } from './node-json.js';
import type { NodeState, NodeTable } from './node-table.js';
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

/** Answered from the nodes in memory (the realm backend loaded them before it registered). */
export function globalApi(ctx: {
  realm: string;
  started: Date;
  version: string;
  nodes: NodeTable;
}): ImplementationTable {
  const all = (): readonly NodeState[] => ctx.nodes.nodes();
  return {
    [`${CDC}.get_status@1`]: (): RealmStatus => {
      const c = ctx.nodes.counts();
      const total = c.created + c.online + c.running + c.offline;
      const online = c.online + c.running;
      const now = new Date();
      return {
        realm: ctx.realm,
        now: now.toISOString(),
        started: ctx.started.toISOString(),
        uptime: Math.round((now.getTime() - ctx.started.getTime()) / 100) / 10,
        nodes: { total, online, offline: total - online },
        version: ctx.version,
      };
    },
    [`${CDC}.get_nodes@1`]: () => all().map((n) => n.id),
    [`${CDC}.get_nodes@2`]: (p) => {
      const status = statusFilter(p, 'filter_status');
      return listPayload(status === undefined ? all() : all().filter((n) => n.status === status));
    },
    [`${CDC}.get_nodes@3`]: (p) => {
      const type = p.optString('filter_type');
      const status = statusFilter(p, 'filter_status');
      return mapPayload(
        type === undefined && status === undefined
          ? all()
          : all().filter(
              (n) =>
                (type === undefined || n.type === type) &&
                (status === undefined || n.status === status),
            ),
      );
    },
    [`${CDC}.get_node_status@1`]: (p) => {
      const id = p.id('node_id');
      const n = ctx.nodes.get(id);
      if (n?.row === undefined)
        throw WampError.of(
          CdcErrors.NO_SUCH_NODE,
          `no node "${id}" in management realm "${ctx.realm}"`,
        );
      return n.info();
    },
  };
}
