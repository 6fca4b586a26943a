/**
 * Procedures every native process of a node offers — the controller under `crossbar.`, each
 * native worker under `crossbar.worker.<id>.` (Crossbar.io's `common/process.py`): CPU
 * count and affinity, process info and stats, stats monitoring, garbage collection, clock.
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { NativeProcessApi, NativeProcessEvents } from '@cdc/api';
import { cpuCount, getCpuAffinity, getCpus, setCpuAffinity } from '../system/affinity.js';
import { ProcessMonitor, processInfo, processStats } from '../system/process-info.js';
import type { Handlers } from './procedures.js';

/** One of the events of `E` with what it carries. */
type EventCall<E> = { [K in keyof E & string]: [event: K, args: E[K]] }[keyof E & string];

/**
 * Publish one of the contract's events `E` under the process's own prefix (`crossbar.` or
 * `crossbar.worker.<id>.`); one for more events serves where fewer are published.
 */
export type LocalPublish<E> = (...call: EventCall<E>) => void;

let gcFn: (() => void) | undefined;

/** `global.gc` without starting the process with `--expose-gc`. */
function gc(): void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

const startedAt = new Date();

export function nativeProcessProcedures(
  publish: LocalPublish<NativeProcessEvents> = () => undefined,
): Handlers<NativeProcessApi> {
  const monitor = new ProcessMonitor(process.pid, (stats) => publish('on_process_stats', [stats]));
  return {
    get_cpu_count: (p) => cpuCount(p.bool('logical', true)),
    get_cpus: () => getCpus(),
    get_cpu_affinity: () => getCpuAffinity(process.pid),
    set_cpu_affinity: async (p, c) => {
      const cpus = p.intList('cpus');
      const relative = p.bool('relative', true);
      const affinity = await setCpuAffinity(process.pid, cpus, { relative });
      publish('on_cpu_affinity_set', [{ cpus, relative, affinity, who: c.caller ?? null }]);
      return affinity;
    },
    get_process_info: () => processInfo(process.pid),
    get_process_stats: () => processStats(process.pid),
    get_process_monitor: () => monitor.status(),
    set_process_stats_monitoring: (p, c) => {
      const interval = p.number('interval', 0, 0, 3600);
      monitor.setInterval(interval);
      publish('on_process_stats_monitoring_set', [{ interval, who: c.caller ?? null }]);
      return { interval };
    },
    trigger_gc: () => {
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      gc();
      const duration = performance.now() - t0;
      const after = process.memoryUsage().heapUsed;
      // Crossbar.io returns the duration (ms); the heap figures say what it achieved.
      return { duration, before, after, freed: Math.max(0, before - after) };
    },
    utcnow: () => new Date().toISOString(),
    started: () => startedAt.toISOString(),
    uptime: () => (Date.now() - startedAt.getTime()) / 1000,
  };
}
