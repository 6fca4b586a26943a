/**
 * The service of one management realm: its stores, node tracking, heartbeats and public
 * API, on one trusted session in the realm. Runs in the realm's own backend process.
 *
 * The nodes' state has one owner, the realm's {@link NodeTable} (one record per node), which
 * three parts keep by concern, wired here: the database's rows through the cached store
 * (`node-cache.ts`), connections and status through {@link NodeLiveness}, and what heartbeats
 * and sightings must write through the {@link HeartbeatBatch}; {@link NodeMetrics} reports
 * the counts by status.
 * @module
 */
import { HEARTBEAT_TOPIC, MREALM_GET_STATUS, NODE_ROLE } from '@cdc/api';
import type { Heartbeat } from '@cdc/api';
import type { EventDetails, InvocationDetails, Session } from '@cdc/client';
import type { DomainStore } from '@cdc/store';
import { configApi } from './api-config.js';
import { globalApi } from './api-global.js';
import { managementApi } from './api-management.js';
import { remoteApi } from './api-remote.js';
import { tokenApi } from './api-tokens.js';
import { HeartbeatBatch } from './heartbeat-batch.js';
import type { CachedRealmStore } from './node-cache.js';
import { NodeEvents } from './node-events.js';
import { NodeLiveness } from './node-liveness.js';
import { NodeMetrics } from './node-metrics.js';
import { readHeartbeat } from './node-table.js';
import type { NodeTable } from './node-table.js';
import { Reconciler } from './reconcile.js';
import { NodeCaller } from './remote.js';
import { registerApi } from './service.js';
import { WorkerDeaths } from './worker-deaths.js';
import type { Logger } from '@cdc/protocol';
import { errorMessage } from '@cdc/protocol';

export interface RealmBackendOptions {
  realm: string;
  session: Session;
  domain: DomainStore;
  /** The realm's store with its node rows in memory (the backend answers from them). */
  store: CachedRealmStore;
  log: Logger;
  started: Date;
  version: string;
  heartbeatPeriodS: number;
  onMetrics?: (nodes: Record<string, number>) => void;
  /** Between reconciliation sweeps over the connected nodes (default 30 s). */
  reconcileIntervalMs?: number;
}

function isHeartbeat(v: unknown): v is Heartbeat {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return typeof h['seq'] === 'number' && typeof h['workers'] === 'object' && h['workers'] !== null;
}

