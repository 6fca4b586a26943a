/**
 * An operator's day (issue 5), all through the center, with real processes: a center and a
 * node started with `cdc`, the node paired on the center machine; a router created for the
 * node from a config file and started; a real autobahn-python client on the transport it
 * opened; a realm added with `modify` + `reload`, its event seen over WAMP and a client on
 * it; the worker's log followed live; the worker profiled; the router stopped and deleted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { killAll, run, waitFor } from './helpers.js';
import type { Run } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const skip = existsSync(PYTHON) ? false : 'Debian python3-autobahn is not installed';
const root = mkdtempSync(join(tmpdir(), 'cdc-cli-day-'));
const home = join(root, 'home');
const cbdir = join(root, 'edge1', '.crossbar');
let center: Run;
let node: Run;
let url: string;
let ownerKey: string;
let owner: Session | undefined;

const OPEN = {
  name: 'anonymous',
  permissions: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
};

async function cdc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = run(args, { env: { CDC_HOME: home, CDC_URL: '', CDC_KEY: '', CDC_REALM: '' } });
  const code = await r.exit;
  return { code, out: r.out(), err: r.err() };
}

async function ok(args: string[]): Promise<string> {
  const r = await cdc(args);
  assert.equal(r.code, 0, `cdc ${args.join(' ')}: ${r.err}`);
  return r.out;
}

async function json<T>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

/** autobahn-python joins `realm` on the router at `wsUrl`, calls a procedure there, leaves. */
function pythonClient(wsUrl: string, realm: string): string {
  // autobahn 22.7.1's asyncio run() needs asyncio.coroutine (gone in Python 3.11): run the
  // component on a loop of our own.
  const script = `
import sys, asyncio, txaio
from autobahn.asyncio.component import Component
comp = Component(transports=[{"url": sys.argv[1], "max_retries": 0}], realm=sys.argv[2])
@comp.on_join
async def joined(session, details):
    await session.register(lambda a, b: a + b, "com.example.add")
    res = await session.call("com.example.add", 20, 22)
    print("joined", details.realm, "result", res, flush=True)
    session.leave()
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
txaio.config.loop = loop
txaio.start_logging(level="error")
loop.run_until_complete(comp.start(loop))
`;
  const r = spawnSync(PYTHON, ['-c', script, wsUrl, realm], { encoding: 'utf8', timeout: 20_000 });
  return `${r.stdout}${r.stderr}`;
}

