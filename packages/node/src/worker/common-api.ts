/**
 * What every native worker offers beyond the process procedures: shutdown, the node ID,
 * profilers (the V8 CPU profiler; `vmprof` is its alias) and the module search paths
 * components load from (Crossbar.io's `pythonpath`).
 * @module
 */
import { isAbsolute, resolve } from 'node:path';
import type { WorkerCommonApi, WorkerCommonEvents } from '@cdc/api';
import type { Handlers } from '../api/procedures.js';
import type { LocalPublish } from '../api/native.js';
import { Profiler } from '../system/profiler.js';

export interface WorkerState {
  nodeId: string | null;
  searchPaths: string[];
  cbdir: string;
  shutdown(reason: string): void;
}

export function commonProcedures(
  state: WorkerState,
  publish: LocalPublish<WorkerCommonEvents>,
): Handlers<WorkerCommonApi> {
  const profiler = new Profiler();
  return {
    shutdown: (_p, c) => {
      const r = { who: c.caller ?? null, when: new Date().toISOString() };
      publish('on_shutdown_requested', [r]);
      setTimeout(() => state.shutdown('shutdown requested'), 20);
      return r;
    },
    get_node_id: () => state.nodeId,
    set_node_id: (p) => {
      const id = p.id('node_id');
      state.nodeId = id;
      return id;
    },
    get_profilers: () => profiler.profilers(),
    start_profiler: async (p, c) => {
      const started = profiler.start(p.optString('profiler') ?? 'v8', p.number('runtime', 10), {
        onFinished: (rec) =>
          publish('on_profile_finished', [
            { id: rec.id, status: rec.status, error: rec.error ?? null },
          ]),
      });
      publish('on_profile_started', [{ ...started, who: c.caller ?? null }]);
      if (p.bool('start_async', true)) return { ...started, who: c.caller ?? null, async: true };
      // Synchronous: wait for the profile and return it.
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        const rec = profiler.get(started.id);
        if (rec.status !== 'running') return rec;
      }
    },
    // Pruning as `profile_worker(…, prune_percent, prune_level)` asks (SPEC §4.3).
    get_profile: (p) => {
      const opts: { prunePercent?: number; pruneLevel?: number } = {};
      if (p.raw('prune_percent') !== undefined)
        opts.prunePercent = p.number('prune_percent', 0, 0, 100);
      if (p.raw('prune_level') !== undefined) opts.pruneLevel = p.int('prune_level', 0, 0);
      return profiler.get(p.int('profile_id', 0, 0), opts);
    },
    get_pythonpath: () => [...state.searchPaths],
    add_pythonpath: (p) => {
      const paths = p.stringList('paths').map((x) => (isAbsolute(x) ? x : resolve(state.cbdir, x)));
      const fresh = paths.filter((x) => !state.searchPaths.includes(x));
      if (p.bool('prepend', true)) state.searchPaths.unshift(...fresh);
      else state.searchPaths.push(...fresh);
      publish('on_pythonpath_added', [{ paths, prepend: p.bool('prepend', true) }]);
      return [...state.searchPaths];
    },
  };
}
