/**
 * PostgreSQL going away and coming back. A small TCP proxy sits between the store and the
 * server; the test cuts every connection through it and refuses new ones (the server is
 * gone), or accepts and never answers (a network black hole), then lets traffic through
 * again. Operations must fail quickly with UNAVAILABLE, and the same store objects must
 * work again afterwards, with no restart.
 * @module
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, test } from 'node:test';
import { createStoreFactory } from '../src/index.js';
import { createTestDatabase, unreachable } from '@cdc/testkit';
import type { TestDatabase } from '@cdc/testkit';
import { rejectsWith } from './suite/harness.js';

class Proxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  readonly #pairs = new Set<[net.Socket, net.Socket]>();
  #server: net.Server | undefined;
  #port = 0;
  #mode: 'up' | 'blackhole' = 'up';

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  get port(): number {
    return this.#port;
  }

  /** Listen (again, on the same port) and pass traffic through. */
  async up(mode: 'up' | 'blackhole' = 'up'): Promise<void> {
    this.#mode = mode;
    if (this.#server) return;
    const server = net.createServer((client) => this.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  /** The network goes silent: open connections stop carrying data, new ones never answer. */
  freeze(): void {
    this.#mode = 'blackhole';
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** The server is gone: every connection cut, new ones refused. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    this.#sockets.clear();
    this.#pairs.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  #accept(client: net.Socket): void {
    this.#sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => this.#sockets.delete(client));
    if (this.#mode === 'blackhole') return;
    const upstream = net.connect(this.#target.port, this.#target.host);
    this.#sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      this.#sockets.delete(upstream);
      client.destroy();
    });
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.#pairs.add(pair);
    upstream.on('close', () => this.#pairs.delete(pair));
    client.pipe(upstream).pipe(client);
  }
}

const skip = await unreachable();
const opts = skip === undefined ? {} : { skip };
const db: TestDatabase | undefined = skip === undefined ? await createTestDatabase() : undefined;
after(() => db?.drop());

function proxied(proxy: Proxy): string {
  const url = new URL(db?.url ?? 'postgres://x');
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

function target(): { host: string; port: number } {
  const url = new URL(db?.url ?? 'postgres://127.0.0.1:5432/x');
  return { host: url.hostname, port: Number(url.port || 5432) };
}

async function elapsed(p: Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await p;
  return Date.now() - t0;
}

test(
  'postgres outage - with the server gone, operations fail fast; once back the same stores work',
  opts,
  async (t) => {
    const proxy = new Proxy(target());
    await proxy.up();
    const factory = createStoreFactory({
      url: proxied(proxy),
      connectTimeoutMs: 1000,
      queryTimeoutMs: 3000,
    });
    t.after(async () => {
      await factory.close();
      await proxy.down();
    });
    const d = await factory.domain();
    await d.migrate();
    await d.createUser({ name: 'alice', email: 'alice@example.org' });
    await d.createRealm({ name: 'realm-a', owner: 'alice' });
    const r = await factory.realm('realm-a');
    await r.migrate();
    await r.upsertNode({ node_id: 'node1' });

    await proxy.down();
    const took = await elapsed(
      Promise.all([
        rejectsWith(d.getUser('alice'), 'UNAVAILABLE', /PostgreSQL is unavailable/),
        rejectsWith(d.createUser({ name: 'bob', email: 'b@x.org' }), 'UNAVAILABLE'),
        rejectsWith(r.upsertNode({ node_id: 'node2' }), 'UNAVAILABLE'),
        rejectsWith(r.listNodes(), 'UNAVAILABLE'),
        rejectsWith(factory.realm('realm-b'), 'UNAVAILABLE'),
      ]),
    );
    assert.ok(took < 2500, `failing took ${took} ms`);

    await proxy.up();
    assert.equal((await d.getUser('alice'))?.name, 'alice');
    await d.createUser({ name: 'bob', email: 'b@x.org' });
    await r.upsertNode({ node_id: 'node2' });
    assert.deepEqual(
      (await r.listNodes()).map((n) => n.node_id),
      ['node1', 'node2'],
    );
    const b = await factory.realm('realm-b');
    await b.migrate();
    assert.deepEqual(await b.listNodes(), []);
  },
);

test('postgres outage - a server that never answers fails within the timeouts', opts, async (t) => {
  const proxy = new Proxy(target());
  await proxy.up();
  const factory = createStoreFactory({
    url: proxied(proxy),
    connectTimeoutMs: 800,
    queryTimeoutMs: 1500,
    // One connection: the one that timed out must not be the one used next.
    poolSize: 1,
  });
  t.after(async () => {
    await factory.close();
    await proxy.down();
  });
  const d = await factory.domain();
  await d.migrate();

  // The open connection goes silent: the query timeout ends the wait.
  proxy.freeze();
  const took = await elapsed(rejectsWith(d.getUser('carol'), 'UNAVAILABLE', /timeout/));
  assert.ok(took < 2500, `failing took ${took} ms`);
  // New connections get through again; the silent one, still open, is not reused.
  await proxy.up();
  assert.equal(await d.getUser('carol'), undefined);

  // New connections that never complete: the connect timeout ends the wait. (The first
  // call may still meet the cut connection before the pool has noticed it is gone.)
  await proxy.down();
  await proxy.up('blackhole');
  await rejectsWith(d.getUser('carol'), 'UNAVAILABLE');
  const again = await elapsed(rejectsWith(d.getUser('carol'), 'UNAVAILABLE', /timeout/));
  assert.ok(again < 2500, `failing again took ${again} ms`);

  await proxy.down();
  await proxy.up();
  await d.createUser({ name: 'carol', email: 'carol@example.org' });
  assert.equal((await d.getUser('carol'))?.name, 'carol');
});
