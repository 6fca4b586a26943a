/**
 * One run of a child, with real processes: the WAMP child's handshake (ready with its
 * payload, failed with its URI, a start timeout, an exit while starting quoting its last
 * lines), its WAMP socket and own messages, log lines, and the stop escalation; a plain
 * process (spawned, missing, ignoring SIGTERM, its process group stopped with it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CrossbarErrors, WampError } from '@cdc/protocol';
import { until } from '@cdc/testkit';
import { startProcess } from '../src/index.js';
import type { LineSource } from '../src/index.js';
import { wampSpec } from './helpers.js';

async function rejectsWith(p: Promise<unknown>, uri: string, re: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof WampError, String(e));
    assert.equal(e.uri, uri);
    assert.match(String(e.args[0]), re);
    return true;
  });
}

test('wamp child - init, ready with its payload, its WAMP socket, its messages, its lines', async (t) => {
  const lines: [string, LineSource][] = [];
  const ticks: unknown[] = [];
  let hello: unknown;
  const p = startProcess(
    wampSpec(
      {
        behaviour: 'ready',
        hello: true,
        lines: [
          ['stdout', JSON.stringify({ level: 30, msg: 'starting up' })],
          ['stderr', 'a warning'],
        ],
      },
      {
        onLine: (l, s) => void lines.push([l, s]),
        onMessage: (m) => void ticks.push(m),
        onTransport: (t) =>
          t.attach({
            onMessage: (m) => (hello = m),
            onProtocolError: () => undefined,
            onClose: () => undefined,
          }),
      },
    ),
  );
  t.after(() => p.stop({ kill: true }));
  assert.equal(typeof p.pid, 'number');
  assert.deepEqual(await p.ready, { pid: p.pid });
  assert.ok(p.running);
  assert.deepEqual(ticks, [{ tick: 1 }]);
  // WAMP travels on its own socket: the HELLO may arrive after `ready`.
  assert.deepEqual(await until(() => hello, 5000, 'the HELLO'), [1, 'test.realm', {}]);
  const exit = await p.stop();
  assert.deepEqual(exit, { code: 0, signal: null, expected: true });
  assert.deepEqual(p.stopSteps, ['shutdown'], 'the polite request was enough');
  assert.deepEqual(lines, [
    [JSON.stringify({ level: 30, msg: 'starting up' }), 'stdout'],
    ['a warning', 'stderr'],
  ]);
  assert.ok(!p.running);
});

test('wamp child - a failed init is the child error, with its URI; the child exits', async () => {
  const p = startProcess(wampSpec({ behaviour: 'fail-wamp' }));
  await rejectsWith(p.ready, 'test.error.bad_init', /^test child could not start: no good$/);
  const exit = await p.exited;
  assert.equal(exit.code, 1);
  assert.equal(exit.expected, false);
  const q = startProcess(wampSpec({ behaviour: 'fail-plain' }));
  await rejectsWith(q.ready, CrossbarErrors.CANNOT_START, /could not start: plain failure/);
  await q.exited;
});

test('wamp child - no answer within the start timeout: it fails and is killed', async () => {
  const p = startProcess(wampSpec({ behaviour: 'hang' }, { startTimeoutMs: 300 }));
  await rejectsWith(p.ready, CrossbarErrors.CANNOT_START, /not ready within 0.3 s/);
  const exit = await p.exited;
  assert.equal(exit.signal, 'SIGKILL');
  assert.deepEqual(p.stopSteps, ['SIGKILL']);
});

test('wamp child - exiting while starting fails the start, naming its last lines', async () => {
  const p = startProcess(
    wampSpec({
      behaviour: 'exit-during-start',
      lines: [
        ['stderr', 'line 1'],
        ['stderr', JSON.stringify({ level: 50, msg: 'line 2' })],
        ['stderr', 'line 3'],
        ['stderr', 'line 4'],
      ],
    }),
  );
  await rejectsWith(
    p.ready,
    CrossbarErrors.CANNOT_START,
    /it exited \(code 3, signal none\): line 2 \| line 3 \| line 4$/,
  );
});

test('wamp child - stop escalates: shutdown, SIGTERM, then SIGKILL for one that ignores both', async (t) => {
  const p = startProcess(
    wampSpec({ behaviour: 'stubborn' }, { stop: { graceMs: 200, termGraceMs: 200 } }),
  );
  t.after(() => p.stop({ kill: true }));
  await p.ready;
  const exit = await p.stop();
  assert.deepEqual(p.stopSteps, ['shutdown', 'SIGTERM', 'SIGKILL']);
  assert.deepEqual(exit, { code: null, signal: 'SIGKILL', expected: true });
  assert.equal(await p.stop(), exit, 'stopping again gives the same exit');
});

test('wamp child - stop with kill is SIGKILL at once', async () => {
  const p = startProcess(wampSpec({ behaviour: 'ready' }));
  await p.ready;
  const exit = await p.stop({ kill: true });
  assert.deepEqual(p.stopSteps, ['SIGKILL']);
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.expected, true);
});

test('plain process - up once spawned, its lines, its exit code', async () => {
  const lines: string[] = [];
  const p = startProcess({
    kind: 'plain',
    name: 'guest "g"',
    executable: process.execPath,
    args: ['-e', "console.log('out'); console.error('err'); setTimeout(() => process.exit(4), 50)"],
    onLine: (l, s) => void lines.push(`${s}:${l}`),
  });
  assert.equal(await p.ready, undefined);
  const exit = await p.exited;
  assert.deepEqual(exit, { code: 4, signal: null, expected: false });
  assert.deepEqual(lines.sort(), ['stderr:err', 'stdout:out']);
});

test('plain process - a missing executable is a start failure and never spawned', async () => {
  const p = startProcess({ kind: 'plain', name: 'guest "g"', executable: '/no/such/program' });
  await rejectsWith(
    p.ready,
    CrossbarErrors.CANNOT_START,
    /executable "\/no\/such\/program" not found/,
  );
  await p.exited;
  assert.equal(p.spawned, false);
});

test('plain process - stop is SIGTERM, then SIGKILL for one that ignores it', async () => {
  const p = startProcess({
    kind: 'plain',
    name: 'guest "g"',
    executable: process.execPath,
    args: [
      '-e',
      "process.on('SIGTERM', () => {}); console.log('armed'); setInterval(() => {}, 1000)",
    ],
    stop: { graceMs: 200 },
    onLine: (l) => {
      if (l === 'armed') void p.stop();
    },
  });
  const exit = await p.exited;
  assert.deepEqual(p.stopSteps, ['SIGTERM', 'SIGKILL']);
  assert.deepEqual(exit, { code: null, signal: 'SIGKILL', expected: true });
});

/** Whether a process with this PID runs (a zombie does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

test('plain process - its own process group: stop stops what it forked (a shell and its sleep)', async () => {
  let sleepPid = 0;
  const p = startProcess({
    kind: 'plain',
    name: 'guest "g"',
    executable: '/bin/sh',
    // The shell waits for its sleep, as a guest `sh -c "…; sleep 60"` does.
    args: ['-c', 'sleep 60 & echo "sleep $!"; wait'],
    stop: { graceMs: 500 },
    onLine: (l) => {
      const m = /^sleep (\d+)$/.exec(l);
      if (m !== null) sleepPid = Number(m[1]);
    },
  });
  await p.ready;
  await until(() => sleepPid !== 0);
  assert.ok(running(sleepPid));
  const exit = await p.stop();
  assert.equal(exit.expected, true);
  assert.deepEqual(p.stopSteps, ['SIGTERM']);
  assert.equal(running(sleepPid), false, 'the forked sleep was stopped with its shell');
});

test('plain process - a forked child that ignores SIGTERM gets SIGKILL after the grace period, also once its parent is gone', async () => {
  let childPid = 0;
  const p = startProcess({
    kind: 'plain',
    name: 'guest "g"',
    executable: '/bin/sh',
    args: [
      '-c',
      `${JSON.stringify(process.execPath)} -e "process.on('SIGTERM', () => {}); console.log('child ' + process.pid); setInterval(() => {}, 1000)" & wait`,
    ],
    stop: { graceMs: 300 },
    onLine: (l) => {
      const m = /^child (\d+)$/.exec(l);
      if (m !== null) childPid = Number(m[1]);
    },
  });
  await p.ready;
  await until(() => childPid !== 0);
  await p.stop();
  assert.deepEqual(p.stopSteps, ['SIGTERM', 'SIGKILL']);
  assert.equal(running(childPid), false, 'the child that ignored SIGTERM was killed');
});
