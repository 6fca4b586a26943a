/**
 * Which nodes of a management realm are connected, and how they are doing. The database
 * holds the nodes and their last heartbeat; who is connected right now lives here and is
 * rebuilt from the router's session list when a backend (re)starts (SPEC §6).
 *
 * Status: `created` (known, never seen), `online` (connected), `running` (connected and its
 * workers running), `offline` (was seen, not connected now).
 * @module
 */
import { EVENTS, HEARTBEAT_PERIOD_S, NODE_ROLE } from '@cdc/api';
import type { Heartbeat, NodeInfo, NodeStatus } from '@cdc/api';
import type { Session } from '@cdc/client';
import type { NodeRecord, RealmStore } from '@cdc/store';
import type { Logger } from '@cdc/router';

interface Live {
  session: number;
  /** Last sign of life: join or heartbeat (ms). */
  seen: number;
  workers: Record<string, number>;
  /** The heartbeat period the node reports (s), once it sent one. */
  period: number | undefined;
}

/** Time a node has from joining to its first heartbeat (Crossbar.io's startup delay is 5 s). */
const FIRST_HEARTBEAT_GRACE_MS = 15_000;

export interface NodeTrackerOptions {
  realm: string;
  store: RealmStore;
  session: Session;
  log: Logger;
  heartbeatPeriodS?: number;
  /** Called on every status change (metrics). */
  onChange?: () => void;
}

function workerCounts(w: Record<string, number> | undefined): NodeInfo['workers'] {
  return { router: w?.['router'] ?? 0, container: w?.['container'] ?? 0, guest: w?.['guest'] ?? 0 };
}

export class NodeTracker {
  private readonly live = new Map<string, Live>();
  private readonly bySession = new Map<number, string>();
  private readonly statuses = new Map<string, NodeStatus>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly periodMs: number;
  /** Called when a node joins that has no entry yet (a pairing made elsewhere). */
  beforeJoin: (() => Promise<void>) | undefined;

  constructor(private readonly o: NodeTrackerOptions) {
    this.periodMs = (o.heartbeatPeriodS ?? HEARTBEAT_PERIOD_S) * 1000;
  }

  /** Load known nodes, learn who is connected now, and follow joins, leaves and heartbeats. */
  async start(): Promise<void> {
    const s = this.o.session;
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
  }

  stop(): void {
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
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
    await this.o.store.nodeSeen(nodeId, { time: new Date().toISOString() }).catch((e: unknown) => {
      this.o.log.warn({ node: nodeId, err: (e as Error).message }, 'could not record node join');
    });
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
    this.update(nodeId);
  }

  /** A heartbeat whose publisher is the node it names (the caller checked). */
  async heartbeat(nodeId: string, hb: Heartbeat): Promise<void> {
    const l = this.live.get(nodeId);
    if (l !== undefined) {
      l.seen = Date.now();
      l.workers = hb.workers;
      if (typeof hb.period === 'number' && hb.period > 0) l.period = hb.period;
    }
    const ts = typeof hb.timestamp === 'number' ? new Date(hb.timestamp / 1e6) : new Date();
    await this.o.store.recordHeartbeat(
      {
        node_id: nodeId,
        seq: hb.seq,
        time: (Number.isNaN(ts.getTime()) ? new Date() : ts).toISOString(),
        received: new Date().toISOString(),
        workers: hb.workers,
        system: hb.system ?? {},
      },
      10,
    );
    // Our nodes say what they are; a Crossbar.io edge sends no `type`.
    if (hb.type !== undefined || hb.version !== undefined) {
      await this.o.store.nodeSeen(nodeId, {
        time: new Date().toISOString(),
        type: hb.type ?? 'cdc',
        version: hb.version ?? null,
      });
    } else
      await this.o.store.nodeSeen(nodeId, { time: new Date().toISOString(), type: 'crossbar' });
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
      this.o.session
        .call('wamp.session.kill', [l.session], {
          reason: 'wamp.close.timeout',
          message: 'no heartbeat',
        })
        .catch(() => undefined);
      this.update(nodeId);
    }
  }

  /** The session ID of a connected node. */
  sessionOf(nodeId: string): number | undefined {
    return this.live.get(nodeId)?.session;
  }

  isOnline(nodeId: string): boolean {
    return this.live.has(nodeId);
  }

  statusOf(node: NodeRecord): NodeStatus {
    const l = this.live.get(node.node_id);
    if (l === undefined) return node.last_seen === null ? 'created' : 'offline';
    const w = l.workers;
    const running = (w['router'] ?? 0) + (w['container'] ?? 0) + (w['guest'] ?? 0) > 0;
    return running ? 'running' : 'online';
  }

  /** Forget a node (unpaired and deleted). */
  forget(nodeId: string): void {
    this.statuses.delete(nodeId);
  }

  /** Recompute a node's status and publish the change. */
  update(nodeId: string): void {
    void this.o.store.getNode(nodeId).then(
      (n) => {
        if (n === undefined) return;
        const now = this.statusOf(n);
        const before = this.statuses.get(nodeId);
        this.statuses.set(nodeId, now);
        if (now === before) return;
        this.o.onChange?.();
        // A node that just got its entry is `created`: no status change to announce.
        if (before === undefined && now === 'created') return;
        if (this.o.session.isOpen)
          this.o.session
            .publish(EVENTS.ON_NODE_STATUS, [nodeId, before ?? 'created', now])
            .catch(() => undefined);
      },
      () => undefined,
    );
  }

  /** Counts by status for metrics. */
  counts(): Record<NodeStatus, number> {
    const c: Record<NodeStatus, number> = { created: 0, online: 0, running: 0, offline: 0 };
    for (const s of this.statuses.values()) c[s]++;
    return c;
  }

  info(n: NodeRecord): NodeInfo {
    const l = this.live.get(n.node_id);
    return {
      node_id: n.node_id,
      status: this.statusOf(n),
      extra: n.extra,
      pubkey: n.pubkey,
      created: n.created,
      last_seen: l !== undefined ? new Date(l.seen).toISOString() : n.last_seen,
      heartbeat: n.heartbeat,
      heartbeat_time: n.heartbeat_time,
      workers: workerCounts(l?.workers ?? n.workers),
      version: n.version,
      type: n.type,
    };
  }
}
