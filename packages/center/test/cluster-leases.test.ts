/**
 * Lease keepers of several instances over a real PostgreSQL: each realm served by exactly
 * one instance, a dead instance's realms taken over after its lease time, a joining
 * instance handed its realms without two instances serving one, and a paused instance
 * finding its leases gone.
 */
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, unreachable, until } from '@cdc/testkit';
import type { TestDatabase } from '@cdc/testkit';
import { createStoreFactory } from '@cdc/store';
import type { Lease, StoreFactory } from '@cdc/store';
import { LeaseKeeper } from '../src/cluster/lease-keeper.js';
import type { LossReason } from '../src/cluster/lease-keeper.js';
import { ownerOf } from '../src/cluster/placement.js';

const skip = await unreachable();
const opts = skip === undefined ? {} : { skip };
const db: TestDatabase | undefined = skip === undefined ? await createTestDatabase() : undefined;
const factories: StoreFactory[] = [];
const keepers: LeaseKeeper[] = [];
after(async () => {
  for (const k of keepers) await k.stop(false);
  for (const f of factories) await f.close();
  await db?.drop();
});

const TTL = 1500;
const REALMS = Array.from({ length: 24 }, (_, i) => `realm-${i}`);
/** Who serves each realm now, as the instances' callbacks say; two at once fails the test. */
const serving = new Map<string, string>();
/** Realms taken while another instance served them (the keeper would swallow a throw). */
const doubles: string[] = [];
afterEach(() => assert.deepEqual(doubles, []));
const events: { id: string; realm: string; kind: 'acquired' | LossReason; token?: number }[] = [];

async function keeper(id: string): Promise<LeaseKeeper> {
  const f = createStoreFactory({ url: db!.url });
  factories.push(f);
  const k = new LeaseKeeper({
    store: await f.cluster(),
    instance: { id, address: `rs://127.0.0.1:1/${id}` },
    realms: () => Promise.resolve(REALMS),
    ttlMs: TTL,
    tickMs: 150,
    onAcquired: (lease: Lease) => {
      const other = serving.get(lease.realm);
      if (other !== undefined) doubles.push(`${id} took ${lease.realm} while ${other} served it`);
      serving.set(lease.realm, id);
      events.push({ id, realm: lease.realm, kind: 'acquired', token: lease.token });
    },
    onLost: (realm, reason) => {
      if (serving.get(realm) === id) serving.delete(realm);
      events.push({ id, realm, kind: reason });
    },
  });
  keepers.push(k);
  await k.start();
  return k;
}

const settled = (ids: string[]) => () =>
  REALMS.every((r) => serving.get(r) === ownerOf(r, ids)) && serving.size === REALMS.length;

test(
  'cluster leases - three instances: every realm served once, where placement says',
  opts,
  async () => {
    await keeper('c1');
    await keeper('c2');
    await keeper('c3');
    await until(settled(['c1', 'c2', 'c3']), 10_000, 'placement over c1, c2, c3');
  },
);

test(
  'cluster leases - a fourth joins: only its realms move, handed over, never served twice',
  opts,
  async () => {
    const before = events.length;
    await keeper('c4');
    await until(settled(['c1', 'c2', 'c3', 'c4']), 10_000, 'placement over four');
    const moves = events.slice(before);
    assert.ok(moves.some((e) => e.kind === 'handed_over'));
    for (const e of moves) {
      if (e.kind === 'acquired') assert.equal(e.id, 'c4');
      else assert.equal(e.kind, 'handed_over');
    }
  },
);

test(
  'cluster leases - an instance dies: its realms come back elsewhere after the lease time, with newer tokens',
  opts,
  async () => {
    const dead = keepers.find((_, i) => i === 1)!; // c2
    const itsRealms = [...dead.held.values()];
    assert.ok(itsRealms.length > 0);
    const t0 = Date.now();
    await dead.stop(false); // a crash: no release, no goodbye
    for (const l of itsRealms) serving.delete(l.realm); // it serves nothing any more
    await until(settled(['c1', 'c3', 'c4']), 10_000, 'takeover of c2 realms');
    const took = Date.now() - t0;
    assert.ok(took >= TTL * 0.5, `taken over after ${took} ms, before the lease could expire`);
    for (const l of itsRealms) {
      const next = events.findLast((e) => e.realm === l.realm && e.kind === 'acquired');
      assert.ok(next !== undefined && next.token! > l.token, `${l.realm}: token did not grow`);
    }
  },
);

test(
  'cluster leases - a paused instance finds its leases lost and serves none of them',
  opts,
  async () => {
    const paused = keepers[3]!; // c4
    const had = [...paused.held.keys()];
    assert.ok(had.length > 0);
    await paused.stop(false); // as SIGSTOP: nothing runs, nothing released
    for (const r of had) serving.delete(r);
    await until(settled(['c1', 'c3']), 10_000, 'takeover of the paused instance');
    await paused.tick(); // it wakes up
    assert.equal(paused.held.size, 0);
    for (const r of had)
      assert.ok(events.some((e) => e.id === 'c4' && e.realm === r && e.kind === 'lost'));
    await paused.stop(true); // and leaves
  },
);

test('cluster leases - a clean stop hands every realm over at once', opts, async () => {
  const c1 = keepers[0]!;
  const had = [...c1.held.keys()];
  const t0 = Date.now();
  await c1.stop(true);
  await until(settled(['c3']), 10_000, 'c3 serving everything');
  assert.ok(had.length > 0);
  // Released leases are free at once: no waiting for the lease time.
  assert.ok(Date.now() - t0 < TTL + 500, `took ${Date.now() - t0} ms`);
});