before(async () => {
  if (skip !== false) return;
  mkdirSync(home);
  ownerKey = join(root, 'owner');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'ops@example',
    '-f',
    ownerKey,
  ]);
  const data = join(root, 'data');
  center = run([
    'center',
    'start',
    '--dir',
    data,
    '--listen',
    '127.0.0.1:0',
    '--bootstrap-owner-key',
    `${ownerKey}.pub`,
  ]);
  url = (await waitFor(() => center.out(), /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/))[1] as string;
  writeFileSync(
    join(home, 'config.json'),
    JSON.stringify({ profiles: { default: { url, key: ownerKey, realm: 'default' } } }),
  );
  // The node's key, paired on the center machine, then the node itself.
  const pubkey = (await ok(['node', 'pubkey', '--cbdir', cbdir])).trim();
  await ok([
    'center',
    'pair-node',
    '--dir',
    data,
    '--realm',
    'default',
    '--node-id',
    'edge1',
    '--pubkey',
    pubkey,
  ]);
  node = run(['node', 'start', '--cbdir', cbdir, '--url', url], { env: { CDC_HOME: home } });
  owner = await joinSession(await connect(url), {
    realm: 'default',
    authmethods: ['cryptosign'],
    signer: await loadUserSigner(ownerKey),
  });
  const online = async (): Promise<boolean> => {
    const nodes = await json<{ node_id: string; status: string }[]>(['nodes']);
    return nodes.some(
      (n) => n.node_id === 'edge1' && n.status !== 'created' && n.status !== 'offline',
    );
  };
  const until = Date.now() + 20_000;
  while (!(await online())) {
    if (Date.now() > until)
      throw new Error(`edge1 did not come online:\n${node.out()}\n${node.err()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
});

after(async () => {
  await owner?.leave().catch(() => undefined);
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

test(
  "operator's day - create, start, use, change live, follow, profile, stop, delete",
  { skip },
  async () => {
    const ops = owner as Session;
    const routerFile = join(root, 'router.json');
    writeFileSync(
      routerFile,
      JSON.stringify({
        realms: [{ name: 'realm1', roles: [OPEN] }],
        transports: [
          {
            type: 'websocket',
            id: 'ws1',
            endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
          },
        ],
      }),
    );
    await ok(['router', 'create', 'edge1', 'r1', '--config', routerFile]);
    assert.deepEqual(await json(['workers', 'edge1', '--configured']), [
      { worker_id: 'r1', type: 'router', status: 'stopped' },
    ]);
    await ok(['router', 'start', 'edge1', 'r1']);
    const follow = run(['logs', 'edge1', 'r1', '--follow'], {
      env: { CDC_HOME: home, CDC_URL: '', CDC_KEY: '', CDC_REALM: '' },
    });

    // A real autobahn-python client on the transport the router opened.
    const t = await json<{ address: { port: number } }>([
      'transport',
      'show',
      'edge1',
      'r1',
      'ws1',
    ]);
    const ws = `ws://127.0.0.1:${t.address.port}/ws`;
    assert.match(pythonClient(ws, 'realm1'), /joined realm1 result 42/);

    // A realm added: stored with a merge patch, made live with a reload; watched over WAMP.
    const events: unknown[][] = [];
    await ops.subscribe('com.crossbario.cdc.remote.on_router_realm@1', (a) => void events.push(a));
    const patch = JSON.stringify({
      realms: [
        { name: 'realm1', roles: [OPEN] },
        { name: 'realm2', roles: [OPEN] },
      ],
    });
    await ok(['router', 'modify', 'edge1', 'r1', '--patch', patch]);
    const shown = await json<{ drift: boolean; changes: string[] }>([
      'router',
      'show',
      'edge1',
      'r1',
    ]);
    assert.deepEqual([shown.drift, shown.changes], [true, ['realm realm2 added']]);
    const reloaded = await json<{ restarted: boolean; changes: string[] }>([
      'router',
      'reload',
      'edge1',
      'r1',
    ]);
    assert.deepEqual(reloaded.changes, ['realm realm2 added']);
    const until = Date.now() + 5000;
    while (!events.some((e) => e[0] === 'edge1' && e[2] === 'realm2' && e[4] === 'started')) {
      assert.ok(Date.now() < until, `no realm event: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(pythonClient(ws, 'realm2'), /joined realm2 result 42/);
    // The same, as a WAMP call.
    const r = (await ops.call('io.crossbar.cdc.get_router@1', ['edge1', 'r1'])).value as {
      drift: boolean;
    };
    assert.equal(r.drift, false);

    // The live log showed what the worker did.
    await waitFor(() => follow.out(), /realm started/);
    follow.child.kill('SIGINT');
    assert.equal(await follow.exit, 0);

    const profile = await ok(['profile', 'edge1', 'r1', '--runtime', '1']);
    assert.match(profile, /total/i);
    const stats = await json<{ pid: number }>(['stats', 'edge1', 'r1']);
    assert.equal(typeof stats.pid, 'number');

    // Deleting a running router is refused; stopped, it goes.
    const refused = await cdc(['router', 'delete', 'edge1', 'r1']);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /^error: com\.crossbario\.cdc\.error\.router_running: /m);
    await ok(['router', 'stop', 'edge1', 'r1']);
    await ok(['router', 'delete', 'edge1', 'r1']);
    assert.deepEqual(await json(['workers', 'edge1', '--configured']), []);
    assert.deepEqual(await json(['workers', 'edge1']), []);
    const audit = await json<{ procedure: string; outcome: string }[]>([
      'audit',
      '--procedure',
      'io.crossbar.cdc.delete_router@1',
    ]);
    assert.deepEqual(audit.map((a) => a.outcome).sort(), ['error', 'ok']);
  },
);
