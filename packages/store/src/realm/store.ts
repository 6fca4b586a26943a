/**
 * A realm store over kysely, for either dialect: the contract's methods, each one delegated
 * to the module of its concern (`nodes`, `heartbeats`, `workers`, `audit`).
 * @module
 */
import type { Engine } from '../engine.js';
import type { RealmDatabase } from '../schema.js';
import type {
  AuditFilter,
  AuditRecord,
  DesiredNode,
  HeartbeatRecord,
  NodeRecord,
  NodeSighting,
  RealmStore,
  WorkerDesired,
  WorkerRecord,
  WorkerType,
} from '../types.js';
import * as audit from './audit.js';
import * as heartbeats from './heartbeats.js';
import * as nodes from './nodes.js';
import * as workers from './workers.js';

export class KyselyRealmStore implements RealmStore {
  readonly #e: Engine<RealmDatabase>;

  constructor(
    readonly realm: string,
    engine: Engine<RealmDatabase>,
  ) {
    this.#e = engine;
  }

  migrate(): Promise<void> {
    return this.#e.migrate();
  }

  close(): Promise<void> {
    return this.#e.close();
  }

  upsertNode(node: {
    node_id: string;
    pubkey?: string | null;
    extra?: Record<string, unknown>;
    config?: Record<string, unknown> | null;
  }): Promise<NodeRecord> {
    return nodes.upsertNode(this.#e, node);
  }

  getNode(nodeId: string): Promise<NodeRecord | undefined> {
    return nodes.getNode(this.#e, nodeId);
  }

  listNodes(): Promise<NodeRecord[]> {
    return nodes.listNodes(this.#e);
  }

  deleteNode(nodeId: string): Promise<boolean> {
    return nodes.deleteNode(this.#e, nodeId);
  }

  nodeSeen(nodeId: string, info: NodeSighting): Promise<void> {
    return nodes.nodeSeen(this.#e, nodeId, info);
  }

  nodesSeen(
    seen: readonly (NodeSighting & { node_id: string })[],
  ): Promise<{ recorded: number; unknown: string[] }> {
    return nodes.nodesSeen(this.#e, seen);
  }

  recordHeartbeat(hb: HeartbeatRecord, keep?: number): Promise<void> {
    return heartbeats.recordHeartbeat(this.#e, hb, keep);
  }

  recordHeartbeats(
    hbs: readonly HeartbeatRecord[],
    keep?: number,
  ): Promise<{ recorded: number; unknown: string[] }> {
    return heartbeats.recordHeartbeats(this.#e, hbs, keep);
  }

  recentHeartbeats(nodeId: string, limit?: number): Promise<HeartbeatRecord[]> {
    return heartbeats.recentHeartbeats(this.#e, nodeId, limit);
  }

  createWorker(worker: {
    node_id: string;
    worker_id: string;
    type: WorkerType;
    config: Record<string, unknown>;
    desired?: WorkerDesired;
  }): Promise<WorkerRecord> {
    return workers.createWorker(this.#e, worker);
  }

  getWorker(nodeId: string, workerId: string): Promise<WorkerRecord | undefined> {
    return workers.getWorker(this.#e, nodeId, workerId);
  }

  listWorkers(nodeId?: string): Promise<WorkerRecord[]> {
    return workers.listWorkers(this.#e, nodeId);
  }

  updateWorker(
    nodeId: string,
    workerId: string,
    change: { config?: Record<string, unknown>; desired?: WorkerDesired },
  ): Promise<WorkerRecord> {
    return workers.updateWorker(this.#e, nodeId, workerId, change);
  }

  deleteWorker(nodeId: string, workerId: string): Promise<boolean> {
    return workers.deleteWorker(this.#e, nodeId, workerId);
  }

  setNodeWorkers(nodeId: string, node: DesiredNode): Promise<NodeRecord> {
    return workers.setNodeWorkers(this.#e, nodeId, node);
  }

  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    return audit.appendAudit(this.#e, entry);
  }

  listAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return audit.listAudit(this.#e, filter);
  }
}
