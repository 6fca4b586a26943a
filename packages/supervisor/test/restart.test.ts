/** Restart policies and the backoff: exponential, capped, jittered within bounds, reset after a stable run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, wantsRestart } from '../src/index.js';
import type { ExitInfo, RestartPolicy } from '../src/index.js';

const exit = (code: number | null, signal: NodeJS.Signals | null, expected = false): ExitInfo => ({
  code,
  signal,
  expected,
});

test('policy - never, always, on-failure; an exit that was asked for is never restarted', () => {
  const cases: [RestartPolicy, ExitInfo, boolean][] = [
    ['never', exit(1, null), false],
    ['never', exit(0, null), false],
    ['always', exit(0, null), true],
    ['always', exit(null, 'SIGKILL'), true],
    ['on-failure', exit(0, null), false],
    ['on-failure', exit(2, null), true],
    ['on-failure', exit(null, 'SIGSEGV'), true],
    ['always', exit(null, 'SIGKILL', true), false],
    ['on-failure', exit(1, null, true), false],
  ];
  for (const [policy, e, want] of cases)
    assert.equal(wantsRestart(policy, e), want, `${policy} ${JSON.stringify(e)}`);
});

test('backoff - doubles from the base up to the cap; without randomness at its upper bound', () => {
  const b = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
  assert.deepEqual(
    Array.from({ length: 6 }, () => b.next(0)),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(b.attempt, 6);
});

test('backoff - jitter keeps every delay within [d × (1 − jitter), d]', () => {
  for (const jitter of [0, 0.25, 0.5, 1]) {
    const b = new Backoff({ baseMs: 1000, factor: 2, maxMs: 30_000, jitter });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = Math.min(30_000, 1000 * 2 ** b.attempt);
      const delay = b.next(0);
      seen.add(delay / d);
      assert.ok(delay <= d, `${delay} <= ${d}`);
      assert.ok(delay >= Math.floor(d * (1 - jitter)), `${delay} >= ${d * (1 - jitter)}`);
    }
    if (jitter > 0) assert.ok(seen.size > 10, 'the delays are drawn, not fixed');
  }
  const top = new Backoff({ baseMs: 1000, jitter: 0.5, random: () => 0.999_999 });
  assert.equal(top.next(0), 500, 'the largest random draw gives the lower bound');
});

test('backoff - a run of resetAfterMs or more starts from the base again', () => {
  const b = new Backoff({ baseMs: 10, jitter: 0, resetAfterMs: 5000 });
  assert.deepEqual([b.next(0), b.next(100), b.next(4999)], [10, 20, 40]);
  assert.equal(b.next(5000), 10);
  assert.equal(b.attempt, 1);
  assert.equal(b.next(0), 20);
});

test('backoff - defaults: 1 s doubling to 30 s, half of it jitter, reset after a minute', () => {
  const b = new Backoff({ random: () => 0 });
  const delays = Array.from({ length: 7 }, () => b.next(0));
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  assert.equal(new Backoff({ random: () => 0.5 }).next(0), 750);
  assert.equal(b.next(60_000), 1000);
});
