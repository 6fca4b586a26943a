/**
 * Reconciliation (SPEC §4.3): a node runs the workers its desired state says should run.
 * When a node comes up (it probes `crossbarfabriccenter.mrealm.get_status` once its
 * procedures are registered), after `create_node`, and every little while for every
 * connected node, each worker stored as `started` that does not run is started with its
 * stored config. Idempotent: what runs is left alone, and one pass per node at a time.
 *
 * A fleet is big: sweeps and probes pass over only the nodes with workers to run (the
 * realm backend, the only writer of desired state, knows them without asking the
 * database), and at most a few passes run at once.
 * @module
 */
import type { RealmStore } from '@cdc/store';
import { liveWorkers } from './live-router.js';
import { storedConfig } from './remote.js';
import type { NodeCaller } from './remote.js';
import type { Logger } from '@cdc/protocol';
import { errorMessage } from '@cdc/protocol';

export interface ReconcilerOptions {
  store: RealmStore;
  nodes: NodeCaller;
  isOnline(nodeId: string): boolean;
  onlineNodes(): string[];
  /** Whether a node has workers stored as `started` (from memory: no database read). */
  hasStartedWorkers(nodeId: string): boolean;
  log: Logger;
  /** Between sweeps over every connected node (default 30 s). */
  intervalMs?: number;
}

/** Passes running at once; the others wait their turn. */
const CONCURRENT_PASSES = 16;

export class Reconciler {
  private readonly passes = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Asked again while a pass ran: run another one after it. */
  private readonly again = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(private readonly o: ReconcilerOptions) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.o.intervalMs ?? 30_000);
    this.timer.unref();
  }

  /** A pass over every connected node that has workers to run. */
  sweep(): void {
    for (const id of this.o.onlineNodes()) this.nodeUp(id);
  }

  /** A node came up (or is still up): reconcile it if it has workers to run. */
  nodeUp(nodeId: string): void {
    if (this.o.hasStartedWorkers(nodeId)) void this.schedule(nodeId);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /**
   * Bring a node to its desired state soon, reading it from the database (after a change
   * to it); resolves when the pass it joined is done.
   */
  schedule(nodeId: string): Promise<void> {
    const running = this.passes.get(nodeId);
    if (running !== undefined) {
      this.again.add(nodeId);
      return running;
    }
    const pass = this.pass(nodeId).finally(() => {
      this.passes.delete(nodeId);
      if (this.again.delete(nodeId) && !this.stopped) void this.schedule(nodeId);
    });
    this.passes.set(nodeId, pass);
    return pass;
  }

  private async pass(nodeId: string): Promise<void> {
    if (this.running >= CONCURRENT_PASSES) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      await this.reconcile(nodeId);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async reconcile(nodeId: string): Promise<void> {
    const { store, nodes, log } = this.o;
    if (this.stopped || !this.o.isOnline(nodeId)) return;
    try {
      const wanted = (await store.listWorkers(nodeId)).filter((w) => w.desired === 'started');
      if (wanted.length === 0) return;
      const live = new Map((await liveWorkers(nodes, nodeId)).map((w) => [w.worker_id, w]));
      for (const w of wanted) {
        const status = live.get(w.worker_id)?.status;
        if (status === 'started' || status === 'starting') continue;
        if (nodes.isStarting(nodeId, w.worker_id)) continue; // start_router is at it
        try {
          await nodes.startWorker(nodeId, w.worker_id, storedConfig('worker', w.config));
          log.info(
            { node: nodeId, worker: w.worker_id },
            'worker started: its desired state is started',
          );
        } catch (e) {
          log.warn(
            { node: nodeId, worker: w.worker_id, err: errorMessage(e) },
            'could not start a worker to match its desired state',
          );
        }
      }
    } catch (e) {
      log.warn({ node: nodeId, err: errorMessage(e) }, 'reconciliation pass failed');
    }
  }
}
