/**
 * Realm rows to records: JSON decoded, 64-bit integers as numbers.
 * @module
 */
import type { Selectable } from 'kysely';
import { decodeInt, decodeJson } from '../schema.js';
import type { AuditTable, HeartbeatsTable, NodesTable, WorkersTable } from '../schema.js';
import type {
  AuditRecord,
  HeartbeatRecord,
  NodeRecord,
  WorkerDesired,
  WorkerRecord,
  WorkerType,
} from '../types.js';

export function nodeRecord(r: Selectable<NodesTable>): NodeRecord {
  return {
    node_id: r.node_id,
    pubkey: r.pubkey,
    extra: decodeJson(r.extra) as Record<string, unknown>,
    created: r.created,
    last_seen: r.last_seen,
    heartbeat: r.heartbeat === null ? null : decodeInt(r.heartbeat),
    heartbeat_time: r.heartbeat_time,
    workers: decodeJson(r.workers) as Record<string, number>,
    version: r.version,
    type: r.type,
    config: r.config === null ? null : (decodeJson(r.config) as Record<string, unknown>),
  };
}

export function heartbeatRecord(r: Selectable<HeartbeatsTable>): HeartbeatRecord {
  return {
    node_id: r.node_id,
    seq: decodeInt(r.seq),
    time: r.time,
    received: r.received,
    workers: decodeJson(r.workers) as Record<string, number>,
    system: decodeJson(r.system) as Record<string, unknown>,
  };
}

export function auditRecord(r: Selectable<AuditTable>): AuditRecord {
  return {
    id: decodeInt(r.id),
    time: r.time,
    authid: r.authid,
    role: r.role,
    procedure: r.procedure,
    args: decodeJson(r.args) as unknown[],
    kwargs: decodeJson(r.kwargs) as Record<string, unknown>,
    // Only 'ok' and 'error' are ever written.
    outcome: r.outcome as 'ok' | 'error',
    error: r.error,
    message: r.message,
  };
}

export function workerRecord(r: Selectable<WorkersTable>): WorkerRecord {
  return {
    node_id: r.node_id,
    worker_id: r.worker_id,
    // Only the known types and states are ever written.
    type: r.type as WorkerType,
    config: decodeJson(r.config) as Record<string, unknown>,
    desired: r.desired as WorkerDesired,
    created: r.created,
    modified: r.modified,
  };
}
