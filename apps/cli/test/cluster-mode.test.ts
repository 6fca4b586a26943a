/**
 * Cluster mode (SPEC §9, issue 17): three `cdc center start --cluster` instances on one
 * PostgreSQL test database. Realms spread over them; a node given all three URLs reaches its
 * realm's owner and runs its desired router; kill -9 of the owner moves the realm within the
 * lease time and the node comes back with its router; a paused owner (SIGSTOP) loses its
 * lease and its late writes are refused by the fence; SIGTERM hands realms over at once.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from '@cdc/client';
import { createTestDatabase, unreachable } from '@cdc/testkit';
import type { TestDatabase } from '@cdc/testkit';
import { Proc } from './faults/procs.js';
import { CenterCluster, LEASE_S, until } from './cluster/instances.js';
import { pairNode, startNode } from './cluster/faults.js';

const skip = await unreachable();
const root = mkdtempSync(join(tmpdir(), 'cdc-cluster-'));
const ownerKey = join(root, 'owner');
const REALMS = ['default', 'alpha', 'bravo', 'charlie', 'delta'];
let db: TestDatabase | undefined;
let cluster: CenterCluster | undefined;
let node: Proc | undefined;
let api: Connection | undefined;

before(async () => {
  if (skip !== undefined) return;
  db = await createTestDatabase();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@x', '-f', ownerKey]);
  cluster = new CenterCluster({ databaseUrl: db.url, root, ownerKey });
  for (const id of ['i1', 'i2', 'i3']) await cluster.start(id);
  for (const r of REALMS.slice(1))
    await cluster.cdc(['center', 'add-realm', r, '--owner-key', `${ownerKey}.pub`, '--dir', root]);
});

after(async () => {
  // For a failure's post-mortem: every instance's last log lines, into this file.
  const dump = process.env['CDC_TEST_CLUSTER_LOGS'];
  if (dump !== undefined && cluster !== undefined)
    writeFileSync(
      dump,
      [...cluster.instances.values()].map((i) => `== ${i.id}\n${i.proc.output()}`).join('\n') +
        `\n== node\n${node?.output() ?? ''}`,
    );
  await api?.close().catch(() => undefined);
  await node?.stop();
  await cluster?.stopAll();
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});

async function call(proc: string, args: unknown[]): Promise<unknown> {
  const s = api?.session;
  if (s === undefined || api?.isJoined !== true) throw new Error('reconnecting');
  return (await s.call(proc, args)).value;
}

/** The node's status and its desired router's, as the realm's owner sees them. */
async function routerRuns(): Promise<true | undefined> {
  const st = (await call('com.crossbario.cdc.get_node_status@1', ['n1'])) as { status: string };
  if (st.status !== 'online' && st.status !== 'running') return undefined;
  const live = (await call('io.crossbar.cdc.list_node_workers@1', ['n1'])) as {
    worker_id: string;
    status: string;
  }[];
  return live.find((w) => w.worker_id === 'router1')?.status === 'started' ? true : undefined;
}

