/**
 * Heartbeats: the node row carries the latest one (what `node_info` shows) and a short
 * history per node is kept for trends; recording one updates the node, inserts, and prunes
 * the history to `keep`, in one transaction.
 * @module
 */
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { RealmDatabase } from '../schema.js';
import type { HeartbeatRecord } from '../types.js';
import * as v from '../validate.js';
import { heartbeatRecord } from './rows.js';

type E = Engine<RealmDatabase>;

/** Heartbeats kept per node by default: ten minutes at one every ten seconds. */
export const DEFAULT_HEARTBEAT_KEEP = 60;
const MAX_KEEP = 10_000;

export async function recordHeartbeat(
  e: E,
  hb: HeartbeatRecord,
  keep = DEFAULT_HEARTBEAT_KEEP,
): Promise<void> {
  const i = v.input(hb, 'heartbeat');
  const row = {
    node_id: v.nodeId(i['node_id']),
    seq: v.integer(i['seq'], 'seq', 0, Number.MAX_SAFE_INTEGER),
    time: v.isoTime(i['time'], 'time'),
    received: v.isoTime(i['received'], 'received'),
    workers: v.counts(i['workers'], 'workers'),
    system: v.json(i['system'], 'system', 'object'),
  };
  const limit = v.integer(keep, 'keep', 1, MAX_KEEP);
  await e.tx(`record a heartbeat of node "${row.node_id}"`, async (trx) => {
    const updated = await trx
      .updateTable('nodes')
      .set({
        heartbeat: row.seq,
        heartbeat_time: row.time,
        workers: row.workers,
        last_seen: row.received,
      })
      .where('node_id', '=', row.node_id)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      throw new StoreError('NOT_FOUND', `node "${row.node_id}" does not exist`);
    }
    await trx.insertInto('heartbeats').values(row).execute();
    // The newest `limit` rows stay: delete everything at or below the first one beyond them.
    const cut = await trx
      .selectFrom('heartbeats')
      .select('id')
      .where('node_id', '=', row.node_id)
      .orderBy('id', 'desc')
      .limit(1)
      .offset(limit)
      .executeTakeFirst();
    if (cut) {
      await trx
        .deleteFrom('heartbeats')
        .where('node_id', '=', row.node_id)
        .where('id', '<=', cut.id)
        .execute();
    }
  });
}

export async function recentHeartbeats(
  e: E,
  nodeId: string,
  limit = DEFAULT_HEARTBEAT_KEEP,
): Promise<HeartbeatRecord[]> {
  const id = v.text(nodeId, 'node ID', false);
  const n = v.integer(limit, 'limit', 1, MAX_KEEP);
  const rows = await e.run(`list heartbeats of node "${id}"`, (db) =>
    db
      .selectFrom('heartbeats')
      .selectAll()
      .where('node_id', '=', id)
      .orderBy('id', 'desc')
      .limit(n)
      .execute(),
  );
  return rows.map(heartbeatRecord);
}
