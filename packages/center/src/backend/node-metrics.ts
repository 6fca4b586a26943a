/**
 * Node counts by status for the center's metrics, told at most every 100 ms: a fleet joins
 * in a storm, and counting is a pass over every node of the realm.
 * @module
 */
import type { NodeStatus } from '@cdc/api';

/** Status changes are reported at most this often. */
const COALESCE_MS = 100;

/** Runs `fn` once after `ms`; the result cancels it. */
export type Schedule = (fn: () => void, ms: number) => () => void;

const timer: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

export interface NodeMetricsOptions {
  counts(): Record<NodeStatus, number>;
  report(counts: Record<NodeStatus, number>): void;
  intervalMs?: number;
  schedule?: Schedule;
}

export class NodeMetrics {
  private cancel: (() => void) | undefined;

  constructor(private readonly o: NodeMetricsOptions) {}

  /** Some node's status changed (or a node came or went): report within the interval. */
  changed(): void {
    if (this.cancel !== undefined) return;
    this.cancel = (this.o.schedule ?? timer)(() => {
      this.cancel = undefined;
      this.report();
    }, this.o.intervalMs ?? COALESCE_MS);
  }

  /** Report now. */
  report(): void {
    this.o.report(this.o.counts());
  }

  /** Drop a report still due. */
  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }
}
