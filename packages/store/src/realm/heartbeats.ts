/**
 * Heartbeats: the node row carries the latest one (what `node_info` shows) and a short
 * history per node is kept for trends. A fleet sends a heartbeat per node every 10 s, so
 * they are recorded in batches: one transaction updates the nodes, inserts the rows and
 * prunes the history of those nodes to `keep`.
 * @module
 */
import { sql } from 'kysely';
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

/** Rows per multi-row INSERT (SQLite allows 32,766 bound values; 6 per row). */
const INSERT_CHUNK = 500;

function heartbeatRow(hb: HeartbeatRecord, what: string) {
  const i = v.input(hb, what);
  return {
    node_id: v.nodeId(i['node_id']),
    seq: v.integer(i['seq'], 'seq', 0, Number.MAX_SAFE_INTEGER),
    time: v.isoTime(i['time'], 'time'),
    received: v.isoTime(i['received'], 'received'),
    workers: v.counts(i['workers'], 'workers'),
    system: v.json(i['system'], 'system', 'object'),
  };
}

/**
 * Record heartbeats in one transaction; those of nodes that do not exist (deleted in the
 * meantime) are skipped and named in `unknown`. Any invalid heartbeat fails the whole batch
 * with INVALID before anything is written.
 */
export async function recordHeartbeats(
  e: E,
  hbs: readonly HeartbeatRecord[],
  keep = DEFAULT_HEARTBEAT_KEEP,
): Promise<{ recorded: number; unknown: string[] }> {
  const rows = hbs.map((hb, n) => heartbeatRow(hb, `heartbeat ${n}`));
  const limit = v.integer(keep, 'keep', 1, MAX_KEEP);
  if (rows.length === 0) return { recorded: 0, unknown: [] };
  return e.tx(`record ${rows.length} heartbeats`, async (trx) => {
    const unknown = new Set<string>();
    const kept: typeof rows = [];
    for (const row of rows) {
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
      if (updated.numUpdatedRows === 0n) unknown.add(row.node_id);
      else kept.push(row);
    }
    for (let i = 0; i < kept.length; i += INSERT_CHUNK)
      await trx
        .insertInto('heartbeats')
        .values(kept.slice(i, i + INSERT_CHUNK))
        .execute();
    // Per node of the batch, everything but its newest `limit` rows goes.
    const ids = [...new Set(kept.map((r) => r.node_id))];
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      const chunk = ids.slice(i, i + INSERT_CHUNK);
      await trx
        .deleteFrom('heartbeats')
        .where('id', 'in', (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom('heartbeats')
                .select([
                  'id',
                  sql<number>`row_number() over (partition by node_id order by id desc)`.as('rn'),
                ])
                .where('node_id', 'in', chunk)
                .as('ranked'),
            )
            .select('ranked.id')
            .where('ranked.rn', '>', limit),
        )
        .execute();
    }
    return { recorded: kept.length, unknown: [...unknown] };
  });
}

/** Record one heartbeat; NOT_FOUND when its node does not exist. */
export async function recordHeartbeat(
  e: E,
  hb: HeartbeatRecord,
  keep = DEFAULT_HEARTBEAT_KEEP,
): Promise<void> {
  const { unknown } = await recordHeartbeats(e, [hb], keep);
  if (unknown.length > 0) throw new StoreError('NOT_FOUND', `node "${unknown[0]}" does not exist`);
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
