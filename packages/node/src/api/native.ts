/**
 * Procedures every native process of a node offers — the controller under `crossbar.`, each
 * native worker under `crossbar.worker.<id>.` (Crossbar.io's `common/process.py`): CPU
 * count and affinity, process info and stats, stats monitoring, garbage collection, clock.
 * @module
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpuCount, getCpuAffinity, getCpus, setCpuAffinity } from '../system/affinity.js';
import { ProcessMonitor, processInfo, processStats } from '../system/process-info.js';
import { proc } from './procedures.js';
import type { ProcedureTable } from './procedures.js';

/** Publish under the process's own prefix (`crossbar.` or `crossbar.worker.<id>.`). */
export type LocalPublish = (suffix: string, args: unknown[]) => void;

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

export function nativeProcessProcedures(publish: LocalPublish = () => undefined): ProcedureTable {
  const monitor = new ProcessMonitor(process.pid, (stats) => publish('on_process_stats', [stats]));
  return {
    get_cpu_count: proc(['logical'], (p) => cpuCount(p.bool('logical', true))),
    get_cpus: proc([], () => getCpus()),
    get_cpu_affinity: proc([], () => getCpuAffinity(process.pid)),
    set_cpu_affinity: proc(['cpus', 'relative'], async (p, c) => {
      const cpus = p.intList('cpus');
      const relative = p.bool('relative', true);
      const affinity = await setCpuAffinity(process.pid, cpus, { relative });
      publish('on_cpu_affinity_set', [{ cpus, relative, affinity, who: c.caller ?? null }]);
      return affinity;
    }),
    get_process_info: proc([], () => processInfo(process.pid)),
    get_process_stats: proc([], () => processStats(process.pid)),
    get_process_monitor: proc([], () => monitor.status()),
    set_process_stats_monitoring: proc(['interval'], (p, c) => {
      const interval = p.number('interval', 0, 0, 3600);
      monitor.setInterval(interval);
      publish('on_process_stats_monitoring_set', [{ interval, who: c.caller ?? null }]);
      return { interval };
    }),
    trigger_gc: proc([], () => {
      const before = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      gc();
      const duration = performance.now() - t0;
      const after = process.memoryUsage().heapUsed;
      // Crossbar.io returns the duration (ms); the heap figures say what it achieved.
      return { duration, before, after, freed: Math.max(0, before - after) };
    }),
    utcnow: proc([], () => new Date().toISOString()),
    started: proc([], () => startedAt.toISOString()),
    uptime: proc([], () => (Date.now() - startedAt.getTime()) / 1000),
  };
}
