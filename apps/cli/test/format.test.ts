/**
 * The CLI's formatting for people: durations with units, times in local time on a terminal
 * and ISO 8601 elsewhere, colours only on a terminal and never with NO_COLOR, tables whose
 * columns line up whether coloured or not.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { styleFor } from '../src/format/style.js';
import { renderTable } from '../src/format/table.js';
import { bytes, duration, timestamp } from '../src/format/units.js';
import { statsView, statusView, transportView } from '../src/format/views.js';
import { clusterStatusView } from '../src/commands/center-cluster.js';
import type { RouterTransportInfo, WorkerStats } from '@cdc/api';

const saved = { NO_COLOR: process.env['NO_COLOR'], TERM: process.env['TERM'] };
afterEach(() => {
  if (saved.NO_COLOR === undefined) delete process.env['NO_COLOR'];
  else process.env['NO_COLOR'] = saved.NO_COLOR;
  if (saved.TERM === undefined) delete process.env['TERM'];
  else process.env['TERM'] = saved.TERM;
});
const ESC = String.fromCharCode(27);

test('format - durations as the two largest units', () => {
  assert.equal(duration(0.021869940000004136), '22 ms');
  assert.equal(duration(44.349), '44s');
  assert.equal(duration(192), '3m 12s');
  assert.equal(duration(180), '3m');
  assert.equal(duration(7500), '2h 5m');
  assert.equal(duration(3 * 86_400 + 4 * 3600 + 59), '3d 4h');
  assert.equal(duration(null), '-');
  assert.equal(duration(-1), '-');
});

test('format - times: local on a terminal, ISO 8601 otherwise; sizes in binary units', () => {
  const iso = '2026-11-27T08:09:10.000Z';
  assert.equal(timestamp(iso, { tty: false, color: false }), iso);
  const d = new Date(iso);
  const local = timestamp(iso, { tty: true, color: false });
  assert.match(local, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.equal(local.slice(11, 13), String(d.getHours()).padStart(2, '0'));
  assert.equal(timestamp(null, { tty: true, color: false }), '-');
  assert.equal(bytes(512), '512 B');
  assert.equal(bytes(1536), '1.5 KiB');
  assert.equal(bytes(12.3 * 1024 * 1024), '12.3 MiB');
});

test('format - colours only on a terminal, never with NO_COLOR or TERM=dumb', () => {
  delete process.env['NO_COLOR'];
  process.env['TERM'] = 'xterm';
  assert.deepEqual(styleFor({ isTTY: true }), { tty: true, color: true });
  assert.deepEqual(styleFor({ isTTY: false }), { tty: false, color: false });
  process.env['NO_COLOR'] = '1';
  assert.deepEqual(styleFor({ isTTY: true }), { tty: true, color: false });
  delete process.env['NO_COLOR'];
  process.env['TERM'] = 'dumb';
  assert.deepEqual(styleFor({ isTTY: true }), { tty: true, color: false });
});

test('format - a coloured table lines up like a plain one', () => {
  const rows = [
    { id: 'router1', status: 'running' },
    { id: 'g', status: 'failed' },
  ];
  const cols = [
    { header: 'WORKER', cell: (r: (typeof rows)[0]) => r.id },
    {
      header: 'STATUS',
      cell: (r: (typeof rows)[0]) => r.status,
      paint: (r: (typeof rows)[0]) =>
        r.status === 'running' ? ('green' as const) : ('red' as const),
    },
  ];
  const plain = renderTable(rows, cols, { tty: true, color: false });
  assert.equal(plain, 'WORKER   STATUS\nrouter1  running\ng        failed\n');
  const coloured = renderTable(rows, cols, { tty: true, color: true });
  assert.ok(coloured.includes(`${ESC}[32mrunning${ESC}[0m`), coloured);
  // Without escape codes (and the bold header), the same text.
  assert.equal(coloured.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), ''), plain);
  assert.equal(renderTable([], cols, { tty: false, color: false }), '(none)\n');
});

test('format - status and transport read with names and units', () => {
  const style = { tty: false, color: false };
  const s = statusView(
    {
      realm: 'default',
      now: '2026-11-27T08:12:22.000Z',
      started: '2026-11-27T08:09:10.000Z',
      uptime: 192.4,
      nodes: { total: 1, online: 1, offline: 0 },
      version: '0.1.0',
    },
    style,
  );
  assert.match(s, /^nodes +1 total, 1 online, 0 offline$/m);
  assert.match(s, /^uptime +3m 12s \(since 2026-11-27T08:09:10\.000Z\)$/m);
  const t = transportView(
    {
      id: 'main',
      type: 'universal',
      config: { type: 'universal' },
      state: 3,
      address: { port: 8080 },
      connections: 2,
    } as unknown as RouterTransportInfo,
    style,
  );
  assert.match(t, /^state +started$/m);
  assert.match(t, /^listening on +port 8080$/m);
});

test('format - cdc stats: every figure with its unit, nothing raw', () => {
  const plain = { tty: false, color: false };
  const stats: WorkerStats = {
    worker_id: 'router1',
    type: 'router',
    status: 'started',
    pid: 4242,
    uptime: 192.5,
    cpu_affinity: [0, 1],
    cpu_times: { user: 1.234, system: 0.5 },
    memory: { rss: 52_428_800, vms: 1_073_741_824 },
    open_files: 23,
    threads: 11,
    io: { read_bytes: 4096, write_bytes: null },
    ctx_switches: { voluntary: 120, involuntary: 3 },
    created: '2026-12-07T20:00:00.000Z',
  };
  const out = statsView(stats, plain);
  assert.match(out, /^uptime\s+3m 12s$/m);
  assert.match(out, /^CPU time\s+user 1\.23 s, system 0\.50 s$/m);
  assert.match(out, /^CPU affinity\s+0,1$/m);
  assert.match(out, /^memory rss\s+50\.0 MiB$/m);
  assert.match(out, /^memory vms\s+1\.0 GiB$/m);
  assert.match(out, /^I\/O\s+read 4\.0 KiB, written -$/m);
  assert.match(out, /^context switches\s+120 voluntary, 3 involuntary$/m);
  assert.match(out, /^started\s+2026-12-07T20:00:00\.000Z$/m);
  assert.doesNotMatch(out, /[{}]/, 'no JSON left in it');
  // A guest (or a stopped worker) has only the basics.
  const guest = statsView(
    { worker_id: 'g1', type: 'guest', status: 'stopped', pid: null, uptime: null },
    plain,
  );
  assert.equal(guest.trim().split('\n').length, 5);
  assert.match(guest, /^pid\s+-$/m);
});

test('format - cdc center status: a live lease shows how long it is held, an expired one does not', () => {
  const started = '2026-12-08T01:00:00.000Z';
  const view = clusterStatusView(
    {
      instances: [{ id: 'i1', address: '127.0.0.1:9100', started, lastBeat: started, ageMs: 1200 }],
      realms: [
        {
          realm: 'alpha',
          owner: 'i1',
          token: 3,
          expires: started,
          remainingMs: 4000,
          heldMs: 192_000,
        },
        {
          realm: 'beta',
          owner: 'i2',
          token: 7,
          expires: started,
          remainingMs: -9000,
          heldMs: 600_000,
        },
      ],
    },
    { tty: false, color: false },
  );
  const line = (realm: string) => view.split('\n').find((l) => l.startsWith(realm)) ?? '';
  assert.match(line('alpha'), /^alpha\s+i1\s+3\s+3m 12s\s+4s$/);
  assert.match(line('beta'), /^beta\s+\(none; was i2\)\s+7\s+-\s+expired$/);
  assert.match(view, /^i1\s+127\.0\.0\.1:9100\s+\S+\s+1s ago\s+1$/m);
});
