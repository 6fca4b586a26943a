/**
 * The nodes of a realm in its backend's memory: one {@link NodeState} per node, the only
 * place a node's state lives in the process. Its stored row (what the database holds, kept
 * by the write-through cache in `node-cache.ts`), its connection and last heartbeat (set by
 * the liveness tracker in `node-liveness.ts`), its status, its desired worker counts and its
 * `node_info` as JSON text (`node-json.ts`) all hang off that one record, so everything the
 * backend answers about a node is derived from one object.
 *
 * The database is the authority for a node's durable fields (key, extra, created, config);
 * memory is ahead of it only for what nodes tell us (see {@link NodeState.info}), all of
 * which can be rebuilt from connections (SPEC §6).
 * @module
 */
import type { Heartbeat, NodeInfo, NodeStatus } from '@cdc/api';
import type { HeartbeatRecord, NodeRecord } from '@cdc/store';
import { NodeJson } from './node-json.js';

/** A node's connection to the realm, while it has one. */
export interface NodeLink {
  readonly session: number;
  /** The heartbeat period the node reports (s), once it sent one on this connection. */
  period: number | undefined;
  /** Workers by type, as the heartbeats of this connection count them. */
  workers: Record<string, number>;
  /** Whether the node has probed the realm on this connection: it has finished setting up. */
  probed: boolean;
}

/** What the node says it is: `cdc` with its version, or `crossbar`. */
export interface NodeKind {
  type: string;
  version: string | null;
}

/** A heartbeat as the backend takes it in: the record the database gets, and what it says. */
export interface HeardBeat {
  record: HeartbeatRecord;
  /** When it arrived (ms). */
  at: number;
  kind: NodeKind;
  /** The period it reports (s), when it reports a sensible one. */
  period: number | undefined;
}

/** A heartbeat (its publisher checked) read into what the backend keeps and stores. */
export function readHeartbeat(nodeId: string, hb: Heartbeat, now = new Date()): HeardBeat {
  const ts = typeof hb.timestamp === 'number' ? new Date(hb.timestamp / 1e6) : now;
  const time = (Number.isNaN(ts.getTime()) ? now : ts).toISOString();
  return {
    record: {
      node_id: nodeId,
      seq: hb.seq,
      time,
      received: now.toISOString(),
      workers: hb.workers,
      system: hb.system ?? {},
    },
    at: now.getTime(),
    // Our nodes say what they are; a Crossbar.io edge sends no `type`.
    kind: {
      type: hb.type ?? (hb.version !== undefined ? 'cdc' : 'crossbar'),
      version: hb.version ?? null,
    },
    period: typeof hb.period === 'number' && hb.period > 0 ? hb.period : undefined,
  };
}

/** The status of a node that is not connected: `created` until it was ever seen. */
export function restingStatus(s: NodeState): NodeStatus {
  return s.row?.last_seen == null && s.seen === undefined ? 'created' : 'offline';
}

function workerCounts(w: Record<string, number>): NodeInfo['workers'] {
  return { router: w['router'] ?? 0, container: w['container'] ?? 0, guest: w['guest'] ?? 0 };
}

/**
 * One node. Its fields change only through its methods, each of which drops the node's
 * JSON text, so a `get_nodes` payload never shows a stale node.
 */
export class NodeState {
  readonly json: NodeJson;
  private _row: NodeRecord | undefined;
  private _link: NodeLink | undefined;
  private _seen: number | undefined;
  private _beat: { seq: number; time: string; workers: Record<string, number> } | undefined;
  private _kind: NodeKind | undefined;
  private _desired: Record<string, number> | undefined;
  private _status: NodeStatus;

  constructor(
    readonly id: string,
    row?: NodeRecord,
  ) {
    this.json = new NodeJson(this);
    this._row = row;
    this._status = restingStatus(this);
  }

  /** The node's row as the database holds it, as of our last write (none: not a node here). */
  get row(): NodeRecord | undefined {
    return this._row;
  }

  get link(): NodeLink | undefined {
    return this._link;
  }

  /** The last sign of life this backend saw (join, probe or heartbeat, ms). */
  get seen(): number | undefined {
    return this._seen;
  }

  /** Per worker type, how many its desired state says should run (none: nothing to run). */
  get desired(): Readonly<Record<string, number>> | undefined {
    return this._desired;
  }

  get status(): NodeStatus {
    return this._status;
  }

  get type(): string | null {
    return this._kind !== undefined ? this._kind.type : (this._row?.type ?? null);
  }

  /** What the node said it is that the database does not have yet. */
  unstoredKind(): NodeKind | undefined {
    const k = this._kind;
    if (k === undefined || this._row === undefined) return undefined;
    return k.type !== this._row.type || k.version !== this._row.version ? k : undefined;
  }

  /** The database wrote the node (or deleted it: `undefined`). */
  setRow(row: NodeRecord | undefined): void {
    this._row = row;
    this.json.clear();
  }

  /** The node joined with a session (a new one replaces the old, keeping its counts). */
  connect(session: number, at: number): void {
    this._link = {
      session,
      period: undefined,
      workers: this._link?.workers ?? {},
      probed: false,
    };
    this._seen = at;
    this.json.clear();
  }

