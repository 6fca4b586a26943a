/**
 * Heartbeats to the center, in the shapes a Crossbar.io 22 edge sends (reference
 * crossbar-master-wire.md §4): after the startup delay and then every period, one node
 * heartbeat on `crossbarfabriccenter.node.on_heartbeat` and one worker heartbeat per native
 * worker (and the controller) on `…on_worker_heartbeat`, all published with acknowledge and
 * sharing one timestamp and `seq` per round.
 * @module
 */
import type { Session } from '@cdc/client';
import { HEARTBEAT_TOPIC, WORKER_HEARTBEAT_TOPIC } from '@cdc/api';
import type { Heartbeat, NodeArgs, NodeProcedure, NodeResult } from '@cdc/api';
import type { HeartbeatSettings } from './config.js';
import type { Logger } from '@cdc/protocol';

/** MNodeState / worker state ONLINE in Crossbar.io. */
const STATE_ONLINE = 1;

export interface HeartbeatSource {
  /** Running workers by type (`{router: 1, guest: 2}`). */
  workersByType(): Record<string, number>;
  /** Running native workers (router, container): they get worker heartbeats. */
  nativeWorkers(): { id: string; type: string }[];
  /** Call a procedure of the node API on the node's local management realm. */
  call<K extends NodeProcedure>(name: K, args: NodeArgs<K>): Promise<NodeResult<K>>;
}

export interface HeartbeatOptions {
  session: Session;
  nodeId: string;
  realm: string;
  settings: HeartbeatSettings;
  source: HeartbeatSource;
  logger: Logger;
  version: string;
  pubkey: string;
}

export class HeartbeatLoop {
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly o: HeartbeatOptions) {}

  start(): void {
    this.schedule(this.o.settings.startupDelay * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const t0 = Date.now();
      // The next round is timed from the start of this one, but never overlaps it.
      void this.beat().finally(() =>
        this.schedule(Math.max(0, this.o.settings.period * 1000 - (Date.now() - t0))),
      );
    }, ms);
    this.timer.unref();
  }

  /** One round: the node heartbeat and the worker heartbeats. */
  async beat(): Promise<void> {
    const o = this.o;
    const seq = ++this.seq;
    // ns since the epoch, one value for the whole round (as Crossbar.io).
    const timestamp = Date.now() * 1_000_000;
    const common = { timestamp, period: o.settings.period, mrealm_id: o.realm, seq };
    const workers = o.source.nativeWorkers();
    const [system, controller, perWorker] = await Promise.all([
      o.settings.includeSystemStats ? this.local('get_system_stats', []) : undefined,
      this.local('get_process_stats', []),
      Promise.all(workers.map((w) => this.workerStats(w))),
    ]);
    const hb: Heartbeat & { pubkey: string } = {
      ...common,
      workers: { ...o.source.workersByType(), controller: 1 },
      ...(system !== undefined ? { system } : {}),
      state: STATE_ONLINE,
      type: 'cdc',
      version: o.version,
      // Crossbar.io's master keeps a node's heartbeat log only when it names the node's key.
      pubkey: o.pubkey,
    };
    const sends: Promise<unknown>[] = [this.publish(HEARTBEAT_TOPIC, [o.nodeId, hb])];
    if (controller !== undefined) {
      // The controller's entry is flat (no `process` key), as a real edge sends it.
      sends.push(
        this.publish(WORKER_HEARTBEAT_TOPIC, [
          o.nodeId,
          'controller',
          {
            ...controller,
            ...common,
            type: 'controller',
            state: STATE_ONLINE,
          },
        ]),
      );
    }
    workers.forEach((w, i) => {
      const stats = perWorker[i];
      if (stats === undefined) return; // stopped in the meantime
      sends.push(
        this.publish(WORKER_HEARTBEAT_TOPIC, [
          o.nodeId,
          w.id,
          { ...stats, ...common, type: w.type, state: STATE_ONLINE },
        ]),
      );
    });
    await Promise.all(sends);
  }

  private async workerStats(w: {
    id: string;
    type: string;
  }): Promise<Record<string, unknown> | undefined> {
    const [process, realms] = await Promise.all([
      this.local('worker.get_process_stats', [w.id]),
      w.type === 'router' ? this.local('worker.get_router_realm_stats', [w.id]) : undefined,
    ]);
    if (process === undefined) return undefined;
    const out: Record<string, unknown> = { process };
    if (realms !== undefined) {
      let sessions = 0;
      let roles = 0;
      for (const r of Object.values(realms)) {
        sessions += r.sessions;
        roles += r.roles;
      }
      out['router'] = { sessions, roles };
    }
    return out;
  }

  /** A reading for the heartbeat, or undefined when there is none (logged). */
  private async local<K extends NodeProcedure>(
    name: K,
    args: NodeArgs<K>,
  ): Promise<NodeResult<K> | undefined> {
    try {
      return await this.o.source.call(name, args);
    } catch (e) {
      this.o.logger.debug({ procedure: name, err: String(e) }, 'heartbeat: no reading');
      return undefined;
    }
  }

  /** Still running on an open session (checked again after every await). */
  private isLive(): boolean {
    return !this.stopped && this.o.session.isOpen;
  }

  private async publish(topic: string, args: unknown[]): Promise<void> {
    const s = this.o.session;
    if (!this.isLive()) return;
    try {
      await s.publish(topic, args, null, { acknowledge: true });
    } catch (e) {
      // A lost heartbeat is not worth more than a line: the next one comes soon.
      if (this.isLive())
        this.o.logger.warn({ topic, err: String(e) }, 'heartbeat not accepted by the center');
    }
  }
}
