/**
 * A node: its record (status, heartbeats), its controller's status, and its workers — what
 * runs on the node and what the center keeps configured for it — with start/stop where the
 * role allows (the buttons are not there otherwise; the router refuses anyway).
 */
import { useEffect, useRef } from 'preact/hooks';
import type { ConfiguredWorker, LiveWorkerInfo } from '@cdc/api';
import { client, online } from '../state/session.js';
import { nodes, watchNodes } from '../state/nodes.js';
import { href } from '../state/route.js';
import { ago, duration } from '../lib/format.js';
import { now } from '../state/clock.js';
import { KV, Problem } from '../ui/kv.js';
import { Status } from '../ui/status.js';
import { useAction, useLoad } from '../ui/use-load.js';

interface WorkerRow {
  id: string;
  type: string;
  status: string;
  desired: string | undefined;
  pid: number | null;
  uptime: number | null;
}

function merge(live: LiveWorkerInfo[] | undefined, configured: ConfiguredWorker[]): WorkerRow[] {
  const out = new Map<string, WorkerRow>();
  for (const w of live ?? [])
    out.set(w.worker_id, {
      id: w.worker_id,
      type: w.type,
      status: w.status,
      desired: undefined,
      pid: w.pid,
      uptime: w.uptime,
    });
  for (const w of configured) {
    const row = out.get(w.worker_id);
    if (row !== undefined) row.desired = w.status;
    else
      out.set(w.worker_id, {
        id: w.worker_id,
        type: w.type,
        status: live === undefined ? 'unknown' : 'stopped',
        desired: w.status,
        pid: null,
        uptime: null,
      });
  }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function Workers({ node, status }: { node: string; status: string }) {
  const c = client.value;
  // What the node last said it runs is not what it runs once it is away.
  const reachable = online.value && status !== 'offline' && status !== 'unknown';
  const live = useLoad((c) => c.config.listNodeWorkers(node), [node]);
  const configured = useLoad((c) => c.config.listWorkers(node), [node]);
  const action = useAction();
  useEffect(() => {
    if (c === undefined) return;
    const sub = c.onWorkerStatus((n) => {
      if (n === node) live.reload();
    });
    return () => void sub().catch(() => undefined);
  }, [c, node, live.reload]);
  // Asked again when the node comes or goes (not on mount: `useLoad` loads then).
  const wasReachable = useRef(reachable);
  useEffect(() => {
    if (wasReachable.current === reachable) return;
    wasReachable.current = reachable;
    live.reload();
  }, [reachable]);
  if (c === undefined) return null;
  const mayRun = c.can('config.startRouter');
  const mayStop = c.can('remote.shutdownWorker');
  const rows = merge(live.data, configured.data ?? []);
  const after = () => {
    live.reload();
    configured.reload();
  };
  return (
    <section>
      <h2>Workers</h2>
      <Problem
        text={
          live.error !== undefined ? `What runs on the node is unknown: ${live.error}` : undefined
        }
      />
      <Problem text={configured.error} />
      <Problem text={action.error} />
      <table class="grid" data-testid="workers">
        <thead>
          <tr>
            <th>worker</th>
            <th>type</th>
            <th>status</th>
            <th>should</th>
            <th class="wide">pid</th>
            <th class="wide">up</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((w) => {
            const router = w.type === 'router' && w.desired !== undefined;
            const running =
              w.status === 'running' || w.status === 'started' || w.status === 'starting';
            return (
              <tr key={w.id} data-worker={w.id}>
                <td>
                  <a href={href({ page: 'worker', node, worker: w.id })}>{w.id}</a>
                </td>
                <td>{w.type}</td>
                <td>
                  <Status status={reachable ? w.status : 'unknown'} />
                </td>
                <td>{w.desired ?? '—'}</td>
                <td class="wide">{w.pid ?? '—'}</td>
                <td class="wide">{duration(w.uptime)}</td>
                <td class="actions">
                  {router && <a href={href({ page: 'router', node, router: w.id })}>config</a>}
                  {router && reachable && mayRun && !running && (
                    <button
                      disabled={action.busy}
                      onClick={() => action.run(() => c.config.startRouter(node, w.id), after)}
                    >
                      Start
                    </button>
                  )}
                  {router && reachable && mayRun && running && (
                    <button
                      disabled={action.busy}
                      onClick={() => action.run(() => c.config.stopRouter(node, w.id), after)}
                    >
                      Stop
                    </button>
                  )}
                  {!router && reachable && mayStop && running && w.type !== 'controller' && (
                    <button
                      disabled={action.busy}
                      onClick={() => action.run(() => c.remote.shutdownWorker(node, w.id), after)}
                    >
                      Stop
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows.length === 0 && !live.loading && <p class="muted">No workers.</p>}
    </section>
  );
}

export function NodePage({ node }: { node: string }) {
  void watchNodes();
  const info = useLoad((c) => c.getNodeStatus(node), [node]);
  const controller = useLoad((c) => c.remote.getControllerStatus(node), [node]);
  const liveStatus = nodes.rows.get(node)?.status;
  // The controller is asked again when the node comes back.
  useEffect(() => {
    if (liveStatus === 'online') controller.reload();
  }, [liveStatus]);
  const n = info.data;
  const status = online.value ? (liveStatus ?? n?.status ?? 'unknown') : 'unknown';
  const cs = controller.data;
  return (
    <section>
      <p class="crumbs">
        <a href={href({ page: 'overview' })}>Nodes</a> / {node}
      </p>
      <h1>
        Node {node} <Status status={status} />
      </h1>
      <Problem text={info.error} />
      {status === 'offline' && (
        <p class="problem" role="alert">
          This node is offline: what it runs cannot be asked now.
        </p>
      )}
      {n !== undefined && (
        <KV
          items={[
            ['kind', `${n.type ?? '—'} ${n.version ?? ''}`],
            ['public key', <code>{n.pubkey ?? '—'}</code>],
            ['last seen', ago(n.last_seen, now.value)],
            [
              'heartbeat',
              n.heartbeat === null ? '—' : `#${n.heartbeat}, ${ago(n.heartbeat_time, now.value)}`,
            ],
            [
              'workers (should run)',
              `${n.workers.router} router, ${n.workers.container} container, ${n.workers.guest} guest`,
            ],
          ]}
        />
      )}
      <h2>Controller</h2>
      {controller.error !== undefined ? (
        <p class="muted">{controller.error}</p>
      ) : cs !== undefined ? (
        <KV
          items={[
            ['title', cs.title],
            ['started', `${cs.started} (${ago(cs.started, now.value)})`],
            ['pid', String(cs.controller_pid)],
            ['running workers', String(cs.running_workers)],
            [
              'by type',
              Object.entries(cs.workers_by_type)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', '),
            ],
            ['directory', <code>{cs.directory}</code>],
          ]}
        />
      ) : (
        <p class="muted">…</p>
      )}
      <Workers node={node} status={status} />
    </section>
  );
}
