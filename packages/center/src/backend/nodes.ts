/**
 * Which nodes of a management realm are connected, and how they are doing. The database
 * holds the nodes and their last heartbeat; who is connected right now lives here and is
 * rebuilt from the router's session list when a backend (re)starts (SPEC §6).
 *
 * Status: `created` (known, never seen), `online` (connected), `running` (connected and its
 * workers running), `offline` (was seen, not connected now).
 *
 * Heartbeats (one per node every 10 s: a thousand a second for a big fleet) and sightings
 * (a node joined; it said what it runs) update the live state at once and reach the
 * database in batches, one transaction per second; a crash loses at most that second of
 * history, never a node's status. Metrics hear of status changes at most every 100 ms.
 * @module
 */
import { EVENTS, HEARTBEAT_PERIOD_S, NODE_ROLE } from '@cdc/api';
import type { Heartbeat, NodeInfo, NodeStatus } from '@cdc/api';
import type { Session } from '@cdc/client';
import type { HeartbeatRecord, NodeRecord, NodeSighting, RealmStore } from '@cdc/store';
import type { Logger } from '@cdc/protocol';
import { errorMessage } from '@cdc/protocol';

interface Live {
  session: number;
  /** Last sign of life: join or heartbeat (ms). */
  seen: number;
  workers: Record<string, number>;
  /** The heartbeat period the node reports (s), once it sent one. */
  period: number | undefined;
  /** The last heartbeat, ahead of the database until the next flush. */
  last?: { seq: number; time: string } | undefined;
}

/** Time a node has from joining to its first heartbeat (Crossbar.io's startup delay is 5 s). */
const FIRST_HEARTBEAT_GRACE_MS = 15_000;
/** Heartbeats reach the database at most this much later, in one transaction. */
const FLUSH_INTERVAL_MS = 1000;
/** …or as soon as this many are waiting. */
const FLUSH_BATCH = 2000;
/** History kept per node. */
const HEARTBEATS_KEPT = 10;
/** Status changes are told to `onChange` at most this often (a fleet joins in a storm). */
const CHANGE_COALESCE_MS = 100;

export interface NodeTrackerOptions {
  realm: string;
  store: RealmStore;
  session: Session;
  log: Logger;
  heartbeatPeriodS?: number;
  /** Called after status changes (metrics), at most every 100 ms. */
  onChange?: () => void;
  /** Called when a node's session ends (or is closed for silence). */
  onLeft?: (nodeId: string) => void;
}

function workerCounts(w: Record<string, number> | undefined): NodeInfo['workers'] {
  return { router: w?.['router'] ?? 0, container: w?.['container'] ?? 0, guest: w?.['guest'] ?? 0 };
}

/**
 * A connected node is `running` when it runs all the workers its desired state says should
 * run (by type, as heartbeats count them); a node without desired workers (run from its own
 * config) when it runs any.
 */
function liveStatus(l: Live, desired: Record<string, number> | undefined): NodeStatus {
  const w = l.workers;
  if (desired === undefined)
    return (w['router'] ?? 0) + (w['container'] ?? 0) + (w['guest'] ?? 0) > 0
      ? 'running'
      : 'online';
  for (const [type, n] of Object.entries(desired)) if ((w[type] ?? 0) < n) return 'online';
  return 'running';
}

export class NodeTracker {
  private readonly live = new Map<string, Live>();
  private readonly bySession = new Map<number, string>();
  private readonly statuses = new Map<string, NodeStatus>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  private pending: HeartbeatRecord[] = [];
  private flushing: Promise<void> | undefined;
  /** Per node, how many workers of each type its desired state says should run. */
  private readonly desired = new Map<string, Record<string, number>>();
  /** What each node last said it runs: written again only when it changes. */
  private readonly described = new Map<string, { type: string; version: string | null }>();
  /** Sightings not yet in the database, by node. */
  private readonly seenPending = new Map<string, NodeSighting>();
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly periodMs: number;
  /** Called when a node joins that has no entry yet (a pairing made elsewhere). */
  beforeJoin: (() => Promise<void>) | undefined;

  constructor(private readonly o: NodeTrackerOptions) {
    this.periodMs = (o.heartbeatPeriodS ?? HEARTBEAT_PERIOD_S) * 1000;
  }

