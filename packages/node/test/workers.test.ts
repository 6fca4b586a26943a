/**
 * Worker lifecycles with real processes: guests (logs, exits, restarts, hangs, stderr spam,
 * missing executables), container workers whose components connect over a transport, start
 * and stop errors, and a clean shutdown.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WampError } from '@cdc/protocol';
import { FIXTURES, OPEN_ROLE, call, startNode, until } from './helpers.js';
import type { TestNode } from './helpers.js';

let node: TestNode;
const NODE = process.execPath;

before(async () => {
  node = await startNode(undefined, { stopGraceMs: 500 });
});
after(() => node.stop());

async function rejectsWith(p: Promise<unknown>, uri: string, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof WampError, String(e));
    assert.equal(e.uri, uri, e.message);
    if (re !== undefined) assert.match(e.message, re);
    return true;
  });
}

test('guest - output is logged, exit is reported with its code', async () => {
  const exits: Record<string, unknown>[] = [];
  await node.session.subscribe(
    'crossbar.on_worker_exited',
    (args) => void exits.push(args[0] as Record<string, unknown>),
  );
  const r = await call<Record<string, unknown>>(node.session, 'crossbar.start_worker', [
    'g-exit',
    'guest',
    {
      executable: NODE,
      arguments: [
        '-e',
        "console.log('line one'); console.error('to stderr'); setTimeout(() => process.exit(3), 200)",
      ],
    },
  ]);
  assert.equal(r['status'], 'started');
  const exit = await until(() => exits.find((e) => e['id'] === 'g-exit'), 5000, 'on_worker_exited');
  assert.equal(exit['code'], 3);
  assert.equal(exit['expected'], false);
  const w = await call<Record<string, unknown>>(node.session, 'crossbar.get_worker', ['g-exit']);
  assert.equal(w['status'], 'failed');
  assert.equal(w['exit_code'], 3);
  const log = await call<{ message: string; source: string }[]>(
    node.session,
    'crossbar.get_worker_log',
    ['g-exit'],
  );
  assert.ok(log.some((e) => e.message === 'line one' && e.source === 'stdout'));
  assert.ok(log.some((e) => e.message === 'to stderr' && e.source === 'stderr'));
  assert.ok(!(await call<string[]>(node.session, 'crossbar.get_workers')).includes('g-exit'));
});

test('guest - restarted when its options say so', async () => {
  const marker = join(node.dir, 'runs.txt');
  const script = `require('fs').appendFileSync(${JSON.stringify(marker)}, 'x'); setTimeout(() => process.exit(1), 100)`;
  await call(node.session, 'crossbar.start_worker', [
    'g-restart',
    'guest',
    { executable: NODE, arguments: ['-e', script], options: { restart: 'on-failure' } },
  ]);
  const { readFileSync } = await import('node:fs');
  await until(
    () => existsSync(marker) && readFileSync(marker, 'utf8').length >= 2,
    8000,
    'a restart',
  );
  await call(node.session, 'crossbar.stop_worker', ['g-restart']).catch(() => undefined);
});

test("guest - a restart is announced with its delay and attempt, and is the node's own", async () => {
  const restarting: Record<string, unknown>[] = [];
  const started: Record<string, unknown>[] = [];
  await node.session.subscribe(
    'crossbar.on_worker_restarting',
    (args) => void restarting.push(args[0] as Record<string, unknown>),
  );
  await node.session.subscribe(
    'crossbar.on_guest_started',
    (args) => void started.push(args[0] as Record<string, unknown>),
  );
  const first = await call<{ pid: number }>(node.session, 'crossbar.start_worker', [
    'g-again',
    'guest',
    {
      executable: NODE,
      arguments: ['-e', "console.log('run'); setTimeout(() => process.exit(5), 100)"],
      options: { restart: 'always' },
    },
  ]);
  const r = await until(
    () => restarting.find((e) => e['id'] === 'g-again'),
    5000,
    'on_worker_restarting',
  );
  assert.equal(r['attempt'], 1);
  // The node's backoff starts at 1 s, half of it jitter.
  assert.ok(
    typeof r['delay'] === 'number' && r['delay'] >= 0.5 && r['delay'] <= 1,
    String(r['delay']),
  );
  const next = await until(
    () => started.find((e) => e['id'] === 'g-again' && e['pid'] !== first.pid),
    8000,
    'the restarted run',
  );
  assert.equal(next['who'], null, "a restart is the node's own");
  await call(node.session, 'crossbar.stop_worker', ['g-again']).catch(() => undefined);
  await until(
    async () => !(await call<string[]>(node.session, 'crossbar.get_workers')).includes('g-again'),
    5000,
    'the stop',
  );
});

test('guest - its CPU affinity is set when it starts', async () => {
  const { readFileSync } = await import('node:fs');
  const cpus = await call<number>(node.session, 'crossbar.get_cpu_count');
  const r = await call<{ pid: number }>(node.session, 'crossbar.start_worker', [
    'g-pinned',
    'guest',
    {
      executable: NODE,
      arguments: ['-e', 'setInterval(() => {}, 1000)'],
      options: { cpu_affinity: [cpus - 1] },
    },
  ]);
  const status = readFileSync(`/proc/${r.pid}/status`, 'utf8');
  assert.equal(/^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1], String(cpus - 1));
  await call(node.session, 'crossbar.stop_worker', ['g-pinned']);
});

test('guest - a process that ignores SIGTERM is killed after the grace period', async () => {
  await call(node.session, 'crossbar.start_worker', [
    'g-hang',
    'guest',
    {
      executable: NODE,
      arguments: [
        '-e',
        "process.on('SIGTERM', () => {}); console.log('armed'); setInterval(() => {}, 1000)",
      ],
    },
  ]);
  await until(
    async () =>
      (await call<{ message: string }[]>(node.session, 'crossbar.get_worker_log', ['g-hang'])).some(
        (e) => e.message === 'armed',
      ),
    5000,
    'the SIGTERM handler',
  );
  const t0 = Date.now();
  const r = await call<Record<string, unknown>>(node.session, 'crossbar.stop_worker', ['g-hang']);
  assert.equal(r['id'], 'g-hang');
  assert.ok(Date.now() - t0 >= 400, 'waited for the grace period');
  const w = await call<Record<string, unknown>>(node.session, 'crossbar.get_worker', ['g-hang']);
  assert.equal(w['status'], 'stopped');
  assert.equal(w['exit_signal'], 'SIGKILL');
});

test('guest - stderr spam is kept in a bounded ring buffer and published live', async () => {
  const live: unknown[] = [];
  await node.session.subscribe('crossbar.worker.g-spam.on_log', () => void live.push(1));
  await call(node.session, 'crossbar.start_worker', [
    'g-spam',
    'guest',
    {
      executable: NODE,
      arguments: [
        '-e',
        "for (let i = 0; i < 5000; i++) console.error('spam ' + i); setInterval(() => {}, 1000)",
      ],
    },
  ]);
  await until(
    async () =>
      (await call<unknown[]>(node.session, 'crossbar.get_worker_log', ['g-spam', 5000])).length >=
      1000,
    8000,
    'the log to fill',
  );
  const log = await call<{ message: string }[]>(node.session, 'crossbar.get_worker_log', [
    'g-spam',
    5000,
  ]);
  assert.equal(log.length, 1000, 'the ring buffer keeps the last 1000 lines');
  await until(() => log.at(-1)?.message === 'spam 4999' || undefined, 1, 'the last line');
  assert.ok(live.length > 0);
  assert.deepEqual(
    (await call<unknown[]>(node.session, 'crossbar.get_worker_log', ['g-spam', 3])).length,
    3,
  );
  await call(node.session, 'crossbar.stop_worker', ['g-spam', true]);
});

test('guest - workdir and environment', async () => {
  await call(node.session, 'crossbar.start_worker', [
    'g-env',
    'guest',
    {
      executable: NODE,
      arguments: [
        '-e',
        'console.log(process.cwd() + " " + process.env.GREETING); setInterval(() => {}, 1000)',
      ],
      options: { workdir: '/tmp', env: { inherit: false, vars: { GREETING: 'hi' } } },
    },
  ]);
  await until(
    async () =>
      (await call<{ message: string }[]>(node.session, 'crossbar.get_worker_log', ['g-env'])).some(
        (e) => e.message === '/tmp hi',
      ),
    5000,
    'the guest output',
  );
  await call(node.session, 'crossbar.stop_worker', ['g-env']);
});

test('workers - start and stop errors, and the node keeps running what it ran', async () => {
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', [
      'g-missing',
      'guest',
      { executable: '/no/such/program' },
    ]),
    'crossbar.error.cannot_start',
    /not found/,
  );
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', ['w1', 'robot', {}]),
    'crossbar.error.invalid_configuration',
    /unknown worker type/,
  );
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', ['Bad Id', 'guest', { executable: NODE }]),
    'wamp.error.invalid_argument',
    /worker_id/,
  );
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', [
      'g2',
      'guest',
      { executable: NODE, colour: 'red' },
    ]),
    'crossbar.error.invalid_configuration',
    /colour/,
  );
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', ['r2', 'router', { cpu_affinity: 'all' }]),
    'crossbar.error.invalid_configuration',
    /cpu_affinity/,
  );
  await call(node.session, 'crossbar.start_worker', [
    'g-up',
    'guest',
    { executable: NODE, arguments: ['-e', 'setInterval(() => {}, 1000)'] },
  ]);
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', ['g-up', 'guest', { executable: NODE }]),
    'crossbar.error.worker_already_running',
  );
  await rejectsWith(
    call(node.session, 'crossbar.stop_worker', ['never-started']),
    'crossbar.error.worker_not_running',
  );
  await rejectsWith(
    call(node.session, 'crossbar.get_worker', ['never-started']),
    'crossbar.error.no_such_worker',
  );
  // A router worker that cannot open its transport fails to start, with the reason.
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  await rejectsWith(
    call(node.session, 'crossbar.start_worker', [
      'r-busy',
      'router',
      {
        transports: [
          { type: 'websocket', endpoint: { type: 'tcp', port, interface: '127.0.0.1' } },
        ],
      },
    ]),
    'crossbar.error.cannot_listen',
  );
  busy.close();
  assert.ok((await call<string[]>(node.session, 'crossbar.get_workers')).includes('g-up'));
  await call(node.session, 'crossbar.stop_worker', ['g-up']);
});

test('container - components connect to a router over a transport; restart and errors', async () => {
  await call(node.session, 'crossbar.start_worker', [
    'r-c',
    'router',
    {
      realms: [{ name: 'realm1', roles: [OPEN_ROLE] }],
      transports: [
        {
          type: 'rawsocket',
          id: 'rs',
          endpoint: { type: 'unix', path: join(node.dir, 'r-c.sock') },
        },
      ],
    },
  ]);
  const transport = {
    type: 'rawsocket',
    endpoint: { type: 'unix', path: join(node.dir, 'r-c.sock') },
  };
  const component = {
    type: 'module',
    path: join(FIXTURES, 'echo-component.mjs'),
    realm: 'realm1',
    transport,
  };
  await call(node.session, 'crossbar.start_worker', [
    'c1',
    'container',
    { components: [{ ...component, id: 'echo1' }] },
  ]);
  const C = 'crossbar.worker.c1.';
  assert.deepEqual(await call(node.session, `${C}get_components`), ['echo1']);
  const before = await call<{ started: string }>(node.session, `${C}get_component`, ['echo1']);
  const restarted = await call<{ started: string }>(node.session, `${C}restart_component`, [
    'echo1',
  ]);
  assert.notEqual(restarted.started, before.started);
  await call(node.session, `${C}start_component`, [
    'echo2',
    { ...component, extra: { prefix: 'com.two' } },
  ]);
  await call(node.session, `${C}stop_component`, ['echo2']);
  await rejectsWith(
    call(node.session, `${C}get_component`, ['echo2']),
    'crossbar.error.no_such_object',
  );
  await rejectsWith(
    call(node.session, `${C}start_component`, [
      'e3',
      {
        ...component,
        transport: {
          type: 'rawsocket',
          endpoint: { type: 'unix', path: join(node.dir, 'nope.sock') },
        },
      },
    ]),
    'crossbar.error.cannot_connect',
  );
  await call(node.session, 'crossbar.stop_worker', ['c1']);
  await call(node.session, 'crossbar.stop_worker', ['r-c']);
});

test('node - controller procedures: system stats, process, CPU', async () => {
  const sys = await call<Record<string, unknown>>(node.session, 'crossbar.get_system_stats');
  for (const k of ['cpu', 'memory', 'network', 'disk', 'uptime']) assert.ok(k in sys, k);
  assert.equal(
    (await call<Record<string, unknown>>(node.session, 'crossbar.get_process_info'))['pid'],
    process.pid,
  );
  assert.ok((await call<number>(node.session, 'crossbar.get_cpu_count')) >= 1);
  assert.match(await call<string>(node.session, 'crossbar.utcnow'), /Z$/);
  assert.match(await call<string>(node.session, 'crossbar.get_public_key'), /^[0-9a-f]{64}$/);
  const gc = await call<Record<string, number>>(node.session, 'crossbar.trigger_gc');
  assert.equal(typeof gc['freed'], 'number');
});
