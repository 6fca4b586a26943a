/**
 * Which nodes of a management realm are connected, and their status (SPEC §4.1): `created`
 * (known, never seen), `online` (connected), `running` (connected and running its workers),
 * `offline` (was seen, not connected now). Who is connected lives in memory only, on each
 * node's record (`node-table.ts`), and is rebuilt from the router's session list when a
 * backend (re)starts (SPEC §6).
 *
 * Nodes come and go with their sessions (`wamp.session.on_join`/`on_leave`); one that stops
 * sending heartbeats is closed after two and a half of its periods; before its first
 * heartbeat, a node is given time to set up (see {@link SETUP_ALLOWANCE_MS}). The desired workers of
 * each node (read from the database, counted by type) decide when a connected node is
 * `running`. A status change is published as `on_node_status` and told to `onChange`.
 * @module
 */
import { EVENTS, HEARTBEAT_PERIOD_S, NODE_ROLE } from '@cdc/api';
import type { NodeInfo, NodeStatus } from '@cdc/api';
import type { Session } from '@cdc/client';
import type { NodeRecord, RealmStore } from '@cdc/store';
import type { Logger } from '@cdc/protocol';
import { NodeState, restingStatus } from './node-table.js';
import type { HeardBeat, NodeTable, RowChange } from './node-table.js';

/** Time a set-up node has to its first heartbeat (Crossbar.io's startup delay is 5 s). */
const FIRST_HEARTBEAT_GRACE_MS = 15_000;
/**
 * Time a node has from joining until it probes the realm (`mrealm.get_status`, which ours
 * and Crossbar.io's edges call once their procedures are registered). In a reconnect storm a
 * node's registrations can take far longer than a heartbeat period; closing it then throws
 * that work away and sends it to the back of the storm. A connection that dies meanwhile is
 * found by the transport's pings.
 */
const SETUP_ALLOWANCE_MS = 120_000;

export interface NodeLivenessOptions {
  table: NodeTable;
  /** Where the desired workers are read. */
  store: Pick<RealmStore, 'listWorkers'>;
  session: Session;
  log: Logger;
  heartbeatPeriodS?: number;
  /** Overrides of the first-heartbeat grace and the setup allowance (ms; tests). */
  firstBeatGraceMs?: number;
  setupAllowanceMs?: number;
  /** A node's status changed, or a node came or went (metrics). */
  onChange?: () => void;
  /** A node joined (at this ISO time). */
  onJoined?: (nodeId: string, time: string) => void;
  /** A node's session ended (or was closed for silence). */
  onLeft?: (nodeId: string) => void;
}

/**
 * The status machine. A connected node is `running` when it runs all the workers its
 * desired state says should run (by type, as its heartbeats count them), a node without
 * desired workers (run from its own config) when it runs any, else `online`.
 */
export function nodeStatus(s: NodeState): NodeStatus {
  const link = s.link;
  if (link === undefined) return restingStatus(s);
  const w = link.workers;
  const desired = s.desired;
  if (desired === undefined)
    return (w['router'] ?? 0) + (w['container'] ?? 0) + (w['guest'] ?? 0) > 0
      ? 'running'
      : 'online';
  for (const [type, n] of Object.entries(desired)) if ((w[type] ?? 0) < n) return 'online';
  return 'running';
}

export class NodeLiveness {
  /** The connected nodes by their session. */
  private readonly bySession = new Map<number, NodeState>();
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private readonly periodMs: number;
  private readonly firstBeatMs: number;
  private readonly setupMs: number;
  /** Called when a node joins that has no row yet (a pairing made elsewhere). */
  beforeJoin: (() => Promise<void>) | undefined;

  constructor(private readonly o: NodeLivenessOptions) {
    this.periodMs = (o.heartbeatPeriodS ?? HEARTBEAT_PERIOD_S) * 1000;
    this.firstBeatMs =
      o.firstBeatGraceMs ?? Math.max(FIRST_HEARTBEAT_GRACE_MS, 2.5 * this.periodMs);
    this.setupMs = o.setupAllowanceMs ?? SETUP_ALLOWANCE_MS;
  }

  /** Learn who is connected now, and follow joins and leaves (the table is loaded). */
  async start(): Promise<void> {
    const s = this.o.session;
    await this.refreshDesired();
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
    this.watchdog = undefined;
  }