  /** Load known nodes, learn who is connected now, and follow joins, leaves and heartbeats. */
  async start(): Promise<void> {
    const s = this.o.session;
    await this.refreshDesired();
    for (const n of await this.o.store.listNodes())
      this.statuses.set(n.node_id, n.last_seen === null ? 'created' : 'offline');
    await s.subscribe(
      'wamp.session.on_join',
      (args) => void this.onJoin(args[0] as Record<string, unknown>),
    );
    await s.subscribe('wamp.session.on_leave', (args) => this.onLeave(args[0] as number));
    const ids = (await s.call('wamp.session.list', [[NODE_ROLE]])).value as number[];
    for (const id of ids) {
      const d = (await s.call('wamp.session.get', [id]).catch(() => undefined))?.value as
        Record<string, unknown> | undefined;
      if (d !== undefined) await this.onJoin(d);
    }
    // A node whose connection died silently is offline once it missed its heartbeats.
    this.watchdog = setInterval(() => this.check(), Math.min(this.periodMs, 5000));
    this.watchdog.unref();
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  /** Stop the timers and write what heartbeats are still waiting. */
  async stop(): Promise<void> {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    if (this.changeTimer !== undefined) clearTimeout(this.changeTimer);
    await this.flush();
    await this.flush(); // what arrived while the first one was writing
  }

  /** Write the waiting sightings and heartbeats, a transaction each (one flush at a time). */
  flush(): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    if (this.pending.length === 0 && this.seenPending.size === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = [];
    const seen = [...this.seenPending].map(([node_id, x]) => ({ node_id, ...x }));
    this.seenPending.clear();
    this.flushing = this.writeSeen(seen)
      .then(() => this.writeHeartbeats(batch))
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  private async writeSeen(seen: (NodeSighting & { node_id: string })[]): Promise<void> {
    if (seen.length === 0) return;
    try {
      const { unknown } = await this.o.store.nodesSeen(seen);
      if (unknown.length > 0) this.o.log.debug({ nodes: unknown }, 'sightings of deleted nodes');
    } catch (e) {
      this.o.log.warn({ nodes: seen.length, err: errorMessage(e) }, 'node sightings not recorded');
      // What they run is written again with their next heartbeat.
      for (const x of seen) if (x.type !== undefined) this.described.delete(x.node_id);
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

  /** Note a sighting for the next flush (a later one adds to a waiting one). */
  private seen(nodeId: string, x: NodeSighting): void {
    this.seenPending.set(nodeId, { ...this.seenPending.get(nodeId), ...x });
    if (this.seenPending.size >= FLUSH_BATCH) void this.flush();
  }

  private async onJoin(d: Record<string, unknown>): Promise<void> {
    if (d['authrole'] !== NODE_ROLE) return;
    const nodeId = String(d['authid']);
    const session = Number(d['session']);
    const previous = this.live.get(nodeId);
    if (previous !== undefined) this.bySession.delete(previous.session);
    this.live.set(nodeId, {
      session,
      seen: Date.now(),
      workers: previous?.workers ?? {},
      period: undefined,
    });
    this.bySession.set(session, nodeId);
    if ((await this.o.store.getNode(nodeId)) === undefined) await this.beforeJoin?.();
    this.seen(nodeId, { time: new Date().toISOString() });
    this.o.log.info({ node: nodeId, session }, 'node connected');
    this.update(nodeId);
  }

  private onLeave(session: number): void {
    const nodeId = this.bySession.get(session);
    if (nodeId === undefined) return;
    this.bySession.delete(session);
    const l = this.live.get(nodeId);
    if (l?.session === session) this.live.delete(nodeId);
    this.o.log.info({ node: nodeId, session }, 'node disconnected');
    if (!this.live.has(nodeId)) this.o.onLeft?.(nodeId);
    this.update(nodeId);
  }

  /** A heartbeat whose publisher is the node it names (the caller checked). */
  heartbeat(nodeId: string, hb: Heartbeat): void {
    const now = new Date();
    const ts = typeof hb.timestamp === 'number' ? new Date(hb.timestamp / 1e6) : now;
    const time = (Number.isNaN(ts.getTime()) ? now : ts).toISOString();
    const l = this.live.get(nodeId);
    if (l !== undefined) {
      l.seen = now.getTime();
      l.workers = hb.workers;
      l.last = { seq: hb.seq, time };
      if (typeof hb.period === 'number' && hb.period > 0) l.period = hb.period;
    }
    this.pending.push({
      node_id: nodeId,
      seq: hb.seq,
      time,
      received: now.toISOString(),
      workers: hb.workers,
      system: hb.system ?? {},
    });
    if (this.pending.length >= FLUSH_BATCH) void this.flush();
    // Our nodes say what they are; a Crossbar.io edge sends no `type`.
    const type = hb.type ?? (hb.version !== undefined ? 'cdc' : 'crossbar');
    const version = hb.version ?? null;
    const said = this.described.get(nodeId);
    if (said?.type !== type || said.version !== version) {
      this.described.set(nodeId, { type, version });
      this.seen(nodeId, { time: now.toISOString(), type, version });
    }
    this.update(nodeId);
  }

  private check(): void {
    const now = Date.now();
    for (const [nodeId, l] of this.live) {
      // Each node by its own period: silent for two and a half periods means gone.
      const allowed =
        l.period === undefined
          ? Math.max(FIRST_HEARTBEAT_GRACE_MS, 2.5 * this.periodMs)
          : 2.5 * l.period * 1000;
      if (now - l.seen <= allowed) continue;
      this.o.log.warn({ node: nodeId }, 'node missed its heartbeats: closing its session');
      this.live.delete(nodeId);
      this.bySession.delete(l.session);
      this.o.onLeft?.(nodeId);
      this.o.session
        .call('wamp.session.kill', [l.session], {
          reason: 'wamp.close.timeout',
          message: 'no heartbeat',
        })
        .catch(() => undefined);
      this.update(nodeId);
    }
  }

  /** Read the desired workers again (of one node, or all) and update the statuses. */
  async refreshDesired(nodeId?: string): Promise<void> {
    const list = await this.o.store.listWorkers(nodeId);
    if (nodeId === undefined) this.desired.clear();
    else this.desired.delete(nodeId);
    for (const w of list) {
      if (w.desired !== 'started') continue;
      const m = this.desired.get(w.node_id) ?? {};
      m[w.type] = (m[w.type] ?? 0) + 1;
      this.desired.set(w.node_id, m);
    }
    for (const id of nodeId !== undefined ? [nodeId] : [...this.live.keys()]) this.update(id);
  }

  /** Whether a node has workers whose desired state is `started`. */
  hasStartedWorkers(nodeId: string): boolean {
    return this.desired.has(nodeId);
  }

  /** The session ID of a connected node. */
  sessionOf(nodeId: string): number | undefined {
    return this.live.get(nodeId)?.session;
  }

  isOnline(nodeId: string): boolean {
    return this.live.has(nodeId);
  }

  /** The IDs of the connected nodes. */
  onlineNodes(): string[] {
    return [...this.live.keys()];
  }

  statusOf(node: NodeRecord): NodeStatus {
    const l = this.live.get(node.node_id);
    if (l === undefined) {
      // Seen once it was: its sighting may still be on its way to the database.
      const was = this.statuses.get(node.node_id);
      return node.last_seen === null && (was === undefined || was === 'created')
        ? 'created'
        : 'offline';
    }
    return liveStatus(l, this.desired.get(node.node_id));
  }

  /** Forget a node (unpaired and deleted). */
  forget(nodeId: string): void {
    this.statuses.delete(nodeId);
    this.described.delete(nodeId);
    this.seenPending.delete(nodeId);
  }

  /** Recompute a node's status and publish the change. */
  update(nodeId: string): void {
    // A connected node's status is all in memory (the heartbeat path takes this branch).
    const l = this.live.get(nodeId);
    if (l !== undefined && this.statuses.has(nodeId)) {
      this.setStatus(nodeId, liveStatus(l, this.desired.get(nodeId)));
      return;
    }
    void this.o.store.getNode(nodeId).then(
      (n) => {
        if (n !== undefined) this.setStatus(nodeId, this.statusOf(n));
      },
      () => undefined,
    );
  }

  private setStatus(nodeId: string, now: NodeStatus): void {
    const before = this.statuses.get(nodeId);
    this.statuses.set(nodeId, now);
    if (now === before) return;
    this.changed();
    // A node that just got its entry is `created`: no status change to announce.
    if (before === undefined && now === 'created') return;
    if (this.o.session.isOpen)
      this.o.session
        .publish(EVENTS.ON_NODE_STATUS, [nodeId, before ?? 'created', now])
        .catch(() => undefined);
  }

  private changed(): void {
    if (this.o.onChange === undefined || this.changeTimer !== undefined) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.o.onChange?.();
    }, CHANGE_COALESCE_MS);
    this.changeTimer.unref();
  }

  /** Counts by status for metrics. */
  counts(): Record<NodeStatus, number> {
    const c: Record<NodeStatus, number> = { created: 0, online: 0, running: 0, offline: 0 };
    for (const s of this.statuses.values()) c[s]++;
    return c;
  }

  info(n: NodeRecord): NodeInfo {
    const l = this.live.get(n.node_id);
    const said = this.described.get(n.node_id); // ahead of the database until the flush
    return {
      node_id: n.node_id,
      status: this.statusOf(n),
      extra: n.extra,
      pubkey: n.pubkey,
      created: n.created,
      last_seen: l !== undefined ? new Date(l.seen).toISOString() : n.last_seen,
      heartbeat: l?.last?.seq ?? n.heartbeat,
      heartbeat_time: l?.last?.time ?? n.heartbeat_time,
      workers: workerCounts(l?.workers ?? n.workers),
      version: said !== undefined ? said.version : n.version,
      type: said !== undefined ? said.type : n.type,
    };
  }
}
