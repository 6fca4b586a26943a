/**
 * The README's first command (`npm start` runs `cdc quickstart`): a center with a fresh
 * embedded database, an owner key and realm, a local node paired and started; what it prints
 * is true (the CLI with the printed URL and key sees node1 running, a client joins the node's
 * router), Ctrl-C stops everything, and a second start reuses what the first one made.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { killAll, run, waitFor } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-quickstart-'));
const dir = join(root, '.cdc');

after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface NodeRow {
  node_id: string;
  status: string;
}

/**
 * Starts the quickstart in a process group of its own (as a terminal runs it, so a Ctrl-C
 * reaches every process of it), waits for its banner; returns the printed URL, key and
 * router URL.
 */
async function quickstart(routerPort?: number) {
  const r = run(
    [
      'quickstart',
      '--dir',
      dir,
      '--listen',
      '127.0.0.1:0',
      // A loaded CI machine may take longer than the 10 s a person waits.
      '--wait-for-node',
      '60',
      ...(routerPort !== undefined ? ['--router-port', String(routerPort)] : []),
    ],
    { cwd: root, detached: true },
  );
  await waitFor(() => r.out(), /Ctrl-C stops/, 90_000);
  const [, url = '', key = ''] = /export CDC_URL=(\S+) CDC_KEY=(\S+)/.exec(r.out()) ?? [];
  const [, routerUrl = ''] = /router +(\S+), realm realm1/.exec(r.out()) ?? [];
  return { r, url, key: join(root, key), routerUrl };
}

/** Ctrl-C on a terminal: SIGINT to the whole foreground process group. */
function ctrlC(r: { child: { pid?: number | undefined } }): void {
  process.kill(-(r.child.pid ?? 0), 'SIGINT');
}

async function nodes(url: string, key: string): Promise<NodeRow[]> {
  const r = run(['nodes', '--json'], {
    env: { CDC_URL: url, CDC_KEY: key, CDC_REALM: 'default', CDC_HOME: join(root, 'home') },
  });
  assert.equal(await r.exit, 0, r.err());
  return JSON.parse(r.out()) as NodeRow[];
}

async function untilRunning(url: string, key: string): Promise<NodeRow[]> {
  const until = Date.now() + 30_000;
  for (;;) {
    const rows = await nodes(url, key);
    if (rows.some((n) => n.node_id === 'node1' && n.status === 'running')) return rows;
    if (Date.now() > until) throw new Error(`node1 is not running: ${JSON.stringify(rows)}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

test('quickstart runs a center and a paired node, as it says, and stops on Ctrl-C', async () => {
  const port = await freePort();
  const first = await quickstart(port);
  assert.match(first.url, /^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  assert.equal(first.routerUrl, `ws://127.0.0.1:${port}/ws`);
  assert.ok(existsSync(first.key) && existsSync(`${first.key}.pub`), 'the owner key pair exists');
  assert.match(first.r.out(), /CDC is running/);
  // The banner comes once node1 is running, not before.
  assert.deepEqual(
    (await nodes(first.url, first.key)).map((n) => [n.node_id, n.status]),
    [['node1', 'running']],
  );

  // The node's router, as printed, takes a client on realm1.
  const session = await joinSession(await connect(first.routerUrl), { realm: 'realm1' });
  await session.register('com.example.echo', ([word]) => word);
  assert.equal((await session.call('com.example.echo', ['hi'])).value, 'hi');
  await session.leave();

  ctrlC(first.r);
  assert.equal(await first.r.exit, 0);
  assert.doesNotMatch(
    first.r.err(),
    /"level":50|died/,
    'nothing logged as an error while stopping',
  );

  // A second start finds the key, realm and pairing of the first, says so, and comes up the same.
  const second = await quickstart();
  assert.match(second.r.err(), /reusing \S+ \(owner \S+ owner@quickstart, node1 on port \d+\)/);
  assert.equal(second.routerUrl, `ws://127.0.0.1:${port}/ws`);
  await untilRunning(second.url, second.key);

  // A router port that does not fit the existing node is refused, saying why; so is a busy one.
  const other = run(['quickstart', '--dir', dir, '--router-port', String(port + 1)], { cwd: root });
  assert.notEqual(await other.exit, 0);
  assert.match(
    other.err(),
    /already has node1 with its router on port \d+ .*--router-port only sets up a new node/,
  );
  const busy = run(['quickstart', '--dir', join(root, 'busy'), '--router-port', String(port)], {
    cwd: root,
  });
  assert.notEqual(await busy.exit, 0);
  assert.match(busy.err(), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
  assert.equal(existsSync(join(root, 'busy')), false, 'nothing is made');

  ctrlC(second.r);
  assert.equal(await second.r.exit, 0);
  assert.doesNotMatch(second.r.err(), /"level":50|died/);
});

test('quickstart refuses a router port that is not a port', async () => {
  const r = run(['quickstart', '--dir', join(root, 'bad'), '--router-port', 'eighty'], {
    cwd: root,
  });
  assert.notEqual(await r.exit, 0);
  assert.match(r.err(), /--router-port must be a port number/);
  assert.equal(existsSync(join(root, 'bad')), false, 'nothing is made');
});
