/**
 * The node entries of a realm, in memory. A realm backend is the only process that writes
 * its realm's database, so it can keep every node record next to the database and answer
 * `get_nodes` over ten thousand nodes without reading them all each time. Every write goes
 * to the database first; the cache changes only after the write succeeded. Workers are not
 * cached: their calls go straight to the database.
 * @module
 */
import type {
  AuditFilter,
  AuditRecord,
  HeartbeatRecord,
  NodeRecord,
  RealmStore,
  WorkerRecord,
} from '@cdc/store';

export class CachedRealmStore implements RealmStore {
  private nodes: Map<string, NodeRecord> | undefined;
  private loading: Promise<Map<string, NodeRecord>> | undefined;

  constructor(private readonly db: RealmStore) {}

  get realm(): string {
    return this.db.realm;
  }

  migrate(): Promise<void> {
    return this.db.migrate();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private all(): Promise<Map<string, NodeRecord>> {
    if (this.nodes !== undefined) return Promise.resolve(this.nodes);
    this.loading ??= this.db.listNodes().then(
      (list) => {
        this.nodes = new Map(list.map((n) => [n.node_id, n]));
        this.loading = undefined;
        return this.nodes;
      },
      (e: unknown) => {
        this.loading = undefined;
        throw e;
      },
    );
    return this.loading;
  }

  /** Forget the cache (the next read loads it again). */
  reset(): void {
    this.nodes = undefined;
  }

  async upsertNode(node: Parameters<RealmStore['upsertNode']>[0]): Promise<NodeRecord> {
    const n = await this.db.upsertNode(node);
    this.nodes?.set(n.node_id, n);
    return n;
  }

  async getNode(nodeId: string): Promise<NodeRecord | undefined> {
    return (await this.all()).get(nodeId);
  }

  async listNodes(): Promise<NodeRecord[]> {
    return [...(await this.all()).values()];
  }

  async deleteNode(nodeId: string): Promise<boolean> {
    const deleted = await this.db.deleteNode(nodeId);
    this.nodes?.delete(nodeId);
    return deleted;
  }

  async nodeSeen(
    nodeId: string,
    info: { time: string; version?: string | null; type?: string | null },
  ): Promise<void> {
    await this.db.nodeSeen(nodeId, info);
    // Read back what the database made of it (one row, on a join or a version change).
    const n = await this.db.getNode(nodeId);
    if (n !== undefined) this.nodes?.set(nodeId, n);
  }

  async nodesSeen(
    seen: Parameters<RealmStore['nodesSeen']>[0],
  ): Promise<{ recorded: number; unknown: string[] }> {
    const res = await this.db.nodesSeen(seen);
    // What the database did, done to the cached rows (no read back of thousands of rows).
    const nodes = this.nodes;
    if (nodes !== undefined)
      for (const s of seen) {
        const n = nodes.get(s.node_id);
        if (n === undefined) continue;
        nodes.set(s.node_id, {
          ...n,
          last_seen: new Date(s.time).toISOString(),
          ...(s.version !== undefined ? { version: s.version } : {}),
          ...(s.type !== undefined ? { type: s.type } : {}),
        });
      }
    return res;
  }

  async recordHeartbeat(hb: HeartbeatRecord, keep?: number): Promise<void> {
    await this.db.recordHeartbeat(hb, keep);
    this.patch([hb]);
  }

  async recordHeartbeats(
    hbs: readonly HeartbeatRecord[],
    keep?: number,
  ): Promise<{ recorded: number; unknown: string[] }> {
    const res = await this.db.recordHeartbeats(hbs, keep);
    this.patch(hbs);
    return res;
  }

  /** What recording a heartbeat changes on its node's row (see the store's heartbeats). */
  private patch(hbs: readonly HeartbeatRecord[]): void {
    const nodes = this.nodes;
    if (nodes === undefined) return;
    for (const hb of hbs) {
      const n = nodes.get(hb.node_id);
      if (n === undefined) continue;
      nodes.set(hb.node_id, {
        ...n,
        heartbeat: hb.seq,
        heartbeat_time: hb.time,
        workers: { ...hb.workers },
        last_seen: hb.received,
      });
    }
  }

  recentHeartbeats(nodeId: string, limit?: number): Promise<HeartbeatRecord[]> {
    return this.db.recentHeartbeats(nodeId, limit);
  }

  createWorker(worker: Parameters<RealmStore['createWorker']>[0]): Promise<WorkerRecord> {
    return this.db.createWorker(worker);
  }

  getWorker(nodeId: string, workerId: string): Promise<WorkerRecord | undefined> {
    return this.db.getWorker(nodeId, workerId);
  }

  listWorkers(nodeId?: string): Promise<WorkerRecord[]> {
    return this.db.listWorkers(nodeId);
  }

  updateWorker(
    nodeId: string,
    workerId: string,
    change: Parameters<RealmStore['updateWorker']>[2],
  ): Promise<WorkerRecord> {
    return this.db.updateWorker(nodeId, workerId, change);
  }

  deleteWorker(nodeId: string, workerId: string): Promise<boolean> {
    return this.db.deleteWorker(nodeId, workerId);
  }

  /** Sets the node's config too: the cache takes the node record the database returns. */
  async setNodeWorkers(
    nodeId: string,
    node: Parameters<RealmStore['setNodeWorkers']>[1],
  ): Promise<NodeRecord> {
    const n = await this.db.setNodeWorkers(nodeId, node);
    this.nodes?.set(n.node_id, n);
    return n;
  }

  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    return this.db.appendAudit(entry);
  }

  listAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return this.db.listAudit(filter);
  }
}
