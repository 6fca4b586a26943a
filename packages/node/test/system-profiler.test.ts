import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WampError } from '@cdc/protocol';
import { Profiler, type ProfileRecord } from '../src/system/profiler.js';
import {
  summarizeProfile,
  type CpuProfile,
  type CpuProfileNode,
  type TreeNode,
} from '../src/system/profile-summary.js';

const isError =
  (uri: string, name?: string) =>
  (err: unknown): boolean =>
    err instanceof WampError &&
    err.uri === uri &&
    (name === undefined || String(err.args[0]).includes(`"${name}"`));
const invalid = (name: string) => isError('wamp.error.invalid_argument', name);

function node(id: number, name: string, line: number, children: number[] = []): CpuProfileNode {
  const url = name.startsWith('(') ? '' : 'file:///app.js';
  return {
    id,
    callFrame: { functionName: name, url, lineNumber: line, columnNumber: 0 },
    children,
  };
}

/**
 * (root) → (program), main → work → work (recursion), (idle), (garbage collector);
 * ten samples of 100 µs: main 1, work 3 + 2 (recursive), program 1, gc 1, idle 2.
 * Active time 800 µs: main 75 % total / 12.5 % self, work 62.5 % (recursion counted once).
 */
function handBuilt(withTimeline = true): CpuProfile {
  const nodes = [
    node(1, '(root)', -1, [2, 3, 4, 7]),
    node(2, '(program)', -1),
    node(3, 'main', 0, [5]),
    node(4, '(idle)', -1),
    node(5, 'work', 9, [6]),
    node(6, 'work', 9),
    node(7, '(garbage collector)', -1),
  ];
  const samples = [3, 5, 5, 6, 2, 4, 5, 6, 7, 4];
  if (withTimeline) {
    return { nodes, startTime: 0, endTime: 1100, samples, timeDeltas: samples.map(() => 100) };
  }
  for (const n of nodes) n.hitCount = samples.filter((s) => s === n.id).length;
  return { nodes, startTime: 0, endTime: 1100 };
}

const shape = (t: TreeNode): unknown => [t.name, t.total_percent, t.children.map(shape)];

test('profile summary - per-function self and total shares of a known profile', () => {
  const s = summarizeProfile(handBuilt(), { prunePercent: 0 });
  assert.equal(s.samples, 10);
  assert.equal(s.duration_ms, 1.1);
  assert.equal(s.sampling_interval_us, 110);
  assert.equal(s.total_ms, 0.8);
  assert.equal(s.idle_ms, 0.2);
  assert.deepEqual(s.functions.slice(0, 2), [
    {
      name: 'main',
      url: 'file:///app.js',
      line: 1,
      self: 0.1,
      total: 0.6,
      self_percent: 12.5,
      total_percent: 75,
    },
    {
      name: 'work',
      url: 'file:///app.js',
      line: 10,
      self: 0.5,
      total: 0.5,
      self_percent: 62.5,
      total_percent: 62.5,
    },
  ]);
  assert.deepEqual(
    s.functions
      .slice(2)
      .map((f) => f.name)
      .sort(),
    ['(garbage collector)', '(program)'],
  );
  for (const f of s.functions.slice(2)) {
    assert.equal(f.total_percent, 12.5);
    assert.equal(f.line, 0);
  }
  assert.ok(!s.functions.some((f) => f.name === '(idle)' || f.name === '(root)'));
  // Without a timeline, hit counts give the same shares.
  const byHits = summarizeProfile(handBuilt(false), { prunePercent: 0, samplingIntervalUs: 100 });
  assert.deepEqual(
    byHits.functions.map((f) => [f.name, f.total_percent, f.self_percent]),
    s.functions.map((f) => [f.name, f.total_percent, f.self_percent]),
  );
  assert.equal(byHits.sampling_interval_us, 100);
});

test('profile summary - the call tree is pruned by share and by depth', () => {
  const full = summarizeProfile(handBuilt());
  assert.equal(full.tree.name, '(root)');
  assert.equal(full.tree.total_percent, 100);
  assert.deepEqual(full.tree.children.map((c) => c.name).slice(0, 1), ['main']);
  assert.deepEqual(shape(full.tree.children[0] as TreeNode), [
    'main',
    75,
    [['work', 62.5, [['work', 25, []]]]],
  ]);
  assert.deepEqual(
    full.tree.children
      .map((c) => c.name)
      .slice(1)
      .sort(),
    ['(garbage collector)', '(program)'],
  );
  const main = full.tree.children[0] as TreeNode;
  assert.equal(main.self_percent, 12.5);
  assert.equal(main.line, 1);

  const byShare = summarizeProfile(handBuilt(), { prunePercent: 30 });
  assert.deepEqual(shape(byShare.tree), ['(root)', 100, [['main', 75, [['work', 62.5, []]]]]]);
  assert.deepEqual(
    byShare.functions.map((f) => f.name),
    ['main', 'work'],
  );

  const byDepth = summarizeProfile(handBuilt(), { pruneLevel: 1 });
  assert.equal(byDepth.tree.children.length, 3);
  for (const c of byDepth.tree.children) assert.deepEqual(c.children, []);
  assert.deepEqual(summarizeProfile(handBuilt(), { pruneLevel: 0 }).tree.children, []);

  assert.throws(
    () => summarizeProfile(handBuilt(), { prunePercent: 101 }),
    invalid('prune_percent'),
  );
  assert.throws(() => summarizeProfile(handBuilt(), { pruneLevel: -1 }), invalid('prune_level'));
  assert.throws(() => summarizeProfile(handBuilt(), { pruneLevel: 1.5 }), invalid('prune_level'));
});

