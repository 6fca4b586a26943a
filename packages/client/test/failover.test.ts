import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transport } from '@cdc/protocol';
import { Failover, UnreachableError, addressList } from '../src/index.js';
import { transportPair } from './memory-transport.js';

/** Addresses that answer or refuse as `up` says, with every attempt recorded. */
function instances(up: Set<string>) {
  const tried: string[] = [];
  const open = (address: string): Promise<Transport> => {
    tried.push(address);
    if (!up.has(address)) return Promise.reject(new Error(`connect ECONNREFUSED ${address}`));
    return Promise.resolve(transportPair()[0]);
  };
  return { tried, open };
}

test('failover - address lists: a list, or one comma-separated string; blanks dropped', () => {
  assert.deepEqual(addressList('ws://a/ws, ws://b/ws,'), ['ws://a/ws', 'ws://b/ws']);
  assert.deepEqual(addressList([' ws://a/ws ', '']), ['ws://a/ws']);
  assert.deepEqual(addressList(' , '), []);
  assert.throws(() => new Failover('', () => Promise.reject(new Error())), /no address given/);
});

test('failover - stays with the address that answered, moves on when it stops', async () => {
  const up = new Set(['a', 'b', 'c']);
  const { tried, open } = instances(up);
  const f = new Failover(['a', 'b', 'c'], open);
  assert.equal(f.current, 'a');
  await f.connect();
  await f.connect();
  assert.deepEqual(tried, ['a', 'a']);
  up.delete('a');
  await f.connect();
  assert.equal(f.current, 'b');
  up.add('a');
  await f.connect();
  assert.equal(f.current, 'b', 'an answering address is kept even when the first is back');
  up.delete('b');
  up.delete('c');
  await f.connect();
  assert.deepEqual(tried, ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'a']);
  assert.equal(f.current, 'a');
});

test('failover - none answers: one error naming each address and why, next round starts further on', async () => {
  const { tried, open } = instances(new Set());
  const f = new Failover('ws://a/ws,ws://b/ws', open);
  const e = await f.connect().then(
    () => assert.fail('connected to nothing'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof UnreachableError);
  assert.deepEqual(
    e.failures.map((x) => x.address),
    ['ws://a/ws', 'ws://b/ws'],
  );
  assert.match(e.message, /ws:\/\/a\/ws: connect ECONNREFUSED ws:\/\/a\/ws; ws:\/\/b\/ws: /);
  await f.connect().catch(() => undefined);
  assert.deepEqual(tried, ['ws://a/ws', 'ws://b/ws', 'ws://b/ws', 'ws://a/ws']);
});
