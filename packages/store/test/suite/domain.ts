/**
 * Shared suite, domain store: users and keys, realms, access, pairings, and the
 * uniqueness rules with their error codes.
 * @module
 */
import assert from 'node:assert/strict';
import type { Case } from './harness.js';
import { key, rejectsWith, seed } from './harness.js';

export function domainCases(it: Case): void {
  it('users', 'created users are found by name and by email in any case', async (c) => {
    const d = await c.factory.domain();
    await d.migrate();
    const u = await d.createUser({ name: 'alice', email: 'Alice@Example.org' });
    assert.equal(u.name, 'alice');
    assert.equal(u.email, 'Alice@Example.org');
    assert.match(u.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(await d.getUser('alice'), u);
    assert.deepEqual(await d.getUserByEmail('alice@example.ORG'), u);
    assert.equal(await d.getUser('bob'), undefined);
    assert.equal(await d.getUser('Not A Name'), undefined);
    assert.equal(await d.getUserByEmail('bob@example.org'), undefined);
  });

  it('users', 'names and emails are unique; bad ones are INVALID', async (c) => {
    const d = await c.factory.domain();
    await d.migrate();
    await d.createUser({ name: 'alice', email: 'alice@example.org' });
    await rejectsWith(
      d.createUser({ name: 'alice', email: 'other@example.org' }),
      'ALREADY_EXISTS',
      /user "alice" already exists/,
    );
    await rejectsWith(
      d.createUser({ name: 'bob', email: 'ALICE@example.org' }),
      'ALREADY_EXISTS',
      /email/,
    );
    for (const name of ['Al', 'al', '1alice', 'alice!', 'a'.repeat(33), 'Alice']) {
      await rejectsWith(d.createUser({ name, email: 'x@example.org' }), 'INVALID', /user name/);
    }
    for (const email of ['', 'no-at-sign', 'two words@x.org', `${'a'.repeat(250)}@x.org`]) {
      await rejectsWith(d.createUser({ name: 'carol', email }), 'INVALID', /email/);
    }
    await rejectsWith(d.createUser(null as never), 'INVALID');
    assert.equal(await d.getUser('bob'), undefined);
    assert.equal(await d.getUser('carol'), undefined);
  });

  it('users', 'a key belongs to one user; keys are listed oldest first', async (c) => {
    const d = await c.factory.domain();
    await d.migrate();
    await d.createUser({ name: 'alice', email: 'alice@example.org' });
    await d.createUser({ name: 'bob', email: 'bob@example.org' });
    const k1 = await d.addUserKey('alice', key(1).toUpperCase(), 'laptop');
    assert.deepEqual(k1, { pubkey: key(1), user: 'alice', label: 'laptop', created: k1.created });
    const k2 = await d.addUserKey('alice', key(2));
    assert.equal(k2.label, null);
    assert.deepEqual(await d.listUserKeys('alice'), [k1, k2]);
    await rejectsWith(d.addUserKey('alice', key(1)), 'ALREADY_EXISTS', /already a key of/);
    await rejectsWith(d.addUserKey('bob', key(1)), 'ALREADY_EXISTS', /another user/);
    await rejectsWith(d.addUserKey('nobody', key(3)), 'NOT_FOUND', /user "nobody"/);
    await rejectsWith(d.addUserKey('alice', 'abc'), 'INVALID', /64 hex/);
    await rejectsWith(d.addUserKey('alice', key(3).replace(/^./, 'g')), 'INVALID', /64 hex/);
    assert.deepEqual(await d.listUserKeys('bob'), []);
  });

  it('users', "a key added later gets cdc-owner in the user's realms", async (c) => {
    const d = await seed(c);
    await d.addUserKey('alice', key('alice-2'), 'phone');
    const access = await d.listAccess('realm-a');
    assert.deepEqual(
      access.map((a) => [a.pubkey, a.role, a.authid, a.label]).sort(),
      [
        [key('alice-1'), 'cdc-owner', 'alice', 'laptop'],
        [key('alice-2'), 'cdc-owner', 'alice', 'phone'],
      ].sort(),
    );
  });

  it('realms', "creating a realm grants the owner's keys cdc-owner", async (c) => {
    const d = await c.factory.domain();
    await d.migrate();
    await d.createUser({ name: 'alice', email: 'alice@example.org' });
    await d.addUserKey('alice', key(1), 'laptop');
    await d.addUserKey('alice', key(2), null);
    const extra = { z: 1, a: { nested: [1, 'two', null, true] }, ü: 'ñ' };
    const r = await d.createRealm({ name: 'com.example.Realm@1', owner: 'alice', extra });
    assert.deepEqual(r, { name: 'com.example.Realm@1', owner: 'alice', created: r.created, extra });
    assert.deepEqual(await d.getRealm('com.example.Realm@1'), r);
    const access = await d.listAccess('com.example.Realm@1');
    assert.equal(access.length, 2);
    for (const a of access) {
      assert.equal(a.role, 'cdc-owner');
      assert.equal(a.authid, 'alice');
      assert.equal(a.realm, 'com.example.Realm@1');
    }
    assert.deepEqual(access.map((a) => a.label).sort(), ['laptop', null].sort());
    const plain = await d.createRealm({ name: 'realm-b', owner: 'alice' });
    assert.deepEqual(plain.extra, {});
    assert.deepEqual(
      (await d.listRealms()).map((x) => x.name),
      ['com.example.Realm@1', 'realm-b'],
    );
  });

  it('realms', 'bad, reserved and taken names are refused; the owner must exist', async (c) => {
    const d = await seed(c);
    await rejectsWith(
      d.createRealm({ name: 'realm-a', owner: 'alice' }),
      'ALREADY_EXISTS',
      /realm "realm-a" already exists/,
    );
    for (const name of ['ab', '1realm', 'realm a', 'realm/x', 'x'.repeat(256)]) {
      await rejectsWith(d.createRealm({ name, owner: 'alice' }), 'INVALID', /realm name/);
    }
    for (const name of ['com.crossbario.cdc', 'wamp.realm', 'crossbar', 'crossbarfabric']) {
      await rejectsWith(d.createRealm({ name, owner: 'alice' }), 'INVALID', /reserved/);
    }
    await rejectsWith(d.createRealm({ name: 'realm-z', owner: 'bob' }), 'NOT_FOUND', /"bob"/);
    await rejectsWith(
      d.createRealm({ name: 'realm-z', owner: 'alice', extra: [] as never }),
      'INVALID',
      /extra/,
    );
    assert.deepEqual(
      (await d.listRealms()).map((r) => r.name),
      ['realm-a'],
    );
    assert.equal(await d.getRealm('com.crossbario.cdc'), undefined);
  });

  it('realms', 'deleting a realm removes its grants and pairings only', async (c) => {
    const d = await seed(c);
    await d.createRealm({ name: 'realm-b', owner: 'alice' });
    await d.grantAccess({ realm: 'realm-a', pubkey: key('c'), role: 'cdc-guest', authid: 'ci' });
    await d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1' });
    await d.pairNode({ pubkey: key('n2'), realm: 'realm-b', node_id: 'node1' });
    assert.equal(await d.deleteRealm('realm-a'), true);
    assert.equal(await d.deleteRealm('realm-a'), false);
    assert.equal(await d.getRealm('realm-a'), undefined);
    assert.deepEqual(await d.listAccess('realm-a'), []);
    assert.deepEqual(await d.listPairings('realm-a'), []);
    assert.deepEqual((await d.lookupKey(key('n1'))).kind, 'unknown');
    assert.deepEqual((await d.lookupKey(key('c'))).kind, 'unknown');
    assert.equal((await d.listAccess('realm-b')).length, 1);
    assert.equal((await d.listPairings('realm-b')).length, 1);
    // The name is free again.
    await d.createRealm({ name: 'realm-a', owner: 'alice' });
    assert.equal((await d.listAccess('realm-a')).length, 1);
  });

  it('access', 'grants are created, changed, listed and revoked', async (c) => {
    const d = await seed(c);
    const g = await d.grantAccess({
      realm: 'realm-a',
      pubkey: key('ci').toUpperCase(),
      role: 'cdc-devop',
      authid: 'ci-bot',
      label: 'CI',
    });
    assert.deepEqual(g, {
      realm: 'realm-a',
      pubkey: key('ci'),
      role: 'cdc-devop',
      authid: 'ci-bot',
      label: 'CI',
      created: g.created,
    });
    const changed = await d.grantAccess({
      realm: 'realm-a',
      pubkey: key('ci'),
      role: 'cdc-admin',
      authid: 'ci-bot',
    });
    assert.equal(changed.role, 'cdc-admin');
    assert.equal(changed.label, null);
    assert.equal(changed.created, g.created);
    assert.equal((await d.listAccess('realm-a')).length, 2);
    assert.equal(await d.revokeAccess('realm-a', key('ci')), true);
    assert.equal(await d.revokeAccess('realm-a', key('ci')), false);
    assert.equal(await d.revokeAccess('realm-a', 'not-a-key'), false);
    assert.deepEqual(
      (await d.listAccess('realm-a')).map((a) => a.pubkey),
      [key('alice-1')],
    );
    await rejectsWith(
      d.grantAccess({ realm: 'nope-realm', pubkey: key(1), role: 'cdc-guest', authid: 'x' }),
      'NOT_FOUND',
      /realm "nope-realm"/,
    );
    await rejectsWith(
      d.grantAccess({ realm: 'realm-a', pubkey: key(1), role: 'root' as never, authid: 'x' }),
      'INVALID',
      /role/,
    );
    await rejectsWith(
      d.grantAccess({ realm: 'realm-a', pubkey: key(1), role: 'cdc-guest', authid: '' }),
      'INVALID',
      /authid/,
    );
  });

  it('pairings', 'nodes are paired, found, listed and unpaired', async (c) => {
    const d = await seed(c);
    const extra = { site: 'berlin', rack: 7 };
    const p = await d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1', extra });
    assert.deepEqual(p, {
      pubkey: key('n1'),
      realm: 'realm-a',
      node_id: 'node1',
      extra,
      created: p.created,
    });
    await d.pairNode({ pubkey: key('n2'), realm: 'realm-a', node_id: 'node0' });
    assert.deepEqual(await d.getPairing('realm-a', 'node1'), p);
    assert.equal(await d.getPairing('realm-a', 'node9'), undefined);
    assert.deepEqual(
      (await d.listPairings('realm-a')).map((x) => x.node_id),
      ['node0', 'node1'],
    );
    assert.deepEqual(await d.unpairNode('realm-a', 'node1'), p);
    assert.equal(await d.unpairNode('realm-a', 'node1'), undefined);
    assert.equal((await d.lookupKey(key('n1'))).kind, 'unknown');
    // Unpaired, the key may pair again, elsewhere too.
    await d.createRealm({ name: 'realm-b', owner: 'alice' });
    await d.pairNode({ pubkey: key('n1'), realm: 'realm-b', node_id: 'node1' });
  });

  it('pairings', 'a key pairs with one realm and a node ID has one key', async (c) => {
    const d = await seed(c);
    await d.createRealm({ name: 'realm-b', owner: 'alice' });
    await d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1' });
    await rejectsWith(
      d.pairNode({ pubkey: key('n1'), realm: 'realm-b', node_id: 'other' }),
      'ALREADY_EXISTS',
      /already paired as node "node1" of realm "realm-a"/,
    );
    await rejectsWith(
      d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1' }),
      'ALREADY_EXISTS',
    );
    await rejectsWith(
      d.pairNode({ pubkey: key('n2'), realm: 'realm-a', node_id: 'node1' }),
      'ALREADY_EXISTS',
      /node ID "node1" of realm "realm-a"/,
    );
    // The same node ID in another realm is another node.
    await d.pairNode({ pubkey: key('n2'), realm: 'realm-b', node_id: 'node1' });
    await rejectsWith(
      d.pairNode({ pubkey: key('n3'), realm: 'nope-realm', node_id: 'node1' }),
      'NOT_FOUND',
    );
    for (const node_id of ['', 'Node1', '-node', 'n'.repeat(65), 'node.1']) {
      await rejectsWith(
        d.pairNode({ pubkey: key('n3'), realm: 'realm-a', node_id }),
        'INVALID',
        /node ID/,
      );
    }
    await rejectsWith(
      d.pairNode({ pubkey: 'x', realm: 'realm-a', node_id: 'node3' }),
      'INVALID',
      /public key/,
    );
  });

  it('pairings', 'user and client keys cannot pair, node keys cannot be granted', async (c) => {
    const d = await seed(c);
    await rejectsWith(
      d.pairNode({ pubkey: key('alice-1'), realm: 'realm-a', node_id: 'node1' }),
      'CONFLICT',
      /user's key/,
    );
    await d.grantAccess({ realm: 'realm-a', pubkey: key('ci'), role: 'cdc-guest', authid: 'ci' });
    await rejectsWith(
      d.pairNode({ pubkey: key('ci'), realm: 'realm-a', node_id: 'node1' }),
      'CONFLICT',
      /API client/,
    );
    await d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1' });
    await rejectsWith(
      d.grantAccess({ realm: 'realm-a', pubkey: key('n1'), role: 'cdc-guest', authid: 'x' }),
      'CONFLICT',
      /paired as node "node1"/,
    );
    await rejectsWith(d.addUserKey('alice', key('n1')), 'CONFLICT', /paired as node/);
  });
}
