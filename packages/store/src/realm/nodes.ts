/**
 * A realm's nodes: created when paired or by `create_node`, updated when they connect.
 * `upsertNode` changes only the fields it is given, so pairing a node again keeps its
 * desired config and a config change keeps its key.
 * @module
 */
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { RealmDatabase } from '../schema.js';
import type { NodeRecord, NodeSighting } from '../types.js';
import * as v from '../validate.js';
import { nodeRecord } from './rows.js';

type E = Engine<RealmDatabase>;

export async function upsertNode(
  e: E,
  node: {
    node_id: string;
    pubkey?: string | null;
    extra?: Record<string, unknown>;
    config?: Record<string, unknown> | null;
  },
): Promise<NodeRecord> {
  const i = v.input(node, 'node');
  const id = v.nodeId(i['node_id']);
  const change: { pubkey?: string | null; extra?: string; config?: string | null } = {};
  if (i['pubkey'] !== undefined)
    change.pubkey = i['pubkey'] === null ? null : v.pubkey(i['pubkey']);
  if (i['extra'] !== undefined) change.extra = v.json(i['extra'], 'extra', 'object');
  if (i['config'] !== undefined) {
    change.config = i['config'] === null ? null : v.json(i['config'], 'config', 'object');
  }
  return await e.tx(`store node "${id}"`, async (trx) => {
    if (change.pubkey != null) {
      const other = await trx
        .selectFrom('nodes')
        .select('node_id')
        .where('pubkey', '=', change.pubkey)
        .where('node_id', '!=', id)
        .executeTakeFirst();
      if (other) {
        throw new StoreError(
          'ALREADY_EXISTS',
          `key ${change.pubkey} already belongs to node "${other.node_id}" of this realm`,
        );
      }
    }
    const existing = await trx
      .selectFrom('nodes')
      .select('node_id')
      .where('node_id', '=', id)
      .executeTakeFirst();
    if (existing) {
      if (Object.keys(change).length > 0) {
        await trx.updateTable('nodes').set(change).where('node_id', '=', id).execute();
      }
    } else {
      await trx
        .insertInto('nodes')
        .values({
          node_id: id,
          pubkey: change.pubkey ?? null,
          extra: change.extra ?? '{}',
          created: v.now(),
          last_seen: null,
          heartbeat: null,
          heartbeat_time: null,
          workers: '{}',
          version: null,
          type: null,
          config: change.config ?? null,
        })
        .execute();
    }
    const row = await trx
      .selectFrom('nodes')
      .selectAll()
      .where('node_id', '=', id)
      .executeTakeFirstOrThrow();
    return nodeRecord(row);
  });
}

export async function getNode(e: E, nodeId: string): Promise<NodeRecord | undefined> {
  const id = v.text(nodeId, 'node ID', false);
  const row = await e.run(`get node "${id}"`, (db) =>
    db.selectFrom('nodes').selectAll().where('node_id', '=', id).executeTakeFirst(),
  );
  return row && nodeRecord(row);
}

export async function listNodes(e: E): Promise<NodeRecord[]> {
  const rows = await e.run('list nodes', (db) =>
    db.selectFrom('nodes').selectAll().orderBy('node_id').execute(),
  );
  return rows.map(nodeRecord);
}

export async function deleteNode(e: E, nodeId: string): Promise<boolean> {
  const id = v.text(nodeId, 'node ID', false);
  return await e.tx(`delete node "${id}"`, async (trx) => {
    await trx.deleteFrom('heartbeats').where('node_id', '=', id).execute();
    const r = await trx.deleteFrom('nodes').where('node_id', '=', id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  });
}

function seenChange(info: NodeSighting, what: string) {
  const i = v.input(info, what);
  const change: { last_seen: string; version?: string | null; type?: string | null } = {
    last_seen: v.isoTime(i['time'], `${what}: time`),
  };
  if (i['version'] !== undefined) change.version = v.optionalText(i['version'], 'version');
  if (i['type'] !== undefined) change.type = v.optionalText(i['type'], 'type');
  return change;
}

export async function nodeSeen(e: E, nodeId: string, info: NodeSighting): Promise<void> {
  const id = v.nodeId(nodeId);
  const change = seenChange(info, 'info');
  const r = await e.write(`record that node "${id}" was seen`, (db) =>
    db.updateTable('nodes').set(change).where('node_id', '=', id).executeTakeFirst(),
  );
  if (r.numUpdatedRows === 0n) throw new StoreError('NOT_FOUND', `node "${id}" does not exist`);
}

/**
 * Record many sightings in one transaction (a center sees thousands of nodes join at
 * once). Those of nodes that no longer exist are skipped and named in `unknown`; an invalid
 * one fails the batch (INVALID) before anything is written.
 */
export async function nodesSeen(
  e: E,
  seen: readonly (NodeSighting & { node_id: string })[],
): Promise<{ recorded: number; unknown: string[] }> {
  const rows = seen.map((s, n) => ({
    id: v.nodeId(s.node_id),
    change: seenChange(s, `sighting ${n}`),
  }));
  if (rows.length === 0) return { recorded: 0, unknown: [] };
  return e.tx(`record ${rows.length} node sightings`, async (trx) => {
    const unknown: string[] = [];
    for (const { id, change } of rows) {
      const r = await trx
        .updateTable('nodes')
        .set(change)
        .where('node_id', '=', id)
        .executeTakeFirst();
      if (r.numUpdatedRows === 0n) unknown.push(id);
    }
    return { recorded: rows.length - unknown.length, unknown };
  });
}