  /** The node probed the realm (`mrealm.get_status`) on its current connection, at `at`. */
  probed(at: number): void {
    if (this._link === undefined) return;
    this._link.probed = true;
    this._seen = at;
    this.json.clear();
  }

  /** Its session ended (or was closed): whether it was the node's current one. */
  disconnect(session: number): boolean {
    if (this._link?.session !== session) return false;
    this._link = undefined;
    this.json.clear();
    return true;
  }

  heard(b: HeardBeat): void {
    this._seen = b.at;
    this._beat = { seq: b.record.seq, time: b.record.time, workers: b.record.workers };
    this._kind = b.kind;
    if (this._link !== undefined) {
      this._link.workers = b.record.workers;
      if (b.period !== undefined) this._link.period = b.period;
    }
    this.json.clear();
  }

  setDesired(d: Record<string, number> | undefined): void {
    this._desired = d;
  }

  setStatus(s: NodeStatus): void {
    if (s === this._status) return;
    this._status = s;
    this.json.clear();
  }

  /**
   * The node's `node_info`. The one place that says when memory is ahead of the database:
   *  - durable fields (`pubkey`, `extra`, `created`) come from the row alone: the cache
   *    changes the row only after the database took the write;
   *  - what nodes tell us (`last_seen`, `heartbeat`, `heartbeat_time`, `workers`, `version`,
   *    `type`) is taken in memory at once and reaches the database with the next batch
   *    (`heartbeat-batch.ts`, within a second); memory holds only what this backend heard,
   *    which is never older than the row, so when it has a value it wins. A failed batch
   *    leaves memory ahead until the node's next heartbeat is written; a restarted backend
   *    starts from the rows and hears the rest again;
   *  - `workers` of a connected node are those of its current connection (none until its
   *    first heartbeat), which is also what decides `running`;
   *  - `status` is the liveness tracker's (`node-liveness.ts`).
   */
  info(): NodeInfo {
    const r = this._row;
    const beat = this._beat;
    const kind = this._kind;
    const seen = this._seen;
    return {
      node_id: this.id,
      status: this._status,
      extra: r?.extra ?? {},
      pubkey: r?.pubkey ?? null,
      created: r?.created ?? '',
      last_seen: seen !== undefined ? new Date(seen).toISOString() : (r?.last_seen ?? null),
      heartbeat: beat !== undefined ? beat.seq : (r?.heartbeat ?? null),
      heartbeat_time: beat !== undefined ? beat.time : (r?.heartbeat_time ?? null),
      workers: workerCounts(this._link?.workers ?? beat?.workers ?? r?.workers ?? {}),
      version: kind !== undefined ? kind.version : (r?.version ?? null),
      type: kind !== undefined ? kind.type : (r?.type ?? null),
    };
  }
}

/** How a node's row changed. */
export type RowChange = 'added' | 'changed' | 'removed';

/** Every node of a realm, by ID. */
export class NodeTable {
  private readonly states = new Map<string, NodeState>();
  /** The nodes with rows, by ID: made again when asked for after a node came or went. */
  private order: NodeState[] | undefined;
  /** Told when a node's row came, changed or went (the realm backend settles its status). */
  onRow: ((s: NodeState, change: RowChange) => void) | undefined;

  get(nodeId: string): NodeState | undefined {
    return this.states.get(nodeId);
  }

  /** A node's state, made without a row when there is none (a node joined before its row). */
  ensure(nodeId: string): NodeState {
    let s = this.states.get(nodeId);
    if (s === undefined) {
      s = new NodeState(nodeId);
      this.states.set(nodeId, s);
    }
    return s;
  }

  /** The rows the database holds, read when the backend starts (no one is told). */
  load(rows: readonly NodeRecord[]): void {
    for (const r of rows) {
      const s = this.states.get(r.node_id);
      if (s !== undefined) s.setRow(r);
      else this.states.set(r.node_id, new NodeState(r.node_id, r));
    }
    this.order = undefined;
  }

  /** The database wrote a node's row. */
  setRow(row: NodeRecord): void {
    const s = this.ensure(row.node_id);
    const change: RowChange = s.row === undefined ? 'added' : 'changed';
    s.setRow(row);
    if (change === 'added') this.order = undefined;
    this.onRow?.(s, change);
  }

  /** The database deleted a node; its state stays while it is still connected. */
  removeRow(nodeId: string): void {
    const s = this.states.get(nodeId);
    if (s?.row === undefined) return;
    s.setRow(undefined);
    this.order = undefined;
    this.release(s);
    this.onRow?.(s, 'removed');
  }

  /** Drop a state that holds nothing any more (no row, no connection). */
  release(s: NodeState): void {
    if (s.row === undefined && s.link === undefined && this.states.get(s.id) === s)
      this.states.delete(s.id);
  }

  /** The nodes of the realm (those with rows), by ID. */
  nodes(): readonly NodeState[] {
    if (this.order === undefined) {
      this.order = [];
      for (const s of this.states.values()) if (s.row !== undefined) this.order.push(s);
      this.order.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    return this.order;
  }

  /** The nodes of the realm by status (metrics, `get_status`). */
  counts(): Record<NodeStatus, number> {
    const c: Record<NodeStatus, number> = { created: 0, online: 0, running: 0, offline: 0 };
    for (const s of this.nodes()) c[s.status]++;
    return c;
  }
}
