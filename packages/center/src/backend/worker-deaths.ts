/**
 * A worker that died on a node that will not restart it (its `restart` option is `never`,
 * the default) is restarted by reconciliation, if the desired state says it should run. The
 * node publishes `on_worker_restarting` right after the exit when its own supervisor takes
 * care of it; so the center waits a moment for that and reconciles the node only when it
 * did not come. Without this, the node would wait for the next sweep (30 s).
 * @module
 */

/** How long to wait for the node's own `on_worker_restarting` after an exit. */
const GRACE_MS = 1000;

export interface WorkerDeathsOptions {
  /** Reconcile the node (starts what is desired and not running). */
  reconcile(nodeId: string): void;
  graceMs?: number;
}

export class WorkerDeaths {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly o: WorkerDeathsOptions) {}

  died(nodeId: string, workerId: string): void {
    const key = `${nodeId}\0${workerId}`;
    clearTimeout(this.pending.get(key));
    const timer = setTimeout(() => {
      this.pending.delete(key);
      this.o.reconcile(nodeId);
    }, this.o.graceMs ?? GRACE_MS);
    timer.unref();
    this.pending.set(key, timer);
  }

  restarting(nodeId: string, workerId: string): void {
    const key = `${nodeId}\0${workerId}`;
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}
