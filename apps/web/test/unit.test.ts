/**
 * The UI's pure parts: the node store (batched per frame, counts, filter and sort), the
 * virtual list's range, the merge patch the editor sends, the line diff, where a config
 * error's path sits in the text, the flame graph's boxes, and the hash routes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeInfo, TreeNode } from '@cdc/api';
import { NodeStore } from '../src/lib/node-store.js';
import { visibleRange } from '../src/lib/virtual.js';
import { mergePatchBetween } from '../src/lib/merge-patch.js';
import { changedLines } from '../src/lib/line-diff.js';
import { lineOfPath } from '../src/lib/json-lines.js';
import { flameBoxes } from '../src/lib/flame.js';
import { href, parseRoute } from '../src/state/route.js';

const info = (id: string, status: NodeInfo['status']): NodeInfo => ({
  node_id: id,
  status,
  extra: {},
  pubkey: null,
  created: '2026-01-01T00:00:00Z',
  last_seen: null,
  heartbeat: null,
  heartbeat_time: null,
  workers: { router: 0, container: 0, guest: 0 },
  version: null,
  type: 'cdc',
});

test('node store: a burst of status events is one flush, the latest per node wins', () => {
  const frames: (() => void)[] = [];
  const store = new NodeStore((f) => frames.push(f));
  let renders = 0;
  store.onChange(() => renders++);
  store.load([info('b', 'online'), info('a', 'offline'), info('c', 'online')]);
  assert.equal(renders, 1);
  for (let i = 0; i < 1000; i++)
    store.setStatus(i % 2 === 0 ? 'a' : 'b', i % 3 === 0 ? 'online' : 'offline');
  store.setStatus('d', 'online');
  assert.equal(frames.length, 1, 'one frame asked for');
  assert.equal(store.rows.get('a')?.status, 'offline', 'nothing applied before the frame');
  frames[0]?.();
  assert.equal(renders, 2);
  // i = 998 (a, 998 % 3 ≠ 0 → offline), i = 999 (b, 999 % 3 = 0 → online)
  assert.equal(store.rows.get('a')?.status, 'offline');
  assert.equal(store.rows.get('b')?.status, 'online');
  assert.equal(store.rows.get('d')?.status, 'online', 'a node first seen in an event');
  assert.deepEqual(Object.fromEntries(store.counts), { online: 3, offline: 1 });
  store.flush();
  assert.equal(renders, 2, 'an empty flush renders nothing');
});

test('node store: filter, search and sort', () => {
  const store = new NodeStore((f) => f());
  store.load([
    info('n10', 'online'),
    info('n2', 'offline'),
    info('x1', 'created'),
    info('n1', 'running'),
  ]);
  assert.deepEqual(
    store.select().map((r) => r.id),
    ['n1', 'n10', 'n2', 'x1'],
  );
  assert.deepEqual(
    store.select({ status: 'online' }).map((r) => r.id),
    ['n10'],
  );
  assert.deepEqual(
    store.select({ search: 'N1' }).map((r) => r.id),
    ['n1', 'n10'],
  );
  assert.deepEqual(
    store.select({ sort: 'status' }).map((r) => r.id),
    ['n2', 'n10', 'n1', 'x1'],
  );
  assert.deepEqual(
    store.select().map((r) => r.id),
    ['n1', 'n10', 'n2', 'x1'],
    'sorting by status leaves the ID order alone',
  );
});

test('virtual list: only the rows in view and a margin', () => {
  assert.deepEqual(visibleRange(0, 340, 34, 10_000, 5), { start: 0, end: 15 });
  assert.deepEqual(visibleRange(34 * 5000, 340, 34, 10_000, 5), { start: 4995, end: 5015 });
  assert.deepEqual(visibleRange(34 * 9999, 340, 34, 10_000, 5), { start: 9994, end: 10_000 });
  assert.deepEqual(visibleRange(0, 340, 34, 0, 5), { start: 0, end: 0 });
});

test('merge patch: removed keys are null, arrays replaced, nothing changed is undefined', () => {
  const a = { type: 'router', realms: [{ name: 'r1' }], options: { title: 'x', env: { a: 1 } } };
  assert.equal(mergePatchBetween(a, structuredClone(a)), undefined);
  assert.deepEqual(
    mergePatchBetween(a, { type: 'router', realms: [{ name: 'r2' }], options: { env: { a: 2 } } }),
    { realms: [{ name: 'r2' }], options: { title: null, env: { a: 2 } } },
  );
});

test('line diff: the lines that differ on each side', () => {
  const d = changedLines(['{', '  "a": 1,', '  "b": 2', '}'], ['{', '  "a": 1,', '  "b": 3', '}']);
  assert.deepEqual(d.a, [false, false, true, false]);
  assert.deepEqual(d.b, [false, false, true, false]);
  assert.deepEqual(changedLines([], ['x']).b, [true]);
});

test('json lines: a config error path is found at its field', () => {
  const text = JSON.stringify(
    { type: 'router', transports: [{ id: 't1', endpoint: { type: 'tcp', port: 'x' } }] },
    null,
    2,
  );
  const lines = text.split('\n');
  const port = lines.findIndex((l) => l.includes('"port"')) + 1;
  assert.equal(lineOfPath(text, 'transports[0].endpoint.port'), port);
  assert.equal(
    lineOfPath(text, '/transports/0/endpoint/port'.replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.')),
    port,
  );
  assert.equal(
    lineOfPath(text, 'workers[0].transports[0].endpoint.port'),
    port,
    'a prefix the editor does not hold',
  );
  assert.equal(
    lineOfPath(text, 'transports[0].endpoint.missing'),
    lines.findIndex((l) => l.includes('"endpoint"')) + 1,
  );
  assert.equal(lineOfPath(text, 'nothing'), undefined);
});

test('flame graph: widths by total share, children under their parent', () => {
  const leaf = (name: string, total: number): TreeNode => ({
    name,
    url: 'a.js',
    line: 3,
    self_percent: total,
    total_percent: total,
    children: [],
  });
  const root: TreeNode = {
    name: '(root)',
    url: '',
    line: 0,
    self_percent: 0,
    total_percent: 100,
    children: [
      { ...leaf('f', 60), self_percent: 20, children: [leaf('g', 40)] },
      leaf('h', 40),
      leaf('tiny', 0.1),
    ],
  };
  const boxes = flameBoxes(root, 0.01);
  assert.deepEqual(
    boxes.map((b) => [b.name, b.depth, Number(b.x.toFixed(2)), Number(b.w.toFixed(2))]),
    [
      ['(root)', 0, 0, 1],
      ['f', 1, 0, 0.6],
      ['g', 2, 0, 0.4],
      ['h', 1, 0.6, 0.4],
    ],
  );
  assert.equal(boxes[2]?.where, 'a.js:3');
});

test('routes: the hash names the page, odd input is the overview', () => {
  assert.deepEqual(parseRoute('#/node/n%201/worker/w1'), {
    page: 'worker',
    node: 'n 1',
    worker: 'w1',
  });
  assert.deepEqual(parseRoute('#/node/n1/router/r1'), { page: 'router', node: 'n1', router: 'r1' });
  assert.deepEqual(parseRoute('#/node/n1'), { page: 'node', node: 'n1' });
  assert.deepEqual(parseRoute('#/audit'), { page: 'audit' });
  assert.deepEqual(parseRoute('#/%E0%A4%A'), { page: 'overview' });
  assert.deepEqual(parseRoute(''), { page: 'overview' });
  assert.equal(href({ page: 'worker', node: 'n 1', worker: 'w/1' }), '#/node/n%201/worker/w%2F1');
});
