/**
 * Shared suite, key lookup: what the authenticator learns about a key, one key at a time
 * (`lookupKey`) and many at once (`lookupKeys`, a fleet reconnecting), with the same answers.
 * @module
 */
import assert from 'node:assert/strict';
import type { DomainStore } from '../../src/index.js';
import type { Case, Center } from './harness.js';
import { key, seed } from './harness.js';

/** Alice (a user in realm-a and realm-b), bob (a user in realm-b), ci (a client of both), n1 (a node). */
async function kinds(c: Center): Promise<DomainStore> {
  const d = await seed(c);
  await d.createRealm({ name: 'realm-b', owner: 'alice' });
  await d.createUser({ name: 'bob', email: 'bob@example.org' });
  await d.addUserKey('bob', key('bob-1'));
  await d.grantAccess({
    realm: 'realm-b',
    pubkey: key('bob-1'),
    role: 'cdc-admin',
    authid: 'bob',
  });
  await d.grantAccess({ realm: 'realm-b', pubkey: key('ci'), role: 'cdc-devop', authid: 'ci' });
  await d.grantAccess({ realm: 'realm-a', pubkey: key('ci'), role: 'cdc-guest', authid: 'ci' });
  await d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1' });
  return d;
}

export function lookupCases(it: Case): void {
  it('lookup', 'a key is a node, a user, a client or unknown', async (c) => {
    const d = await kinds(c);
    const pairing = await d.getPairing('realm-a', 'node1');

    assert.deepEqual(await d.lookupKey(key('n1').toUpperCase()), { kind: 'node', pairing });
    const alice = await d.lookupKey(key('alice-1'));
    assert.equal(alice.kind, 'user');
    assert.equal(alice.key.user, 'alice');
    assert.deepEqual(
      alice.access.map((a) => [a.realm, a.role]),
      [
        ['realm-a', 'cdc-owner'],
        ['realm-b', 'cdc-owner'],
      ],
    );
    const bob = await d.lookupKey(key('bob-1'));
    assert.equal(bob.kind, 'user');
    assert.deepEqual(
      bob.access.map((a) => a.role),
      ['cdc-admin'],
    );
    const ci = await d.lookupKey(key('ci'));
    assert.equal(ci.kind, 'client');
    assert.deepEqual(
      ci.access.map((a) => [a.realm, a.role, a.authid]),
      [
        ['realm-a', 'cdc-guest', 'ci'],
        ['realm-b', 'cdc-devop', 'ci'],
      ],
    );
    assert.deepEqual(await d.lookupKey(key('stranger')), { kind: 'unknown' });
    assert.deepEqual(await d.lookupKey('not a key'), { kind: 'unknown' });
  });

  it('lookup', 'many keys at once: each answered as lookupKey answers it', async (c) => {
    const d = await kinds(c);
    const asked = [
      key('ci'),
      key('n1').toUpperCase(),
      key('alice-1'),
      key('stranger'),
      'not a key',
      key('bob-1'),
      key('n1'),
      '',
    ];
    const found = await d.lookupKeys(asked);
    assert.deepEqual([...found.keys()].sort(), [...asked].sort());
    for (const k of asked) assert.deepEqual(found.get(k), await d.lookupKey(k), k);
    assert.deepEqual(
      asked.map((k) => found.get(k)?.kind),
      ['client', 'node', 'user', 'unknown', 'unknown', 'user', 'node', 'unknown'],
    );
    const ci = found.get(key('ci'));
    assert.equal(ci?.kind, 'client');
    assert.deepEqual(
      ci.access.map((a) => a.realm),
      ['realm-a', 'realm-b'],
    );
    const alice = found.get(key('alice-1'));
    assert.equal(alice?.kind, 'user');
    assert.deepEqual(
      alice.access.map((a) => [a.realm, a.role]),
      [
        ['realm-a', 'cdc-owner'],
        ['realm-b', 'cdc-owner'],
      ],
    );
  });

  it('lookup', 'duplicates, an empty list, and every answer read afresh', async (c) => {
    const d = await kinds(c);
    assert.deepEqual(await d.lookupKeys([]), new Map());
    const twice = await d.lookupKeys([key('n1'), key('n1'), key('ci'), key('ci')]);
    assert.equal(twice.size, 2);
    assert.equal(twice.get(key('n1'))?.kind, 'node');
    assert.equal(twice.get(key('ci'))?.kind, 'client');
    await d.unpairNode('realm-a', 'node1');
    await d.revokeAccess('realm-a', key('ci'));
    await d.revokeAccess('realm-b', key('ci'));
    const after = await d.lookupKeys([key('n1'), key('ci')]);
    assert.deepEqual(after.get(key('n1')), { kind: 'unknown' });
    assert.deepEqual(after.get(key('ci')), { kind: 'unknown' });
  });

  it('lookup', 'more keys than one statement takes, known ones in every chunk', async (c) => {
    const d = await kinds(c);
    const asked = Array.from({ length: 1_234 }, (_, i) => key(`unknown-${i}`));
    // Known keys early, in the middle and last, so each lies in another chunk.
    asked[3] = key('n1');
    asked[640] = key('alice-1');
    asked[1_100] = key('ci');
    asked[1_233] = key('bob-1');
    const found = await d.lookupKeys(asked);
    assert.equal(found.size, asked.length);
    const counts = new Map<string, number>();
    for (const k of asked) {
      const kind = found.get(k)?.kind ?? 'missing';
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(counts), { unknown: 1_230, node: 1, user: 2, client: 1 });
    assert.deepEqual(found.get(key('n1')), await d.lookupKey(key('n1')));
    assert.deepEqual(found.get(key('alice-1')), await d.lookupKey(key('alice-1')));
    assert.deepEqual(found.get(key('ci')), await d.lookupKey(key('ci')));
    assert.deepEqual(found.get(key('bob-1')), await d.lookupKey(key('bob-1')));
  });
}