export class RealmBackend {
  private readonly table: NodeTable;
  readonly nodes: NodeLiveness;
  private readonly batch: HeartbeatBatch;
  private readonly metrics: NodeMetrics;
  readonly calls: NodeCaller;
  readonly events: NodeEvents;
  readonly reconciler: Reconciler;
  private readonly deaths: WorkerDeaths;
  private tick = 0;
  private syncTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: RealmBackendOptions) {
    this.deaths = new WorkerDeaths({ reconcile: (id) => this.reconciler.nodeUp(id) });
    this.events = new NodeEvents({
      session: o.session,
      log: o.log,
      onWorkerDied: (node, worker) => this.deaths.died(node, worker),
      onWorkerRestarting: (node, worker) => this.deaths.restarting(node, worker),
    });
    const table = (this.table = o.store.table);
    this.metrics = new NodeMetrics({
      counts: () => table.counts(),
      report: (counts) => o.onMetrics?.(counts),
    });
    this.batch = new HeartbeatBatch({ store: o.store, table, log: o.log });
    this.nodes = new NodeLiveness({
      table,
      store: o.store,
      session: o.session,
      log: o.log,
      heartbeatPeriodS: o.heartbeatPeriodS,
      onChange: () => this.metrics.changed(),
      onJoined: (nodeId, time) => this.batch.sighting(nodeId, { time }),
      onLeft: (nodeId) => this.events.forgetNode(nodeId),
    });
    // Whatever writes a node's row (pairing, create_node, a flush), its status follows.
    table.onRow = (s, change) => this.nodes.rowChanged(s, change);
    this.calls = new NodeCaller({
      session: o.session,
      isOnline: (id) => this.nodes.isOnline(id),
      log: o.log,
    });
    this.reconciler = new Reconciler({
      store: o.store,
      nodes: this.calls,
      isOnline: (id) => this.nodes.isOnline(id),
      onlineNodes: () => this.nodes.onlineNodes(),
      hasStartedWorkers: (id) => this.nodes.hasStartedWorkers(id),
      log: o.log,
      ...(o.reconcileIntervalMs !== undefined ? { intervalMs: o.reconcileIntervalMs } : {}),
    });
  }

  /**
   * Pairings live in the domain database and may be made elsewhere (the provisioning CLI, a
   * backend that was down): make sure every paired node has its entry here.
   */
  async syncPairings(): Promise<void> {
    const { realm, store, domain } = this.o;
    // One read however big the fleet (the rows are in memory): this runs every few seconds.
    for (const p of await domain.listPairings(realm)) {
      const n = this.table.get(p.node_id)?.row;
      if (n === undefined || n.pubkey !== p.pubkey)
        await store.upsertNode({ node_id: p.node_id, pubkey: p.pubkey, extra: p.extra });
    }
  }

  async start(): Promise<number> {
    const { session, realm, store, domain, log } = this.o;
    await store.ready();
    await this.syncPairings();
    this.syncTimer = setInterval(() => {
      this.syncPairings().catch((e: unknown) =>
        log.warn({ err: errorMessage(e) }, 'pairing sync failed'),
      );
    }, 3000);
    this.syncTimer.unref();
    this.nodes.beforeJoin = () => this.syncPairings();
    this.batch.start();
    await this.nodes.start();
    await this.events.start();
    await session.subscribe(HEARTBEAT_TOPIC, (args, _kw, d) => this.onHeartbeat(args, d));
    // Nodes call this before they consider themselves managed (Crossbar.io edges do): by
    // then their procedures are registered, so it is when a node can be reconciled.
    await session.register(
      MREALM_GET_STATUS,
      (_args, _kw, d: InvocationDetails) => {
        if (d.callerAuthrole === NODE_ROLE && d.callerAuthid !== undefined) {
          const nodeId = d.callerAuthid;
          this.nodes.probed(nodeId);
          setImmediate(() => this.reconciler.nodeUp(nodeId));
        }
        return {
          type: 'management',
          realm,
          now: new Date().toISOString(),
          started: this.o.started.toISOString(),
          uptime: `${Math.round((Date.now() - this.o.started.getTime()) / 1000)} seconds`,
          tick: ++this.tick,
        };
      },
      { discloseCaller: true },
    );
    const n = await registerApi(
      session,
      store,
      {
        ...globalApi({
          realm,
          started: this.o.started,
          version: this.o.version,
          nodes: this.table,
        }),
        ...managementApi({ realm, domain, store, nodes: this.nodes, session }),
        ...tokenApi({ realm, domain, session }),
        ...remoteApi({ realm, store, nodes: this.calls }),
        ...configApi({
          realm,
          store,
          nodes: this.calls,
          isOnline: (id) => this.nodes.isOnline(id),
          log,
          reconcile: (id) => void this.reconciler.schedule(id),
          desiredChanged: (id) => {
            this.nodes
              .refreshDesired(id)
              .catch((e: unknown) =>
                log.warn({ node: id, err: errorMessage(e) }, 'desired workers not read'),
              );
          },
        }),
      },
      log,
    );
    this.reconciler.start();
    // Nodes connected before this backend (re)started come back to their desired state.
    this.reconciler.sweep();
    this.metrics.report();
    return n;
  }

  /** Stop the timers; resolves once waiting heartbeats are written. */
  stop(): Promise<void> {
    if (this.syncTimer !== undefined) clearInterval(this.syncTimer);
    this.reconciler.stop();
    this.deaths.stop();
    this.nodes.stop();
    this.metrics.stop();
    return this.batch.stop();
  }

  /** A heartbeat counts only from the node it names: a forged one is dropped and logged. */
  private onHeartbeat(args: unknown[], d: EventDetails): void {
    const [nodeId, hb] = args;
    if (typeof nodeId !== 'string' || !isHeartbeat(hb)) {
      this.o.log.warn({ publisher: d.publisherAuthid }, 'malformed heartbeat dropped');
      return;
    }
    if (d.publisherAuthid !== nodeId) {
      this.o.log.warn(
        { claimed: nodeId, publisher: d.publisherAuthid ?? null },
        'forged heartbeat dropped',
      );
      return;
    }
    const heard = readHeartbeat(nodeId, hb);
    this.nodes.heartbeat(heard); // memory first: the status, what get_nodes shows
    this.batch.heartbeat(heard); // the database within a second
  }
}
