/**
 * Shared suite, the stores as a whole: transactions (a step failing inside the database
 * leaves nothing written), migrations (idempotent, refusing newer databases), realm
 * isolation and dropping, many realms, closed stores, read-only access, concurrency.
 * @module
 */
import assert from 'node:assert/strict';
import type { Case } from './harness.js';
import { at, key, must, rejectsWith, seed } from './harness.js';

export function lifecycleCases(it: Case): void {
  it('transactions', 'a failing grant step leaves no realm behind', async (c) => {
    const d = await seed(c);
    await c.failWrites('access', 'insert');
    await assert.rejects(d.createRealm({ name: 'realm-b', owner: 'alice' }));
    assert.equal(await d.getRealm('realm-b'), undefined);
    assert.deepEqual(
      (await d.listRealms()).map((r) => r.name),
      ['realm-a'],
    );
    // A user without keys needs no grant step: that realm is created.
    await d.createUser({ name: 'bob', email: 'bob@example.org' });
    await d.createRealm({ name: 'realm-b', owner: 'bob' });
  });

  it('transactions', 'a failing delete step keeps the grants and pairings', async (c) => {
    const d = await seed(c);
    await d.pairNode({ pubkey: key('n1'), realm: 'realm-a', node_id: 'node1' });
    await c.failWrites('realms', 'delete');
    await assert.rejects(d.deleteRealm('realm-a'));
    assert.ok(await d.getRealm('realm-a'));
    assert.equal((await d.listAccess('realm-a')).length, 1);
    assert.equal((await d.listPairings('realm-a')).length, 1);
  });

  it('transactions', 'a failing heartbeat insert leaves the node row unchanged', async (c) => {
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await r.upsertNode({ node_id: 'node1' });
    const before = await r.getNode('node1');
    await c.failWrites('heartbeats', 'insert', 'realm-a');
    await assert.rejects(
      r.recordHeartbeat({
        node_id: 'node1',
        seq: 1,
        time: at(1),
        received: at(2),
        workers: { router: 1 },
        system: {},
      }),
    );
    assert.deepEqual(await r.getNode('node1'), before);
    assert.deepEqual(await r.recentHeartbeats('node1'), []);
  });

  it('transactions', 'a failing worker insert keeps the node config and workers', async (c) => {
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await r.upsertNode({ node_id: 'node1', config: { version: 2 } });
    await r.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'router', config: {} });
    const node = await r.getNode('node1');
    const workers = await r.listWorkers();
    await c.failWrites('workers', 'insert', 'realm-a');
    await assert.rejects(
      r.setNodeWorkers('node1', {
        config: { version: 2, workers: [] },
        workers: [{ worker_id: 'r2', type: 'router', config: {} }],
      }),
    );
    assert.deepEqual(await r.getNode('node1'), node);
    assert.deepEqual(await r.listWorkers(), workers);
  });

  it('migrations', 'migrating twice, and again after reopening, keeps the data', async (c) => {
    const d = await seed(c);
    await d.migrate();
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await r.upsertNode({ node_id: 'node1' });
    await r.migrate();
    const again = c.reopen();
    const d2 = await again.domain();
    await d2.migrate();
    await d2.migrate();
    assert.equal((await d2.getUser('alice'))?.name, 'alice');
    const r2 = await again.realm('realm-a');
    await r2.migrate();
    assert.equal((await r2.listNodes()).length, 1);
  });

  it('migrations', 'a realm database from before workers migrates forward', async (c) => {
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await r.upsertNode({ node_id: 'node1', config: { version: 2 } });
    await r.recordHeartbeat({
      node_id: 'node1',
      seq: 1,
      time: at(1),
      received: at(1),
      workers: { router: 1 },
      system: {},
    });
    // Back to what the migrations up to version 3 made.
    await c.exec(
      "drop table workers; delete from cdc_migrations where name = '0004_workers'",
      'realm-a',
    );
    const old = await c.reopen().realm('realm-a');
    await rejectsWith(old.listWorkers(), 'UNAVAILABLE');
    await old.migrate();
    const node = must(await old.getNode('node1'));
    assert.deepEqual(node.config, { version: 2 });
    assert.equal(node.heartbeat, 1);
    assert.equal((await old.recentHeartbeats('node1')).length, 1);
    await old.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'router', config: {} });
    assert.equal((await r.listWorkers('node1')).length, 1);
    await old.deleteNode('node1');
    assert.deepEqual(await old.listWorkers(), []);
    await old.migrate();
  });

  it('migrations', 'two processes migrating a new database at once both succeed', async (c) => {
    const other = c.reopen();
    const [d1, d2] = await Promise.all([c.factory.domain(), other.domain()]);
    await Promise.all([d1.migrate(), d2.migrate(), d1.migrate()]);
    const [r1, r2] = await Promise.all([c.factory.realm('realm-a'), other.realm('realm-a')]);
    await Promise.all([r1.migrate(), r2.migrate()]);
    await r1.upsertNode({ node_id: 'node1' });
    assert.equal((await r2.listNodes()).length, 1);
  });

  it('migrations', 'using a store before migrating it is UNAVAILABLE', async (c) => {
    const d = await c.factory.domain();
    await rejectsWith(d.getUser('alice'), 'UNAVAILABLE', /migrate/);
    await d.migrate();
    const r = await c.factory.realm('realm-a');
    await rejectsWith(r.listNodes(), 'UNAVAILABLE', /migrate/);
  });

  it('migrations', 'a domain database migrated by a newer CDC is refused', async (c) => {
    await seed(c);
    await c.exec(`insert into cdc_migrations (name, timestamp) values ('9999_future', '${at(0)}')`);
    const d = await c.reopen().domain();
    await rejectsWith(
      d.migrate(),
      'DATABASE_TOO_NEW',
      /schema version 9999 \("9999_future"\).*knows versions up to 6 .*upgrade CDC/,
    );
  });

  it('migrations', 'a realm database migrated by a newer CDC is refused', async (c) => {
    await seed(c);
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await c.exec(
      `insert into cdc_migrations (name, timestamp) values ('0042_future', '${at(0)}')`,
      'realm-a',
    );
    await rejectsWith(r.migrate(), 'DATABASE_TOO_NEW', /version 42 .*up to 4/);
    const again = await c.reopen().realm('realm-a');
    await rejectsWith(again.migrate(), 'DATABASE_TOO_NEW', /realm-a/);
  });

  it('isolation', "one realm's data is invisible from another's store", async (c) => {
    const a = await c.factory.realm('realm-a');
    const b = await c.factory.realm('realm-b');
    await a.migrate();
    await b.migrate();
    await a.upsertNode({ node_id: 'node1', pubkey: key('a1'), extra: { realm: 'a' } });
    await a.recordHeartbeat({
      node_id: 'node1',
      seq: 1,
      time: at(1),
      received: at(1),
      workers: {},
      system: {},
    });
    await a.appendAudit({
      time: at(1),
      authid: 'alice',
      role: 'cdc-owner',
      procedure: 'p',
      args: [],
      kwargs: {},
      outcome: 'ok',
      error: null,
      message: null,
    });
    assert.equal(b.realm, 'realm-b');
    assert.deepEqual(await b.listNodes(), []);
    assert.equal(await b.getNode('node1'), undefined);
    assert.deepEqual(await b.recentHeartbeats('node1'), []);
    assert.deepEqual(await b.listAudit(), []);
    await a.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'router', config: {} });
    assert.deepEqual(await b.listWorkers(), []);
    await rejectsWith(
      b.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'router', config: {} }),
      'NOT_FOUND',
    );
    // The same node ID and key in B is B's own node.
    await b.upsertNode({ node_id: 'node1', pubkey: key('a1'), extra: { realm: 'b' } });
    assert.deepEqual((await a.getNode('node1'))?.extra, { realm: 'a' });
    assert.deepEqual((await b.getNode('node1'))?.extra, { realm: 'b' });
  });

  it('isolation', 'dropping a realm removes its data and closes its open stores', async (c) => {
    const a = await c.factory.realm('realm-a');
    const b = await c.factory.realm('realm-b');
    await a.migrate();
    await b.migrate();
    await a.upsertNode({ node_id: 'node1' });
    await b.upsertNode({ node_id: 'node1' });
    await c.factory.dropRealm('realm-a');
    await rejectsWith(a.listNodes(), 'UNAVAILABLE', /realm "realm-a" was dropped/);
    assert.equal((await b.listNodes()).length, 1);
    const fresh = await c.factory.realm('realm-a');
    await fresh.migrate();
    assert.deepEqual(await fresh.listNodes(), []);
    await c.factory.dropRealm('never-opened');
    await rejectsWith(c.factory.dropRealm('wamp.x'), 'INVALID');
  });

  it('isolation', 'many realms each keep their own data', async (c) => {
    const names = Array.from({ length: 30 }, (_, i) => `Realm.${i}@fleet-${i % 3}`);
    for (const [i, name] of names.entries()) {
      const r = await c.factory.realm(name);
      await r.migrate();
      for (let n = 0; n <= i % 4; n++) await r.upsertNode({ node_id: `node${n}`, extra: { i } });
      await r.close();
    }
    const again = c.reopen();
    for (const [i, name] of names.entries()) {
      const r = await again.realm(name);
      await r.migrate();
      const nodes = await r.listNodes();
      assert.equal(nodes.length, (i % 4) + 1, name);
      assert.ok(nodes.every((n) => (n.extra['i'] as number) === i));
    }
  });

  it('lifecycle', 'closed stores and factories refuse with UNAVAILABLE', async (c) => {
    const d = await c.factory.domain();
    await d.migrate();
    const r = await c.factory.realm('realm-a');
    await r.migrate();
    await d.close();
    await d.close();
    await rejectsWith(d.getUser('alice'), 'UNAVAILABLE', /closed/);
    const d2 = await c.factory.domain();
    assert.equal(await d2.getUser('alice'), undefined);
    await c.factory.close();
    await rejectsWith(r.listNodes(), 'UNAVAILABLE', /closed/);
    await rejectsWith(d2.getUser('alice'), 'UNAVAILABLE', /closed/);
    await rejectsWith(c.factory.domain(), 'UNAVAILABLE', /closed/);
    await rejectsWith(c.factory.realm('realm-a'), 'UNAVAILABLE', /closed/);
  });

  it('read-only', 'a read-only factory reads, and refuses writes with READ_ONLY', async (c) => {
    await seed(c);
    const w = await c.factory.realm('realm-a');
    await w.migrate();
    await w.upsertNode({ node_id: 'node1' });
    const ro = c.reopen({ readOnly: true });
    const d = await ro.domain();
    await d.migrate(); // up to date: nothing to write
    assert.equal((await d.getUser('alice'))?.name, 'alice');
    await rejectsWith(d.createUser({ name: 'bob', email: 'b@x.org' }), 'READ_ONLY', /read-only/);
    await rejectsWith(d.createRealm({ name: 'realm-b', owner: 'alice' }), 'READ_ONLY');
    const r = await ro.realm('realm-a');
    await r.migrate();
    assert.equal((await r.listNodes()).length, 1);
    await rejectsWith(r.upsertNode({ node_id: 'node2' }), 'READ_ONLY');
    await rejectsWith(
      r.createWorker({ node_id: 'node1', worker_id: 'r1', type: 'router', config: {} }),
      'READ_ONLY',
    );
    assert.equal((await c.factory.domain().then((x) => x.getUser('bob'))) ?? null, null);
    assert.equal((await w.listNodes()).length, 1);
  });

  it('concurrency', 'racing writers: one wins, the other gets ALREADY_EXISTS', async (c) => {
    const d1 = await c.factory.domain();
    await d1.migrate();
    const d2 = await c.reopen().domain();
    const results = await Promise.allSettled(
      [d1, d2, d1, d2].map((d, i) => d.createUser({ name: 'alice', email: `a${i}@x.org` })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      if (r.status === 'rejected') {
        assert.equal((r.reason as { code?: string }).code, 'ALREADY_EXISTS', String(r.reason));
      }
    }
    // Unrelated concurrent writes through two connections all succeed.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? d1 : d2).createUser({ name: `user${i}`, email: `u${i}@x.org` }),
      ),
    );
    assert.equal((await d1.getUser('user19'))?.name, 'user19');
  });
}
