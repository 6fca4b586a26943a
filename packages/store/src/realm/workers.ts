/**
 * Workers: the desired state of each node's workers, written by the configuration API
 * (SPEC §4.3) and read by the reconciliation that brings the nodes to it. A worker's config
 * is the worker entry of a Crossbar.io node config, kept verbatim; its `type` and `id`, when
 * present, must agree with the row's, so that the two never tell different stories. A type
 * never changes (another type is another worker). `modified` only moves forward, at least a
 * millisecond per change, so a changed worker can be told by it even within one millisecond.
 * @module
 */
import type { Engine } from '../engine.js';
import { StoreError } from '../errors.js';
import type { RealmDatabase } from '../schema.js';
import type { DesiredNode, NodeRecord, WorkerDesired, WorkerRecord, WorkerType } from '../types.js';
import * as v from '../validate.js';
import { nodeRecord, workerRecord } from './rows.js';

type E = Engine<RealmDatabase>;

export const WORKER_TYPES: readonly WorkerType[] = ['router', 'container', 'guest'];
export const WORKER_DESIRED: readonly WorkerDesired[] = ['started', 'stopped'];

/** Rows per multi-row INSERT (SQLite allows 32,766 bound values; 7 per row). */
const INSERT_CHUNK = 500;

function invalid(message: string): StoreError {
  return new StoreError('INVALID', message);
}

function notFound(nodeId: string, workerId: string): StoreError {
  return new StoreError('NOT_FOUND', `worker "${workerId}" of node "${nodeId}" does not exist`);
}

/** A worker config as JSON text; INVALID when its `type` or `id` contradict the worker's. */
function workerConfig(value: unknown, type: WorkerType, workerId: string, what: string): string {
  const text = v.json(value, what, 'object');
  const config = value as Record<string, unknown>;
  if (config['type'] !== undefined && config['type'] !== type) {
    throw invalid(
      `${what} has type ${JSON.stringify(config['type'])} but the worker is a "${type}" ` +
        `(a worker's type cannot change)`,
    );
  }
  if (config['id'] !== undefined && config['id'] !== workerId) {
    throw invalid(`${what} has id ${JSON.stringify(config['id'])} but the worker is "${workerId}"`);
  }
  return text;
}

/** A new worker row of node `nodeId` (already checked); `what` names it in messages. */
function workerRow(nodeId: string, worker: unknown, what: string, time: string) {
  const i = v.input(worker, what);
  const id = v.nodeId(i['worker_id'], `${what} ID`);
  const type = v.oneOf(i['type'], WORKER_TYPES, `${what} type`);
  return {
    node_id: nodeId,
    worker_id: id,
    type,
    config: workerConfig(i['config'], type, id, `${what} config`),
    desired:
      i['desired'] === undefined
        ? 'stopped'
        : v.oneOf(i['desired'], WORKER_DESIRED, `${what} desired state`),
    created: time,
    modified: time,
  };
}

/** Now, or a millisecond after `previous` when the clock has not passed it (or went back). */
function after(previous: string): string {
  const time = v.now();
  return time > previous ? time : new Date(Date.parse(previous) + 1).toISOString();
}

export async function createWorker(
  e: E,
  worker: {
    node_id: string;
    worker_id: string;
    type: WorkerType;
    config: Record<string, unknown>;
    desired?: WorkerDesired;
  },
): Promise<WorkerRecord> {
  const nodeId = v.nodeId(v.input(worker, 'worker')['node_id']);
  const row = workerRow(nodeId, worker, 'worker', v.now());
  return await e.tx(`create worker "${row.worker_id}" of node "${nodeId}"`, async (trx) => {
    const node = await trx
      .selectFrom('nodes')
      .select('node_id')
      .where('node_id', '=', nodeId)
      .executeTakeFirst();
    if (!node) throw new StoreError('NOT_FOUND', `node "${nodeId}" does not exist`);
    const existing = await trx
      .selectFrom('workers')
      .select('worker_id')
      .where('node_id', '=', nodeId)
      .where('worker_id', '=', row.worker_id)
      .executeTakeFirst();
    if (existing) {
      throw new StoreError(
        'ALREADY_EXISTS',
        `worker "${row.worker_id}" of node "${nodeId}" already exists`,
      );
    }
    const inserted = await trx
      .insertInto('workers')
      .values(row)
      .returningAll()
      .executeTakeFirstOrThrow();
    return workerRecord(inserted);
  });
}

