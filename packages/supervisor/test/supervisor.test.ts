/**
 * A child kept running, with real processes and an injected clock (the restart delays are
 * recorded, not waited for): crash → restart with growing delays, the policies, the reset
 * after a stable run, a first start that fails, failed restarts retried, stop during backoff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WampError } from '@cdc/protocol';
import { Supervisor, startProcess } from '../src/index.js';
import type {
  Clock,
  ExitInfo,
  ManagedProcess,
  RestartInfo,
  RestartPolicy,
  SupervisorOptions,
} from '../src/index.js';
import { until } from '@cdc/testkit';
import type { TestInit, TestLifecycle } from './fixtures/lifecycle.js';
import { wampSpec } from './helpers.js';

type Run = ManagedProcess<TestLifecycle>;

/** A clock whose timers fire at once (or never, when `hold`), and whose time the test moves. */
function testClock(hold = false) {
  let now = 0;
  const clock: Clock = {
    now: () => now,
    setTimeout: (f) => (hold ? undefined : setImmediate(f)),
    clearTimeout: (t) => {
      if (t !== undefined) clearImmediate(t as NodeJS.Immediate);
    },
  };
  return {
    clock,
    advance: (ms: number) => void (now += ms),
  };
}

interface Recorded {
  sup: Supervisor<Run>;
  runs: Run[];
  restarts: RestartInfo[];
  exits: ExitInfo[];
  failures: unknown[];
}

function supervise(
  init: (restart: number) => TestInit,
  policy: RestartPolicy,
  more: Partial<SupervisorOptions<Run>> = {},
): Recorded {
  const r: Recorded = { sup: undefined as never, runs: [], restarts: [], exits: [], failures: [] };
  r.sup = new Supervisor<Run>({
    launch: (n) => {
      const p = startProcess(wampSpec(init(n)));
      r.runs.push(p);
      return p;
    },
    policy,
    backoff: { baseMs: 100, factor: 2, jitter: 0.5, random: () => 0.5, resetAfterMs: 10_000 },
    clock: testClock().clock,
    onRestarting: (info) => void r.restarts.push(info),
    onExit: (_p, e) => void r.exits.push(e),
    onStartFailed: (_p, e) => void r.failures.push(e),
    ...more,
  });
  return r;
}

const crash: TestInit = { behaviour: 'exit-after-ready', exitCode: 1 };

test('supervisor - a crashing child is restarted with growing delays, until stopped', async () => {
  const r = supervise(() => crash, 'on-failure');
  await r.sup.start();
  await until(() => r.restarts.length >= 4, 20_000, 'four restarts');
  await r.sup.stop();
  assert.deepEqual(
    r.restarts.slice(0, 4).map((x) => [x.delayMs, x.attempt]),
    [
      [75, 1],
      [150, 2],
      [300, 3],
      [600, 4],
    ],
  );
  assert.equal(r.restarts[0]?.exit?.code, 1);
  assert.ok(r.exits.slice(0, 4).every((e) => e.code === 1 && !e.expected));
  const pids = new Set(r.runs.map((p) => p.pid));
  assert.equal(pids.size, r.runs.length, 'every run is a process of its own');
  assert.equal(r.sup.restarts, r.restarts.length);
  assert.ok(['stopped', 'failed'].includes(r.sup.state));
});

test('supervisor - never restarts with policy never; on-failure not after a clean exit', async () => {
  const never = supervise(() => crash, 'never');
  await never.sup.start();
  await until(() => never.sup.state === 'failed', 10_000, 'the exit');
  assert.deepEqual(never.restarts, []);

  const clean = supervise(() => ({ ...crash, exitCode: 0 }), 'on-failure');
  await clean.sup.start();
  await until(() => clean.sup.state === 'stopped', 10_000, 'the exit');
  assert.deepEqual(clean.restarts, []);
  assert.equal(clean.exits[0]?.code, 0);
});

test('supervisor - always restarts after a clean exit too', async () => {
  const r = supervise(() => ({ ...crash, exitCode: 0 }), 'always');
  await r.sup.start();
  await until(() => r.restarts.length >= 2, 10_000, 'two restarts');
  await r.sup.stop();
  assert.equal(r.restarts[0]?.exit?.code, 0);
});

test('supervisor - a run that lasted resetAfterMs starts the backoff afresh', async () => {
  const { clock, advance } = testClock();
  const r = supervise((n) => (n === 2 ? { ...crash, exitAfterMs: 300 } : crash), 'on-failure', {
    clock,
    onReady: (p) => {
      if (r.runs.indexOf(p) === 2) advance(10_000);
    },
  });
  await r.sup.start();
  await until(() => r.restarts.length >= 4, 20_000, 'four restarts');
  await r.sup.stop();
  // The third run "ran" 10 s (the clock moved while it was up): its restart is attempt 1 again.
  assert.deepEqual(
    r.restarts.slice(0, 4).map((x) => x.attempt),
    [1, 2, 1, 2],
  );
  assert.deepEqual(
    r.restarts.slice(0, 4).map((x) => x.delayMs),
    [75, 150, 75, 150],
  );
});

test('supervisor - a failed first start rejects and is not retried, unless asked to', async () => {
  const r = supervise(() => ({ behaviour: 'fail-wamp' }), 'always');
  await assert.rejects(r.sup.start(), (e: unknown) => e instanceof WampError);
  await until(() => r.sup.state === 'failed', 10_000, 'the failed state');
  assert.deepEqual(r.restarts, []);
  assert.equal(r.failures.length, 1);

  const retried = supervise(
    (n) => (n < 2 ? { behaviour: 'fail-wamp' } : { behaviour: 'ready' }),
    'always',
    {
      retryFirstStart: true,
    },
  );
  await assert.rejects(retried.sup.start());
  await until(() => retried.sup.state === 'running', 10_000, 'a run that starts');
  assert.deepEqual(
    retried.restarts.map((x) => x.attempt),
    [1, 2],
  );
  assert.equal(retried.failures.length, 2);
  const exit = await retried.sup.stop();
  assert.equal(exit?.expected, true);
  assert.equal(retried.sup.state, 'stopped');
});

test('supervisor - a restart that fails to start is retried with the next delay', async () => {
  const r = supervise(
    (n) => (n === 0 ? crash : n === 1 ? { behaviour: 'fail-plain' } : { behaviour: 'ready' }),
    'on-failure',
  );
  await r.sup.start();
  await until(() => r.sup.state === 'running' && r.runs.length === 3, 10_000, 'the third run');
  assert.deepEqual(
    r.restarts.map((x) => [x.delayMs, x.attempt]),
    [
      [75, 1],
      [150, 2],
    ],
  );
  await r.sup.stop();
});

test('supervisor - stop during the backoff cancels the restart', async () => {
  const { clock } = testClock(true);
  const r = supervise(() => crash, 'on-failure', { clock });
  await r.sup.start();
  await until(() => r.sup.state === 'backoff', 10_000, 'the backoff');
  assert.equal(await r.sup.stop(), r.exits[0]);
  assert.equal(r.sup.state, 'stopped');
  assert.equal(r.runs.length, 1);
});
