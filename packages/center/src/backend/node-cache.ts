/**
 * The realm store with the node rows kept in memory. A realm backend is the only process
 * that writes its realm's database, so it can keep every node row next to the database and
 * answer `get_nodes` over ten thousand nodes without reading them all each time. The rows
 * live in the realm's {@link NodeTable} (one record per node, `node-table.ts`): every write
 * goes to the database first, and the node's row changes only after the write succeeded, to
 * what the database made of it. Workers and audit are not cached: their calls go straight
 * to the database.
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
import { NodeTable } from './node-table.js';

export class CachedRealmStore implements RealmStore {
  private loaded = false;
  private loading: Promise<NodeTable> | undefined;
  /** Writes that succeeded (a load that saw one land reads again). */
  private writes = 0;

  constructor(
    private readonly db: RealmStore,
    readonly table = new NodeTable(),
  ) {}

  get realm(): string {
    return this.db.realm;
  }

  migrate(): Promise<void> {
    return this.db.migrate();
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** The node table, with every row loaded (once; the first read waits for it). */
  ready(): Promise<NodeTable> {
    if (this.loaded) return Promise.resolve(this.table);
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<NodeTable> {
    for (;;) {
      const writes = this.writes;
      const rows = await this.db.listNodes();
      // A write that landed while the rows were read may be missing from them: read again.
      if (this.writes !== writes) continue;
      this.table.load(rows);
      this.loaded = true;
      return this.table;
    }
  }

  /** A write succeeded: its rows are what the database holds now. */
  private wrote(): void {
    this.writes++;
  }

  async upsertNode(node: Parameters<RealmStore['upsertNode']>[0]): Promise<NodeRecord> {
    const n = await this.db.upsertNode(node);
    this.wrote();
    this.table.setRow(n);
    return n;
  }

  async getNode(nodeId: string): Promise<NodeRecord | undefined> {
    return (await this.ready()).get(nodeId)?.row;
  }

  async listNodes(): Promise<NodeRecord[]> {
    return (await this.ready()).nodes().map((s) => s.row as NodeRecord);
  }

  async deleteNode(nodeId: string): Promise<boolean> {
    const deleted = await this.db.deleteNode(nodeId);
    this.wrote();
    this.table.removeRow(nodeId);
    return deleted;
  }

  async nodeSeen(
    nodeId: string,
    info: { time: string; version?: string | null; type?: string | null },
  ): Promise<void> {
    await this.db.nodeSeen(nodeId, info);
    this.wrote();
    // Read back what the database made of it (one row, on a join or a version change).
    const n = await this.db.getNode(nodeId);
    if (n !== undefined) this.table.setRow(n);
  }

  async nodesSeen(
    seen: Parameters<RealmStore['nodesSeen']>[0],
  ): Promise<{ recorded: number; unknown: string[] }> {
    const res = await this.db.nodesSeen(seen);
    this.wrote();
    // What the database did, done to the rows in memory (no read back of thousands of rows).
    for (const s of seen) {
      const n = this.table.get(s.node_id)?.row;
      if (n === undefined) continue;
      this.table.setRow({
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
    this.wrote();
    for (const hb of hbs) {
      const n = this.table.get(hb.node_id)?.row;
      if (n === undefined) continue;
      this.table.setRow({
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

  /** Sets the node's config too: the node takes the row the database returns. */
  async setNodeWorkers(
    nodeId: string,
    node: Parameters<RealmStore['setNodeWorkers']>[1],
  ): Promise<NodeRecord> {
    const n = await this.db.setNodeWorkers(nodeId, node);
    this.wrote();
    this.table.setRow(n);
    return n;
  }

  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    return this.db.appendAudit(entry);
  }

  listAudit(filter?: AuditFilter): Promise<AuditRecord[]> {
    return this.db.listAudit(filter);
  }
}
