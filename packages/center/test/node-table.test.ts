/**
 * The one record per node: the table lists the nodes with rows by ID and counts them by
 * status, tells who changed rows, keeps a connected node whose row went until it leaves;
 * a node's info takes its durable fields from its row alone and what the node said from
 * memory, and knows what the node said that its row lacks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeRecord } from '@cdc/store';
import { NodeTable, readHeartbeat } from '../src/backend/node-table.js';
import type { RowChange } from '../src/backend/node-table.js';

function row(node_id: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    node_id,
    pubkey: null,
    extra: {},
    created: '2026-11-27T00:00:00.000Z',
    last_seen: null,
    heartbeat: null,
    heartbeat_time: null,
    workers: {},
    version: null,
    type: null,
    config: null,
    ...over,
  };
}

test('node table - nodes with rows by ID, counts by status, row changes told', () => {
  const t = new NodeTable();
  const told: [string, RowChange][] = [];
  t.load([row('b'), row('a', { last_seen: '2026-11-27T01:00:00.000Z' })]);
  t.onRow = (s, change) => void told.push([s.id, change]);
  assert.deepEqual(told, [], 'loading tells no one');
  t.setRow(row('c"'));
  t.ensure('x').connect(9, Date.now()); // joined before its row
  assert.deepEqual(
    t.nodes().map((n) => n.id),
    ['a', 'b', 'c"'],
  );
  assert.deepEqual(t.counts(), { created: 2, online: 0, running: 0, offline: 1 });
  t.setRow(row('b', { extra: { k: 1 } }));
  t.removeRow('a');
  t.removeRow('a'); // twice: told once
  assert.deepEqual(told, [
    ['c"', 'added'],
    ['b', 'changed'],
    ['a', 'removed'],
  ]);
  assert.equal(t.get('a'), undefined, 'nothing left of it');
  assert.deepEqual(
    t.nodes().map((n) => n.id),
    ['b', 'c"'],
  );
  t.setRow(row('x'));
  assert.deepEqual(
    t.nodes().map((n) => n.id),
    ['b', 'c"', 'x'],
  );
  assert.ok(t.get('x')?.link !== undefined, 'the row joined the connected node');
});

test('node table - durable fields from the row only; what the node said from memory, until its row has it', () => {
  const t = new NodeTable();
  t.setRow(row('n1', { pubkey: 'ab'.repeat(32), extra: { site: 'a' }, type: 'crossbar' }));
  const n = t.get('n1');
  assert.ok(n !== undefined);
  assert.equal(n.unstoredKind(), undefined, 'it said nothing yet');
  const now = new Date(Date.UTC(2026, 10, 27, 12, 0, 0));
  const b = readHeartbeat(
    'n1',
    { timestamp: Number.NaN, period: 5, mrealm_id: 'r', seq: 1, workers: {}, version: '2.0.0' },
    now,
  );
  assert.equal(b.record.time, now.toISOString(), 'a bad timestamp is the arrival time');
  assert.deepEqual(b.kind, { type: 'cdc', version: '2.0.0' }, 'a version without a type: ours');
  n.heard(b);
  assert.deepEqual(n.unstoredKind(), { type: 'cdc', version: '2.0.0' });
  assert.deepEqual([n.info().type, n.info().version], ['cdc', '2.0.0']);
  t.setRow(row('n1', { extra: { site: 'b' }, type: 'cdc', version: '2.0.0' }));
  assert.equal(n.unstoredKind(), undefined, 'the row has it now');
  const i = n.info();
  assert.deepEqual([i.pubkey, i.extra], [null, { site: 'b' }], 'durable fields: the row');
  assert.equal(i.heartbeat, 1);
  assert.equal(i.last_seen, now.toISOString());
});