test('profile summary - deep recursion does not overflow the stack', () => {
  const depth = 50_000;
  const nodes: CpuProfileNode[] = [node(1, '(root)', -1, [2])];
  for (let i = 2; i <= depth; i++) nodes.push(node(i, 'recurse', 4, i < depth ? [i + 1] : []));
  const s = summarizeProfile({
    nodes,
    startTime: 0,
    endTime: 100,
    samples: [depth],
    timeDeltas: [0],
  });
  assert.deepEqual(
    s.functions.map((f) => [f.name, f.total_percent, f.self_percent]),
    [['recurse', 100, 100]],
  );
  let d = 0;
  for (let t: TreeNode | undefined = s.tree; t; t = t.children[0]) d++;
  assert.equal(d, 1001, 'root plus prune_level (1000) levels');
});

/** Spins on the CPU; the name is what the end-to-end test looks for in the profile. */
function spinForProfiler(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

/** Awaits a profile's end; the profiler's timer is unref'd, so keep the loop alive. */
async function finished(
  start: (onFinished: (r: ProfileRecord) => void) => void,
): Promise<ProfileRecord> {
  const keepAlive = setInterval(() => undefined, 1000);
  try {
    return await new Promise<ProfileRecord>((resolve) => start(resolve));
  } finally {
    clearInterval(keepAlive);
  }
}

test('profiler - lists v8 and its vmprof alias', () => {
  const list = new Profiler().profilers();
  assert.deepEqual(
    list.map((p) => p.id),
    ['v8', 'vmprof'],
  );
  assert.ok(list.every((p) => p.available && p.description));
  assert.equal(list[1]?.alias_of, 'v8');
});

test('profiler - profiles a busy function of this process end to end', async () => {
  const profiler = new Profiler();
  let started: ProfileRecord | undefined;
  const done = finished((onFinished) => {
    started = profiler.start('v8', 1, { onFinished, prunePercent: 1 });
  });
  assert.ok(started);
  assert.equal(started.status, 'running');
  assert.equal(started.profiler, 'v8');
  assert.equal(started.runtime, 1);
  assert.equal(started.finished, null);
  assert.ok(Number.isInteger(started.id));
  assert.ok(profiler.busy);
  assert.throws(() => profiler.start('v8', 1), isError('crossbar.error.already_running'));
  assert.throws(() => new Profiler().start('v8', 1), isError('crossbar.error.already_running'));
  assert.equal(profiler.get(started.id).status, 'running');
  spinForProfiler(1000);
  const rec = await done;
  assert.equal(rec.status, 'finished');
  assert.equal(rec.id, started.id);
  assert.ok(rec.finished !== null && Date.parse(rec.finished) >= Date.parse(rec.started));
  const summary = rec.profile;
  assert.ok(summary);
  // How many samples a second of spinning gives depends on the machine's load; that there
  // are samples, and that the spinning function has most of them, does not.
  assert.ok(summary.samples >= 10, `${summary.samples} samples`);
  assert.equal(summary.sampling_interval_us, 1000);
  const spin = summary.functions.find((f) => f.name === 'spinForProfiler');
  assert.ok(spin, JSON.stringify(summary.functions.map((f) => f.name)));
  assert.ok(spin.url.endsWith('system-profiler.test.js'));
  assert.ok(spin.total_percent > 50, `spin share ${spin.total_percent}`);
  assert.ok(spin.total > 0 && spin.total <= summary.total_ms, `spin total ${spin.total} ms`);
  // get() summarizes the kept raw profile with the pruning asked for.
  const coarse = profiler.get(rec.id, { prunePercent: 50 });
  assert.ok(coarse.profile?.functions.every((f) => f.total_percent >= 50));
  assert.ok(coarse.profile?.functions.some((f) => f.name === 'spinForProfiler'));
  assert.ok(profiler.rawProfile(rec.id)?.nodes.length);
  assert.equal(profiler.busy, false);
});

test('profiler - rejects bad arguments and unknown profile IDs', () => {
  const profiler = new Profiler();
  for (const runtime of [0, -1, 10000, Number.NaN, '5']) {
    assert.throws(
      () => profiler.start('v8', runtime as number),
      invalid('runtime'),
      String(runtime),
    );
  }
  assert.throws(() => profiler.start('perf', 1), invalid('profiler'));
  assert.throws(() => profiler.get(999), isError('crossbar.error.no_such_object'));
  assert.equal(profiler.busy, false);
});

test('profiler - vmprof runs the V8 profiler, close ends a profile, the last ten are kept', async () => {
  const profiler = new Profiler();
  const alias = await finished((onFinished) => profiler.start('vmprof', 0.02, { onFinished }));
  assert.equal(alias.profiler, 'vmprof');
  assert.equal(alias.status, 'finished');
  assert.ok(alias.profile);

  const closing = profiler.start('v8', 60);
  profiler.close();
  const closed = profiler.get(closing.id);
  assert.equal(closed.status, 'failed');
  assert.match(closed.error ?? '', /closed/);
  assert.equal(profiler.busy, false);

  for (let i = 0; i < 10; i++) {
    await finished((onFinished) => profiler.start('v8', 0.01, { onFinished }));
  }
  const ids = profiler.list().map((r) => r.id);
  assert.equal(ids.length, 10);
  assert.throws(() => profiler.get(alias.id), isError('crossbar.error.no_such_object'));
  assert.equal(profiler.get(ids[9] as number).status, 'finished');
});