export async function getWorker(
  e: E,
  nodeId: string,
  workerId: string,
): Promise<WorkerRecord | undefined> {
  const node = v.text(nodeId, 'node ID', false);
  const id = v.text(workerId, 'worker ID', false);
  const row = await e.run(`get worker "${id}" of node "${node}"`, (db) =>
    db
      .selectFrom('workers')
      .selectAll()
      .where('node_id', '=', node)
      .where('worker_id', '=', id)
      .executeTakeFirst(),
  );
  return row && workerRecord(row);
}

export async function listWorkers(e: E, nodeId?: string): Promise<WorkerRecord[]> {
  const node = nodeId === undefined ? undefined : v.text(nodeId, 'node ID', false);
  const rows = await e.run(
    node === undefined ? 'list workers' : `list workers of node "${node}"`,
    (db) => {
      let q = db.selectFrom('workers').selectAll();
      if (node !== undefined) q = q.where('node_id', '=', node);
      return q.orderBy('node_id').orderBy('worker_id').execute();
    },
  );
  return rows.map(workerRecord);
}

/** Change a worker's config and/or desired state; an empty change writes nothing. */
export async function updateWorker(
  e: E,
  nodeId: string,
  workerId: string,
  change: { config?: Record<string, unknown>; desired?: WorkerDesired },
): Promise<WorkerRecord> {
  const node = v.nodeId(nodeId);
  const id = v.nodeId(workerId, 'worker ID');
  const c = v.input(change, 'change');
  const config = c['config'];
  // The shape is checked before any SQL; the type needs the stored row.
  if (config !== undefined) v.json(config, 'worker config', 'object');
  const desired =
    c['desired'] === undefined
      ? undefined
      : v.oneOf(c['desired'], WORKER_DESIRED, 'worker desired state');
  return await e.tx(`update worker "${id}" of node "${node}"`, async (trx) => {
    const row = await trx
      .selectFrom('workers')
      .selectAll()
      .where('node_id', '=', node)
      .where('worker_id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(node, id);
    if (config === undefined && desired === undefined) return workerRecord(row);
    const set: { config?: string; desired?: string; modified: string } = {
      modified: after(row.modified),
    };
    if (config !== undefined) {
      set.config = workerConfig(config, row.type as WorkerType, id, 'worker config');
    }
    if (desired !== undefined) set.desired = desired;
    const updated = await trx
      .updateTable('workers')
      .set(set)
      .where('node_id', '=', node)
      .where('worker_id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return workerRecord(updated);
  });
}

export async function deleteWorker(e: E, nodeId: string, workerId: string): Promise<boolean> {
  const node = v.text(nodeId, 'node ID', false);
  const id = v.text(workerId, 'worker ID', false);
  const r = await e.write(`delete worker "${id}" of node "${node}"`, (db) =>
    db
      .deleteFrom('workers')
      .where('node_id', '=', node)
      .where('worker_id', '=', id)
      .executeTakeFirst(),
  );
  return r.numDeletedRows > 0n;
}

/**
 * Set a node's desired config and replace all of its workers by `node.workers` (new rows:
 * `created` is now for each), in one transaction. Every worker is checked before anything
 * is written: one invalid worker, or a worker ID given twice, is INVALID for the whole call.
 */
export async function setNodeWorkers(e: E, nodeId: string, node: DesiredNode): Promise<NodeRecord> {
  const id = v.nodeId(nodeId);
  const i = v.input(node, 'node');
  const config = i['config'] === null ? null : v.json(i['config'], 'node config', 'object');
  const workers = i['workers'];
  if (!Array.isArray(workers)) throw invalid('workers must be an array');
  const time = v.now();
  const rows = workers.map((w: unknown, n) => workerRow(id, w, `worker ${n}`, time));
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.worker_id)) throw invalid(`worker ID "${row.worker_id}" is given twice`);
    seen.add(row.worker_id);
  }
  return await e.tx(`set the config and workers of node "${id}"`, async (trx) => {
    const updated = await trx
      .updateTable('nodes')
      .set({ config })
      .where('node_id', '=', id)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) {
      throw new StoreError('NOT_FOUND', `node "${id}" does not exist`);
    }
    await trx.deleteFrom('workers').where('node_id', '=', id).execute();
    for (let n = 0; n < rows.length; n += INSERT_CHUNK) {
      await trx
        .insertInto('workers')
        .values(rows.slice(n, n + INSERT_CHUNK))
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