test('cluster - realms spread over the instances, each with one live owner', { skip }, async () => {
  const c = cluster as CenterCluster;
  const s = await until(async () => {
    const st = await c.status();
    const live = st.realms.filter((r) => r.remainingMs > 0);
    return live.length === REALMS.length + 1 ? st : undefined;
  }, 'every realm (and the global realm) owned');
  const owners = new Set(s.realms.map((r) => r.owner));
  assert.ok(owners.size >= 2, `realms on more than one instance: ${JSON.stringify(s.realms)}`);
  assert.deepEqual(s.instances.map((i) => i.id).sort(), ['i1', 'i2', 'i3']);
  // Every instance serves every realm: the owner itself, the others by forwarding the
  // session over their internal link, with the caller's own identity at the owner.
  for (const i of c.instances.values()) {
    const s = await c.sessionOn(i.id, 'default');
    try {
      const st = (await s.session?.call('com.crossbario.cdc.get_status@1', []))?.value as {
        realm: string;
      };
      assert.equal(st.realm, 'default', `get_status through ${i.id}`);
      // Only an owner may list the realm's tokens: the owner's router knows who this is.
      const tokens = (await s.session?.call('com.crossbario.cdc.management.list_tokens@1', []))
        ?.value;
      assert.ok(Array.isArray(tokens), `an owner's call through ${i.id}`);
    } finally {
      await s.close();
    }
  }
  const owner = (await c.owner('default'))?.id;
  const other = [...c.instances.values()].find((i) => i.id !== owner);
  const health = (await (
    await fetch((other?.url ?? '').replace(/^ws/, 'http').replace(/\/ws$/, '/health'))
  ).json()) as { cluster: { instance: string; postgres: string } };
  assert.equal(health.cluster.instance, other?.id);
  assert.equal(health.cluster.postgres, 'ok');
  const metrics = await (
    await fetch((other?.url ?? '').replace(/^ws/, 'http').replace(/\/ws$/, '/metrics'))
  ).text();
  for (const name of [
    'cdc_cluster_leases_held',
    'cdc_cluster_instances_alive',
    'cdc_cluster_links',
    'cdc_cluster_forwarded_sessions',
  ])
    assert.match(metrics, new RegExp(`^${name}\\{instance="${other?.id ?? ''}"\\} \\d+$`, 'm'));
  assert.match(metrics, /^# TYPE cdc_cluster_lease_moves_total counter$/m);
});

test(
  'cluster - a node reaches its realm owner among three URLs and runs its router',
  { skip },
  async () => {
    const c = cluster as CenterCluster;
    const cbdir = await pairNode(c, root, 'default', 'n1');
    // The owner last: the first instance forwards the node's session to the owner.
    const owner = (await until(() => c.owner('default'), 'realm default owned')).id;
    const order = [...c.instances.values()].sort(
      (a, b) => Number(a.id === owner) - Number(b.id === owner),
    );
    const urls = order.map((i) => i.url);
    node = startNode('n1', cbdir, urls);
    api = await c.session('default');
    await until(async () => {
      try {
        await call('io.crossbar.cdc.create_router@1', ['n1', 'router1', {}]);
        return true;
      } catch (e) {
        if (/no_such_node/.test(String((e as { uri?: string }).uri))) return undefined;
        throw e;
      }
    }, 'the router stored');
    // While the cluster settles a realm may still move once, dropping the node for a moment.
    await until(
      () => call('io.crossbar.cdc.start_router@1', ['n1', 'router1']).then(() => true),
      'the router started',
    );
    await until(routerRuns, 'the node online running its router', 60_000);
    // It came in through the first instance, which forwards it (and its owner hosts it).
    const first = order[0]!;
    const metrics = await (
      await fetch(first.url.replace(/^ws/, 'http').replace(/\/ws$/, '/metrics'))
    ).text();
    const forwarded = new RegExp(
      `^cdc_cluster_forwarded_sessions\\{instance="${first.id}"\\} (\\d+)$`,
      'm',
    );
    assert.ok(
      Number(forwarded.exec(metrics)?.[1] ?? 0) >= 1,
      `forwarded by ${first.id}:\n${metrics}`,
    );
  },
);

test(
  'cluster - kill -9 of the owner: the realm moves within the lease time, the node comes back',
  { skip },
  async () => {
    const c = cluster as CenterCluster;
    const before = await until(() => c.owner('default'), 'realm default owned');
    const victim = c.instances.get(before.id);
    assert.ok(victim !== undefined);
    const t0 = Date.now();
    await victim.proc.kill('SIGKILL');
    c.instances.delete(before.id);
    const moved = await until(
      async () => {
        const o = await c.owner('default');
        return o !== undefined && o.id !== before.id ? o : undefined;
      },
      'another instance owning realm default',
      30_000,
    );
    // When the lease was taken: the time the new owner has held it taken off (see above).
    const movedMs = Date.now() - t0 - moved.heldMs;
    assert.ok(moved.token > before.token, 'a new owner has a greater fencing token');
    await until(
      async () => {
        try {
          await call('com.crossbario.cdc.get_status@1', []);
          return true;
        } catch {
          return undefined;
        }
      },
      'realm default answering again',
      30_000,
    );
    const answeredMs = Date.now() - t0;
    await until(routerRuns, 'the node back on the new owner with its router', 120_000).catch(
      (e: unknown) => {
        const logs = [...c.instances.values()].map(
          (i) => `${i.id}:\n${i.proc.output().slice(-3000)}`,
        );
        throw new Error(
          `${String(e)}\nnode:\n${node?.output().slice(-3000) ?? ''}\n${logs.join('\n')}`,
        );
      },
    );
    const backMs = Date.now() - t0;
    console.log(
      `kill -9 of the owner (lease ${LEASE_S} s): lease taken after ${movedMs} ms, realm answering after ${answeredMs} ms, node running its router again after ${backMs} ms`,
    );
    // Loose: a loaded CI machine is slow to notice; PERFORMANCE.md has the figures.
    assert.ok(movedMs < (LEASE_S + 25) * 1000, `moved after ${movedMs} ms`);
  },
);

test(
  'cluster - a paused owner loses its lease; after SIGCONT its late write is refused and it lets go',
  { skip },
  async () => {
    const c = cluster as CenterCluster;
    const stale = await until(() => c.owner('default'), 'realm default owned');
    const paused = c.instances.get(stale.id);
    assert.ok(paused !== undefined);
    const direct = await c.sessionOn(stale.id, 'default');
    const session = direct.session;
    assert.ok(session !== undefined);
    paused.proc.child.kill('SIGSTOP');
    try {
      const taken = await until(
        async () => {
          const o = await c.owner('default');
          return o !== undefined && o.id !== stale.id ? o : undefined;
        },
        'another instance owning realm default while the owner is paused',
        30_000,
      );
      assert.ok(taken.token > stale.token);
    } catch (e) {
      paused.proc.child.kill('SIGCONT');
      throw e;
    }
    // The write is on its way before the paused owner runs again.
    const late = session.call('io.crossbar.cdc.create_router@1', ['n1', 'late1', {}]).then(
      () => 'written',
      (e: unknown) => String((e as { uri?: string }).uri ?? e),
    );
    paused.proc.child.kill('SIGCONT');
    const outcome = await late;
    console.log(`the paused owner's late write after SIGCONT: ${outcome}`);
    assert.notEqual(outcome, 'written');
    await direct.close().catch(() => undefined);
    // Nothing of it landed, as the current owner sees the realm.
    const found = await until(
      async () => {
        try {
          await call('io.crossbar.cdc.get_router@1', ['n1', 'late1']);
          return 'found';
        } catch (e) {
          const uri = String((e as { uri?: string }).uri);
          return /no_such_router/.test(uri) ? uri : undefined;
        }
      },
      'the realm answering after the pause',
      60_000,
    );
    assert.match(found, /no_such_router/, 'the late write did not land');
    // It let go: it holds the realm no more, or again under a newer lease.
    await until(
      async () => {
        const h = await c.health(stale.id);
        const l = h.cluster.leases['default'];
        return l === undefined || l.token > stale.token ? true : undefined;
      },
      'the paused owner letting go of its stale lease',
      30_000,
    );
  },
);

test(
  'cluster - SIGTERM hands the realms over before exiting, no waiting for expiry',
  { skip },
  async () => {
    const c = cluster as CenterCluster;
    const owner = await until(() => c.owner('default'), 'realm default owned');
    const leaving = c.instances.get(owner.id);
    assert.ok(leaving !== undefined);
    await leaving.proc.stop(45_000);
    const exit = await leaving.proc.exited;
    c.instances.delete(owner.id);
    const t0 = Date.now();
    assert.equal(exit.signal, null, `it exited by itself: ${leaving.proc.output().slice(-6000)}`);
    const st = await c.status();
    assert.deepEqual(
      st.realms.filter((r) => r.owner === owner.id && r.remainingMs > 0),
      [],
      'no lease of the stopped instance is left to expire',
    );
    assert.ok(!st.instances.some((i) => i.id === owner.id), 'its instance row is gone');
    const taken = await until(
      async () => {
        const o = await c.owner('default');
        return o !== undefined && o.id !== owner.id ? o : undefined;
      },
      'the remaining instance owning realm default',
      30_000,
    );
    // No lease was left to run out (above); how soon another instance took it is a figure
    // (the time it has held the lease taken off, so the CLI's own start-up does not count).
    const ms = Date.now() - t0 - taken.heldMs;
    console.log(
      `SIGTERM hand-over: realm default taken by another instance ${ms} ms after the exit`,
    );
  },
);

test('cluster - --cluster on SQLite is refused with a clear message', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-cluster-sqlite-'));
  try {
    const p = new Proc(
      'sqlite',
      ['center', 'start', '--cluster', '--dir', dir, '--listen', '127.0.0.1:0'],
      {
        env: { CDC_DATABASE_URL: '' },
      },
    );
    const exit = await p.exited;
    assert.notEqual(exit.code, 0);
    assert.match(p.output(), /cluster mode needs PostgreSQL/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'cluster - --processes 2: two instances serve one port; SIGTERM to the primary hands over and stops both',
  { skip },
  async () => {
    const db2 = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'cdc-cluster-procs-'));
    const c = new CenterCluster({ databaseUrl: db2.url, root: dir, ownerKey });
    try {
      const p = await c.start('p', ['--processes', '2']);
      // Both workers listen on the primary's one port.
      await until(
        () =>
          Promise.resolve(
            (p.proc.output().match(/"url":"ws:[^"]*"/g) ?? []).length >= 2 ? true : undefined,
          ),
        'both workers listening',
      );
      const urls = new Set(p.proc.output().match(/"url":"ws:[^"]*"/g));
      assert.equal(urls.size, 1, `one port: ${[...urls].join(', ')}`);
      const st = await until(async () => {
        const s = await c.status();
        const owned = s.realms.filter((r) => r.remainingMs > 0).length;
        return s.instances.length === 2 && owned === 2 ? s : undefined;
      }, 'two worker instances owning the global realm and default');
      assert.deepEqual(st.instances.map((i) => i.id).sort(), ['p-1', 'p-2']);
      // Each worker's link is its own: one shared port would reach either worker.
      const links = new Set(st.instances.map((i) => i.address));
      assert.equal(links.size, 2, `a link port per worker: ${[...links].join(', ')}`);
      const h = await fetch(p.url.replace(/^ws/, 'http').replace(/\/ws$/, '/health'));
      assert.equal(h.status, 200);
      await p.proc.stop(45_000);
      assert.equal((await p.proc.exited).code, 0, p.proc.output().slice(-3000));
      const after = await c.status();
      assert.deepEqual(after.instances, [], 'both workers left the cluster');
      assert.deepEqual(
        after.realms.filter((r) => r.remainingMs > 0),
        [],
        'every lease was handed over',
      );
    } finally {
      await c.stopAll();
      await db2.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
