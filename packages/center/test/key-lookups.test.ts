/**
 * The authenticator's coalesced key look-ups over an in-memory `lookupKeys` whose batches
 * the test answers by hand: one batch in flight at a time, the look-ups meanwhile in the
 * next; one answer per key shared by its askers; a failed batch rejects its own askers only;
 * nothing kept from one batch to the next.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyLookup } from '@cdc/store';
import { KeyLookups } from '../src/key-lookups.js';

interface Batch {
  keys: string[];
  answer(): void;
  fail(error: Error): void;
}

/** A store of key kinds whose batches wait until the test answers them. */
class FakeStore {
  readonly kinds = new Map<string, 'node' | 'client'>();
  readonly batches: Batch[] = [];
  #arrived: ((b: Batch) => void) | undefined;
  #taken = 0;

  lookupKeys = (keys: string[]): Promise<Map<string, KeyLookup>> =>
    new Promise((resolve, reject) => {
      const b: Batch = {
        keys,
        // Read when answered, as a store reads when its query runs.
        answer: () => resolve(new Map(keys.map((k) => [k, this.#lookup(k)]))),
        fail: reject,
      };
      this.batches.push(b);
      const arrived = this.#arrived;
      this.#arrived = undefined;
      arrived?.(b);
    });

  /** The next batch sent and not yet taken (already there, or when it comes). */
  next(): Promise<Batch> {
    const i = this.#taken++;
    return new Promise((resolve) => {
      const b = this.batches[i];
      if (b !== undefined) resolve(b);
      else this.#arrived = resolve;
    });
  }

  #lookup(k: string): KeyLookup {
    const kind = this.kinds.get(k);
    if (kind === 'node')
      return { kind, pairing: { pubkey: k, realm: 'r', node_id: k, extra: {}, created: 't' } };
    if (kind === 'client') return { kind, access: [] };
    return { kind: 'unknown' };
  }
}

const kindOf = async (p: Promise<KeyLookup>): Promise<string> => (await p).kind;

test('look-ups of one turn go out together; those meanwhile wait for the next batch', async () => {
  const store = new FakeStore();
  store.kinds.set('a', 'node').set('c', 'client');
  const keys = new KeyLookups(store.lookupKeys);
  const first = ['a', 'b', 'c'].map((k) => keys.lookup(k));
  const b1 = await store.next();
  assert.deepEqual(b1.keys, ['a', 'b', 'c']);
  // While the first is in flight: many look-ups, none sent yet.
  const second = ['d', 'e', 'a'].map((k) => keys.lookup(k));
  const more = Array.from({ length: 100 }, (_, i) => keys.lookup(`k${i}`));
  // A few turns of the event loop: still only the first batch.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  assert.equal(store.batches.length, 1);
  b1.answer();
  assert.deepEqual(await Promise.all(first.map(kindOf)), ['node', 'unknown', 'client']);
  const b2 = await store.next();
  assert.equal(b2.keys.length, 103);
  assert.deepEqual(b2.keys.slice(0, 3), ['d', 'e', 'a']);
  b2.answer();
  assert.deepEqual(await Promise.all(second.map(kindOf)), ['unknown', 'unknown', 'node']);
  assert.ok((await Promise.all(more.map(kindOf))).every((k) => k === 'unknown'));
  assert.equal(store.batches.length, 2);
});

test('concurrent look-ups of one key share one entry and one answer', async () => {
  const store = new FakeStore();
  store.kinds.set('n', 'node');
  const keys = new KeyLookups(store.lookupKeys);
  const asks = [keys.lookup('n'), keys.lookup('x'), keys.lookup('n'), keys.lookup('n')];
  const b = await store.next();
  assert.deepEqual(b.keys, ['n', 'x']);
  b.answer();
  const found = await Promise.all(asks);
  assert.deepEqual(
    found.map((f) => f.kind),
    ['node', 'unknown', 'node', 'node'],
  );
  assert.equal(found[0], found[2]);
});

test('a failed batch rejects each of its askers; the next batch is answered', async () => {
  const store = new FakeStore();
  store.kinds.set('a', 'client');
  const keys = new KeyLookups(store.lookupKeys);
  const failing = [keys.lookup('a'), keys.lookup('b'), keys.lookup('a')];
  const b1 = await store.next();
  const later = [keys.lookup('a'), keys.lookup('c')];
  b1.fail(new Error('pool exhausted'));
  for (const p of failing) await assert.rejects(p, /pool exhausted/);
  const b2 = await store.next();
  assert.deepEqual(b2.keys, ['a', 'c']);
  b2.answer();
  assert.deepEqual(await Promise.all(later.map(kindOf)), ['client', 'unknown']);
  // Idle again: a new look-up starts a batch of its own.
  const again = keys.lookup('b');
  (await store.next()).answer();
  assert.equal(await kindOf(again), 'unknown');
});

test('nothing is kept: a key changed between batches is seen by the next look-up', async () => {
  const store = new FakeStore();
  store.kinds.set('n', 'node');
  const keys = new KeyLookups(store.lookupKeys);
  const before = keys.lookup('n');
  const b1 = await store.next();
  // Asked while the first batch is in flight: it may have read before the unpairing.
  const during = keys.lookup('n');
  b1.answer();
  assert.equal(await kindOf(before), 'node');
  store.kinds.delete('n');
  (await store.next()).answer();
  assert.equal(await kindOf(during), 'unknown');
  const after = keys.lookup('n');
  (await store.next()).answer();
  assert.equal(await kindOf(after), 'unknown');
  assert.equal(store.batches.length, 3);
});

test('a store that throws before answering rejects the batch, not the caller', async () => {
  const keys = new KeyLookups(() => {
    throw new Error('closed');
  });
  await assert.rejects(keys.lookup('a'), /closed/);
  await assert.rejects(keys.lookup('a'), /closed/);
});
