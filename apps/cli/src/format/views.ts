/**
 * What each command shows a person: named columns with units, statuses coloured, times in
 * local time on a terminal. `--json` bypasses all of it and prints the API's answer.
 * @module
 */
import type {
  AuditEntry,
  NodeInfo,
  RealmStatus,
  RouterTransportInfo,
  WorkerInfo,
  WorkerStats,
} from '@cdc/api';
import { ago, bytes, duration, timestamp } from './units.js';
import { statusPaint } from './style.js';
import type { Style } from './style.js';
import { renderFields, renderTable } from './table.js';

const text = (v: unknown): string =>
  v === null || v === undefined || v === '' ? '-' : typeof v === 'string' ? v : JSON.stringify(v);

export function statusView(s: RealmStatus, style: Style): string {
  return renderFields(
    [
      ['realm', s.realm],
      [
        'nodes',
        `${s.nodes.total} total, ${s.nodes.online} online, ${s.nodes.offline} offline`,
        s.nodes.offline > 0 ? 'yellow' : undefined,
      ],
      ['uptime', `${duration(s.uptime)} (since ${timestamp(s.started, style)})`],
      ['version', s.version],
    ],
    style,
  );
}

function workerCounts(w: NodeInfo['workers']): string {
  return `${w.router} router, ${w.container} container, ${w.guest} guest`;
}

export function nodesView(nodes: readonly NodeInfo[], style: Style, now = Date.now()): string {
  return renderTable(
    nodes,
    [
      { header: 'NODE', cell: (n) => n.node_id },
      { header: 'STATUS', cell: (n) => n.status, paint: (n) => statusPaint(n.status) },
      { header: 'TYPE', cell: (n) => text(n.type) },
      { header: 'WORKERS', cell: (n) => workerCounts(n.workers) },
      {
        header: 'LAST SEEN',
        cell: (n) => (n.last_seen === null ? 'never' : ago(n.last_seen, now)),
      },
      { header: 'HEARTBEAT', cell: (n) => text(n.heartbeat), align: 'right' },
    ],
    style,
  );
}

export function nodeView(n: NodeInfo, style: Style, now = Date.now()): string {
  const extra = Object.keys(n.extra).length > 0 ? JSON.stringify(n.extra) : '-';
  return renderFields(
    [
      ['node', n.node_id],
      ['status', n.status, statusPaint(n.status)],
      ['type', text(n.type)],
      ['version', text(n.version)],
      ['workers', workerCounts(n.workers)],
      [
        'last seen',
        n.last_seen === null
          ? 'never'
          : `${timestamp(n.last_seen, style)} (${ago(n.last_seen, now)})`,
      ],
      [
        'heartbeat',
        n.heartbeat === null ? '-' : `#${n.heartbeat} at ${timestamp(n.heartbeat_time, style)}`,
      ],
      ['paired', timestamp(n.created, style)],
      ['public key', text(n.pubkey)],
      ['extra', extra],
    ],
    style,
  );
}

export function workersView(workers: readonly WorkerInfo[], style: Style): string {
  return renderTable(
    workers,
    [
      { header: 'WORKER', cell: (w) => w.id },
      { header: 'TYPE', cell: (w) => w.type },
      { header: 'STATUS', cell: (w) => w.status, paint: (w) => statusPaint(w.status) },
      { header: 'PID', cell: (w) => text(w.pid), align: 'right' },
      { header: 'STARTED', cell: (w) => timestamp(w.started, style) },
      { header: 'UPTIME', cell: (w) => duration(w.uptime), align: 'right' },
    ],
    style,
  );
}

export function workerView(w: WorkerInfo, style: Style): string {
  const fields: [string, string, ReturnType<typeof statusPaint>?][] = [
    ['worker', w.id],
    ['type', w.type],
    ['status', w.status, statusPaint(w.status)],
    ['pid', text(w.pid)],
    ['started', timestamp(w.started, style)],
    ['startup time', duration(w.startup_time)],
    ['uptime', duration(w.uptime)],
  ];
  if (w.exit_code !== undefined || w.exit_signal !== undefined)
    fields.push(['exit', `code ${text(w.exit_code)}, signal ${text(w.exit_signal)}`]);
  return renderFields(fields, style);
}

/** Crossbar.io's transport states (`state` in `get_router_transport`). */
const TRANSPORT_STATES: Record<number, string> = {
  1: 'created',
  2: 'starting',
  3: 'started',
  4: 'failed',
  5: 'stopping',
  6: 'stopped',
};

export function transportView(t: RouterTransportInfo, style: Style): string {
  const state = t.state === undefined ? '-' : (TRANSPORT_STATES[t.state] ?? String(t.state));
  const where =
    t.address?.path !== undefined
      ? t.address.path
      : t.address?.port !== undefined
        ? `port ${t.address.port}`
        : '-';
  return renderFields(
    [
      ['transport', t.id],
      ['type', text(t.type ?? (t.config as { type?: unknown }).type)],
      ['state', state, statusPaint(state)],
      ['listening on', where],
      ['since', timestamp(t.listening_since, style)],
      ['connections', text(t.connections)],
    ],
    style,
  );
}

/** Audit records, and a last line when the log holds more than were shown. */
export function auditView(records: readonly AuditEntry[], more: number, style: Style): string {
  const table = renderTable(
    records,
    [
      { header: 'TIME', cell: (r) => timestamp(r.time, style) },
      { header: 'WHO', cell: (r) => `${r.authid} (${r.role})` },
      { header: 'PROCEDURE', cell: (r) => r.procedure },
      { header: 'OUTCOME', cell: (r) => r.outcome, paint: (r) => statusPaint(r.outcome) },
      { header: 'ERROR', cell: (r) => text(r.error) },
    ],
    style,
  );
  return more > 0 ? `${table}${more} more; use --limit to see them\n` : table;
}

const seconds = (v: unknown): string =>
  typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)} s` : '-';

/** `cdc stats`: the worker's process, each figure with its unit. */
export function statsView(s: WorkerStats, style: Style): string {
  const fields: [string, string, ReturnType<typeof statusPaint>?][] = [
    ['worker', s.worker_id],
    ['type', s.type],
    ['status', s.status, statusPaint(s.status)],
    ['pid', text(s.pid)],
    ['uptime', duration(s.uptime)],
  ];
  if (s.created !== undefined) fields.push(['started', timestamp(s.created, style)]);
  if (s.cpu_times !== undefined)
    fields.push([
      'CPU time',
      `user ${seconds(s.cpu_times.user)}, system ${seconds(s.cpu_times.system)}`,
    ]);
  if (s.cpu_affinity !== undefined)
    fields.push([
      'CPU affinity',
      Array.isArray(s.cpu_affinity) ? s.cpu_affinity.join(',') : text(s.cpu_affinity),
    ]);
  for (const [k, v] of Object.entries(s.memory ?? {})) fields.push([`memory ${k}`, bytes(v)]);
  if (s.open_files !== undefined) fields.push(['open files', text(s.open_files)]);
  if (s.threads !== undefined) fields.push(['threads', text(s.threads)]);
  if (s.io !== undefined)
    fields.push(['I/O', `read ${bytes(s.io.read_bytes)}, written ${bytes(s.io.write_bytes)}`]);
  if (s.ctx_switches !== undefined)
    fields.push([
      'context switches',
      `${text(s.ctx_switches.voluntary)} voluntary, ${text(s.ctx_switches.involuntary)} involuntary`,
    ]);
  return renderFields(fields, style);
}
