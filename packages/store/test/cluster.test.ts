/**
 * The cluster store on a real PostgreSQL: instances and their beats, realm leases with
 * fencing tokens, decided by the server's clock. SQLite refuses cluster mode by name.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTestDatabase, unreachable } from '@cdc/testkit';
import type { TestDatabase } from '@cdc/testkit';
import { createStoreFactory } from '../src/index.js';
import type { ClusterStore, Lease, StoreFactory } from '../src/index.js';
import { rejectsWith } from './suite/harness.js';

const skip = await unreachable();
const opts = skip === undefined ? {} : { skip };
const db: TestDatabase | undefined = skip === undefined ? await createTestDatabase() : undefined;
const factories: StoreFactory[] = [];
after(async () => {
  for (const f of factories) await f.close();
  await db?.drop();
});

async function cluster(): Promise<ClusterStore> {
  const f = createStoreFactory({ url: db!.url });
  factories.push(f);
  return await f.cluster();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(
  'cluster store - instances beat; the live ones are those within the window',
  opts,
  async () => {
    const s = await cluster();
    await s.beat({ id: 'i1', address: 'rs://10.0.0.1:9100' });
    await s.beat({ id: 'i2', address: 'rs://10.0.0.2:9100' });
    const [first] = await s.instances();
    await sleep(250);
    await s.beat({ id: 'i1', address: 'rs://10.0.0.1:9101' });
    const live = await s.liveInstances(200);
    assert.deepEqual(
      live.map((i) => [i.id, i.address]),
      [['i1', 'rs://10.0.0.1:9101']],
    );
    assert.equal(live[0]?.started, first?.started, 'a beat keeps the first start time');
    assert.ok((await s.instances()).find((i) => i.id === 'i2')!.ageMs >= 250);
    await s.forgetInstance('i2');
    assert.deepEqual(
      (await s.instances()).map((i) => i.id),
      ['i1'],
    );
    await rejectsWith(s.liveInstances(0), 'INVALID', /liveness window/);
  },
);

test(
  'cluster store - one owner per realm; a takeover after expiry raises the token',
  opts,
  async () => {
    const s = await cluster();
    const a = await s.acquire('acme', 'A', 300);
    assert.ok(a !== undefined);
    assert.equal(await s.acquire('acme', 'B', 300), undefined, 'held by A');
    const again = await s.acquire('acme', 'A', 300);
    assert.equal(again?.token, a.token, 'its owner taking it again keeps the token');
    assert.ok(await s.holds(a));
    await sleep(350);
    assert.equal(await s.holds(a), false, 'expired');
    const b = await s.acquire('acme', 'B', 300);
    assert.ok(b !== undefined);
    assert.equal(b.owner, 'B');
    assert.equal(b.token, a.token + 1);
    // A was paused past its lease: it cannot renew, and its lease is no longer the realm's.
    assert.deepEqual(await s.renew('A', [a], 300), []);
    assert.equal(await s.holds(a), false);
    assert.ok(await s.holds(b));
  },
);

test(
  'cluster store - renewing many leases in one go returns only those still ours',
  opts,
  async () => {
    const s = await cluster();
    const mine: Lease[] = [];
    for (const realm of ['r1', 'r2', 'r3']) mine.push((await s.acquire(realm, 'A', 5000))!);
    const stale = { ...mine[1]!, token: mine[1]!.token - 1 };
    const renewed = await s.renew('A', [mine[0]!, stale, mine[2]!], 5000);
    assert.deepEqual(renewed.map((l) => l.realm).sort(), ['r1', 'r3']);
    assert.ok(renewed.every((l) => l.expires >= mine[0]!.expires));
    assert.deepEqual(await s.renew('B', mine, 5000), [], "another instance's name renews nothing");
    assert.deepEqual(await s.renew('A', [], 5000), []);
  },
);

test(
  'cluster store - a released realm is free at once, for the next owner with the next token',
  opts,
  async () => {
    const s = await cluster();
    const a = (await s.acquire('handover', 'A', 60_000))!;
    await s.release({ ...a, token: a.token + 5 }); // not ours: nothing happens
    assert.equal(await s.acquire('handover', 'B', 60_000), undefined);
    await s.release(a);
    const b = await s.acquire('handover', 'B', 60_000);
    assert.equal(b?.token, a.token + 1);
    const rows = await s.leases();
    const row = rows.find((r) => r.realm === 'handover');
    assert.ok(row !== undefined);
    assert.equal(row.owner, 'B');
    assert.ok(row.remainingMs > 50_000 && row.heldMs < 10_000);
    await rejectsWith(s.acquire('x', 'A', -1), 'INVALID', /lease time/);
  },
);

test('cluster store - racing instances: exactly one wins each realm', opts, async () => {
  const stores = [await cluster(), await cluster(), await cluster()];
  const realms = Array.from({ length: 20 }, (_, i) => `race-${i}`);
  const won = await Promise.all(
    realms.flatMap((realm) => stores.map((s, i) => s.acquire(realm, `I${i}`, 60_000))),
  );
  const winners = won.filter((l) => l !== undefined);
  assert.equal(winners.length, realms.length);
  assert.equal(new Set(winners.map((l) => l.realm)).size, realms.length);
});

test(
  'cluster store - fencing: a realm store writes only while its lease is the current one',
  opts,
  async () => {
    const s = await cluster();
    const f = createStoreFactory({ url: db!.url });
    factories.push(f);
    await (await f.realm('fenced')).migrate(); // the schema made before the lease clock runs
    const a = (await s.acquire('fenced', 'A', 1000))!;
    const old = await f.realm('fenced', { fence: a });
    await old.upsertNode({ node_id: 'n1' });
    await old.createWorker({
      node_id: 'n1',
      worker_id: 'w1',
      type: 'router',
      config: {},
      desired: 'started',
    });
    const entry = {
      time: new Date().toISOString(),
      authid: 'alice',
      role: 'cdc-owner',
      procedure: 'com.crossbario.cdc.get_status@1',
      args: [],
      kwargs: {},
      outcome: 'ok' as const,
      error: null,
      message: null,
    };
    await old.appendAudit(entry);
    // A is paused past its lease; B takes the realm over.
    await sleep(1050);
    const b = (await s.acquire('fenced', 'B', 60_000))!;
    const writes: [string, () => Promise<unknown>][] = [
      ['upsertNode', () => old.upsertNode({ node_id: 'n2' })],
      ['nodeSeen', () => old.nodeSeen('n1', { time: new Date().toISOString() })],
      ['deleteWorker', () => old.deleteWorker('n1', 'w1')],
      ['updateWorker', () => old.updateWorker('n1', 'w1', { desired: 'stopped' })],
      ['appendAudit', () => old.appendAudit(entry)],
      ['deleteNode', () => old.deleteNode('n1')],
    ];
    for (const [what, write] of writes)
      await rejectsWith(write(), 'FENCED', /"fenced" is no longer served by instance "A"/).catch(
        (e: unknown) => assert.fail(`${what}: ${String(e)}`),
      );
    // Nothing of it reached the database; reads still work; B's store writes.
    const current = await f.realm('fenced', { fence: b });
    assert.deepEqual(
      (await current.listNodes()).map((n) => n.node_id),
      ['n1'],
    );
    assert.equal((await current.getWorker('n1', 'w1'))?.desired, 'started');
    assert.equal((await current.listAudit()).length, 1);
    assert.equal((await old.listNodes()).length, 1);
    await current.upsertNode({ node_id: 'n3' });
    await rejectsWith(f.realm('other', { fence: b }), 'INVALID', /cannot fence "other"/);
  },
);

test(
  'cluster store - the link secret is made once, the same for every instance',
  opts,
  async () => {
    const [a, b, c] = await Promise.all([cluster(), cluster(), cluster()]);
    const secrets = await Promise.all([a.secret('link'), b.secret('link'), c.secret('link')]);
    assert.match(secrets[0], /^[0-9a-f]{64}$/);
    assert.deepEqual(new Set(secrets).size, 1, 'racing instances read the one secret');
    assert.equal(await a.secret('link'), secrets[0], 'asked again: the same');
    assert.notEqual(await a.secret('other'), secrets[0], 'each name its own');
  },
);

test('cluster store - SQLite refuses cluster mode, naming what it needs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-cluster-'));
  const f = createStoreFactory({ dir });
  try {
    await rejectsWith(f.cluster(), 'INVALID', /cluster mode needs PostgreSQL/);
    const lease = { realm: 'r', owner: 'A', token: 1, expires: new Date().toISOString() };
    await rejectsWith(f.realm('r', { fence: lease }), 'INVALID', /needs PostgreSQL/);
  } finally {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