  private async onJoin(d: Record<string, unknown>): Promise<void> {
    if (d['authrole'] !== NODE_ROLE) return;
    const nodeId = String(d['authid']);
    const session = Number(d['session']);
    const s = this.o.table.ensure(nodeId);
    const previous = s.link;
    if (previous !== undefined) this.bySession.delete(previous.session);
    s.connect(session, Date.now());
    this.bySession.set(session, s);
    if (s.row === undefined) await this.beforeJoin?.();
    this.o.onJoined?.(nodeId, new Date().toISOString());
    this.o.log.info({ node: nodeId, session }, 'node connected');
    this.update(nodeId);
  }

  private onLeave(session: number): void {
    const s = this.bySession.get(session);
    if (s === undefined) return;
    this.bySession.delete(session);
    this.o.log.info({ node: s.id, session }, 'node disconnected');
    if (s.disconnect(session)) this.left(s);
  }

  private left(s: NodeState): void {
    this.o.onLeft?.(s.id);
    this.update(s.id);
    this.o.table.release(s);
  }

  /** A node probed the realm: it has set up, and its first heartbeat is due. */
  probed(nodeId: string): void {
    this.o.table.get(nodeId)?.probed(Date.now());
  }

  /** A heartbeat whose publisher is the node it names (the caller checked). */
  heartbeat(b: HeardBeat): void {
    const s = this.o.table.get(b.record.node_id);
    if (s === undefined) return; // not a node of this realm (any more)
    s.heard(b);
    this.update(s.id);
  }

  private check(): void {
    const now = Date.now();
    for (const [session, s] of this.bySession) {
      // Each node by its own period: silent for two and a half periods means gone.
      const link = s.link;
      const period = link?.period;
      const allowed =
        period !== undefined
          ? 2.5 * period * 1000
          : link?.probed === true
            ? this.firstBeatMs
            : this.setupMs;
      if (now - (s.seen ?? 0) <= allowed) continue;
      this.o.log.warn({ node: s.id }, 'node missed its heartbeats: closing its session');
      this.bySession.delete(session);
      s.disconnect(session);
      this.left(s);
      this.o.session
        .call('wamp.session.kill', [session], {
          reason: 'wamp.close.timeout',
          message: 'no heartbeat',
        })
        .catch(() => undefined);
    }
  }

  /** Read the desired workers again (of one node, or all) and update the statuses. */
  async refreshDesired(nodeId?: string): Promise<void> {
    const list = await this.o.store.listWorkers(nodeId);
    const counts = new Map<string, Record<string, number>>();
    for (const w of list) {
      if (w.desired !== 'started') continue;
      const m = counts.get(w.node_id) ?? {};
      m[w.type] = (m[w.type] ?? 0) + 1;
      counts.set(w.node_id, m);
    }
    const { table } = this.o;
    if (nodeId !== undefined) {
      table.get(nodeId)?.setDesired(counts.get(nodeId));
      this.update(nodeId);
      return;
    }
    for (const s of table.nodes()) s.setDesired(counts.get(s.id));
    for (const s of this.bySession.values()) this.update(s.id);
  }

  /** Whether a node has workers whose desired state is `started`. */
  hasStartedWorkers(nodeId: string): boolean {
    return this.o.table.get(nodeId)?.desired !== undefined;
  }

  /** The session ID of a connected node. */
  sessionOf(nodeId: string): number | undefined {
    return this.o.table.get(nodeId)?.link?.session;
  }

  isOnline(nodeId: string): boolean {
    return this.o.table.get(nodeId)?.link !== undefined;
  }

  /** The IDs of the connected nodes. */
  onlineNodes(): string[] {
    return [...this.bySession.values()].map((s) => s.id);
  }

  /** A node's row came, changed or went (the database wrote it). */
  rowChanged(s: NodeState, change: RowChange): void {
    if (change !== 'changed') this.o.onChange?.();
    this.update(s.id);
  }

  /** Recompute a node's status; publish a change. */
  update(nodeId: string): void {
    const s = this.o.table.get(nodeId);
    if (s?.row === undefined) return; // no node of the realm (yet, or any more)
    const before = s.status;
    const now = nodeStatus(s);
    if (now === before) return;
    s.setStatus(now);
    this.o.onChange?.();
    if (this.o.session.isOpen)
      this.o.session.publish(EVENTS.ON_NODE_STATUS, [nodeId, before, now]).catch(() => undefined);
  }

  /** A node's `node_info`. */
  info(n: NodeRecord): NodeInfo {
    return (this.o.table.get(n.node_id) ?? new NodeState(n.node_id, n)).info();
  }
}
