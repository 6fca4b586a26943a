/**
 * A worker: its status, process stats, CPU affinity, its live log, and a profile run
 * (`profile_worker`) shown as a flame graph.
 */
import { useState } from 'preact/hooks';
import type { ProfileRecord } from '@cdc/api';
import { client } from '../state/session.js';
import { href } from '../state/route.js';
import { bytes, duration } from '../lib/format.js';
import { FlameGraph } from '../ui/flame-graph.js';
import { KV, Problem } from '../ui/kv.js';
import { LogView } from '../ui/log-view.js';
import { Status } from '../ui/status.js';
import { useAction, useLoad } from '../ui/use-load.js';

function Profile({ node, worker }: { node: string; worker: string }) {
  const c = client.value;
  const [seconds, setSeconds] = useState(3);
  const [result, setResult] = useState<ProfileRecord | undefined>(undefined);
  const action = useAction();
  if (c === undefined || !c.can('config.profileWorker')) return null;
  return (
    <section>
      <h2>Profile</h2>
      <div class="row controls">
        <label>
          Seconds{' '}
          <input
            type="number"
            min={1}
            max={60}
            value={seconds}
            onInput={(e) => setSeconds(Number(e.currentTarget.value))}
          />
        </label>
        <button
          disabled={action.busy}
          onClick={() =>
            action.run(async () =>
              setResult(await c.config.profileWorker(node, worker, { runtime: seconds })),
            )
          }
        >
          {action.busy ? 'Profiling…' : 'Profile'}
        </button>
      </div>
      <Problem text={action.error} />
      {result?.error !== undefined && <Problem text={result.error} />}
      {result?.profile !== undefined && <FlameGraph profile={result.profile} />}
    </section>
  );
}

export function WorkerPage({ node, worker }: { node: string; worker: string }) {
  const status = useLoad((c) => c.remote.getWorkerStatus(node, worker), [node, worker]);
  const stats = useLoad((c) => c.config.getStats(node, worker), [node, worker]);
  const affinity = useLoad((c) => c.remote.getWorkerCpuAffinity(node, worker), [node, worker]);
  const s = status.data as { status?: string; type?: string; pid?: number } | undefined;
  const st = stats.data;
  const mem = st?.memory;
  return (
    <section>
      <p class="crumbs">
        <a href={href({ page: 'overview' })}>Nodes</a> /{' '}
        <a href={href({ page: 'node', node })}>{node}</a> / {worker}
      </p>
      <h1>
        Worker {worker} {s?.status !== undefined && <Status status={s.status} />}
      </h1>
      <Problem text={status.error} />
      <button
        onClick={() => {
          status.reload();
          stats.reload();
          affinity.reload();
        }}
      >
        Refresh
      </button>
      {st !== undefined && (
        <KV
          items={[
            ['type', st.type],
            ['pid', st.pid === null ? '—' : String(st.pid)],
            ['uptime', duration(st.uptime)],
            ['memory (rss)', bytes(mem?.['rss'] ?? null)],
            [
              'CPU time',
              st.cpu_times !== undefined
                ? `user ${String(st.cpu_times.user)} s, system ${String(st.cpu_times.system)} s`
                : '—',
            ],
            ['threads', st.threads === undefined ? '—' : JSON.stringify(st.threads)],
            [
              'CPU affinity',
              affinity.error ?? (affinity.data === undefined ? '…' : JSON.stringify(affinity.data)),
            ],
          ]}
        />
      )}
      {stats.error !== undefined && <p class="muted">Stats: {stats.error}</p>}
      <LogView node={node} worker={worker} />
      <Profile node={node} worker={worker} />
    </section>
  );
}
