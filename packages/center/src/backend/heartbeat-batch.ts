/**
 * What nodes tell the backend, on its way to the database. Heartbeats (one per node every
 * 10 s: a thousand a second for a big fleet) and sightings (a node joined; it said what it
 * runs) are taken in memory at once (`node-table.ts`) and written here in batches: every
 * second, or as soon as a batch is full, the waiting sightings in one transaction and then
 * the waiting heartbeats in another (in that order, so a heartbeat's `last_seen` wins over
 * its node's join). One flush at a time; a crash loses at most that second of history,
 * never a node's status, which is rebuilt from connections.
 *
 * A batch the database refuses is logged and dropped: memory stays ahead for those nodes
 * until their next heartbeat is written, and what a node said it is, missing from its row,
 * is written again with that heartbeat.
 * @module
 */
import type { HeartbeatRecord, NodeSighting, RealmStore } from '@cdc/store';
import type { Logger } from '@cdc/protocol';
import { errorMessage } from '@cdc/protocol';
import type { HeardBeat, NodeTable } from './node-table.js';

/** Heartbeats reach the database at most this much later… */
const FLUSH_INTERVAL_MS = 1000;
/** …or as soon as this many are waiting. */
const FLUSH_BATCH = 2000;
/** History kept per node. */
const HEARTBEATS_KEPT = 10;

export interface HeartbeatBatchOptions {
  store: Pick<RealmStore, 'nodesSeen' | 'recordHeartbeats'>;
  /** Where the batch finds what a node said that its row lacks. */
  table: NodeTable;
  log: Logger;
  intervalMs?: number;
  /** Waiting heartbeats (or sightings) that make a flush at once. */
  maxBatch?: number;
}

export class HeartbeatBatch {
  private heartbeats: HeartbeatRecord[] = [];
  /** Sightings by node: a later one adds to a waiting one. */
  private readonly sightings = new Map<string, NodeSighting>();
  private flushing: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly max: number;

  constructor(private readonly o: HeartbeatBatchOptions) {
    this.max = o.maxBatch ?? FLUSH_BATCH;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.o.intervalMs ?? FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stop the timer and write what is still waiting. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    await this.flush(); // what arrived while the first one was writing
  }

  /** A heartbeat the node's state has taken in. */
  heartbeat(b: HeardBeat): void {
    this.heartbeats.push(b.record);
    const kind = this.o.table.get(b.record.node_id)?.unstoredKind();
    if (kind !== undefined) this.sighting(b.record.node_id, { time: b.record.received, ...kind });
    else if (this.heartbeats.length >= this.max) void this.flush();
  }

  /** A node seen (joined, or said what it is). */
  sighting(nodeId: string, x: NodeSighting): void {
    this.sightings.set(nodeId, { ...this.sightings.get(nodeId), ...x });
    if (this.sightings.size >= this.max || this.heartbeats.length >= this.max) void this.flush();
  }

  /** Write what waits, sightings first (one flush at a time: a second call joins it). */
  flush(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    if (this.heartbeats.length === 0 && this.sightings.size === 0) return Promise.resolve();
    const heartbeats = this.heartbeats;
    this.heartbeats = [];
    const sightings = [...this.sightings].map(([node_id, x]) => ({ node_id, ...x }));
    this.sightings.clear();
    this.flushing = this.writeSightings(sightings)
      .then(() => this.writeHeartbeats(heartbeats))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  private async writeSightings(seen: (NodeSighting & { node_id: string })[]): Promise<void> {
    if (seen.length === 0) return;
    try {
      const { unknown } = await this.o.store.nodesSeen(seen);
      if (unknown.length > 0) this.o.log.debug({ nodes: unknown }, 'sightings of deleted nodes');
    } catch (e) {
      this.o.log.warn({ nodes: seen.length, err: errorMessage(e) }, 'node sightings not recorded');
    }
  }

  private async writeHeartbeats(batch: HeartbeatRecord[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      const { unknown } = await this.o.store.recordHeartbeats(batch, HEARTBEATS_KEPT);
      if (unknown.length > 0)
        this.o.log.debug({ nodes: unknown }, 'heartbeats of deleted nodes skipped');
    } catch (e) {
      this.o.log.warn(
        { heartbeats: batch.length, err: errorMessage(e) },
        'heartbeats not recorded',
      );
    }
  }
}
