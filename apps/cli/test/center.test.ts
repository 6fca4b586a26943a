/**
 * The center from the command line: provisioning on the center machine, `cdc center
 * start`, and the user commands with profiles, `--json` and errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, run, waitFor } from './helpers.js';
import type { Run } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-cli-center-'));
const data = join(root, 'data');
const home = join(root, 'home');
let center: Run;
let url: string;

function keygen(name: string, comment: string): string {
  const f = join(root, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', f]);
  return f;
}

async function cdc(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  const r = run(args, { env: { CDC_HOME: home, CDC_URL: '', CDC_KEY: '', CDC_REALM: '', ...env } });
  const code = await r.exit;
  return { code, out: r.out(), err: r.err() };
}

let ownerKey: string;

before(async () => {
  mkdirSync(home);
  ownerKey = keygen('owner', 'olivia@example');
  center = run([
    'center',
    'start',
    '--dir',
    data,
    '--listen',
    '127.0.0.1:0',
    '--heartbeat-period',
    '1',
    '--bootstrap-owner-key',
    `${ownerKey}.pub`,
  ]);
  url = (await waitFor(() => center.out(), /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/))[1]!;
  writeFileSync(
    join(home, 'config.json'),
    JSON.stringify({ profiles: { default: { url, key: ownerKey } } }),
  );
});
after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

test('cli center - bootstrap made realm "default" for the owner key; status and nodes through the profile', async () => {
  const st = await cdc(['status', '--json']);
  assert.equal(st.code, 0, st.err);
  assert.equal((JSON.parse(st.out) as { realm: string }).realm, 'default');
  const nodes = await cdc(['nodes']);
  assert.equal(nodes.code, 0, nodes.err);
  assert.equal(nodes.out, '(none)\n');
});

test('cli center - add-realm, pair-node (one and a keys directory), grant; then the user commands see them', async () => {
  const other = keygen('other', 'otto@example');
  let r = await cdc([
    'center',
    'add-realm',
    'realm-two',
    '--dir',
    data,
    '--owner-key',
    `${other}.pub`,
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { owner: string }).owner, 'otto');
  r = await cdc(['center', 'add-realm', 'realm-two', '--dir', data, '--owner-key', `${other}.pub`]);
  assert.equal(r.code, 1);
  assert.match(r.err, /^error: com\.crossbario\.cdc\.error\.realm_taken: /m);
  r = await cdc(['center', 'add-realm', 'wamp.bad', '--dir', data, '--owner-key', `${other}.pub`]);
  assert.match(r.err, /com\.crossbario\.cdc\.error\.invalid_name: .*reserved/);
  // One node by key file, and a directory of node key files.
  const n1 = join(root, 'n1', '.crossbar');
  mkdirSync(n1, { recursive: true });
  const pub = await cdc(['node', 'pubkey', '--cbdir', n1]);
  r = await cdc([
    'center',
    'pair-node',
    '--dir',
    data,
    '--realm',
    'default',
    '--node-id',
    'n1',
    '--pubkey',
    join(n1, 'key.pub'),
    '--extra',
    '{"rack": 4}',
  ]);
  assert.equal(r.code, 0, r.err);
  const fleet = join(root, 'fleet');
  for (const id of ['edge-a', 'edge-b']) {
    mkdirSync(join(fleet, id), { recursive: true });
    await cdc(['node', 'pubkey', '--cbdir', join(fleet, id)]);
  }
  r = await cdc([
    'center',
    'pair-node',
    '--dir',
    data,
    '--realm',
    'default',
    '--keys-dir',
    fleet,
    '--json',
  ]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual((JSON.parse(r.out) as { node_id: string }[]).map((p) => p.node_id).sort(), [
    'edge-a',
    'edge-b',
  ]);
  r = await cdc([
    'center',
    'pair-node',
    '--dir',
    data,
    '--realm',
    'default',
    '--node-id',
    'dup',
    '--pubkey',
    pub.out.trim(),
  ]);
  assert.equal(r.code, 1);
  assert.match(r.err, /error: /);
  // A guest key granted on the command line joins with cdc-guest.
  const guest = keygen('guest', 'gus@example');
  r = await cdc([
    'center',
    'grant',
    '--dir',
    data,
    '--realm',
    'default',
    '--key',
    `${guest}.pub`,
    '--role',
    'cdc-guest',
    '--label',
    'gus',
  ]);
  assert.equal(r.code, 0, r.err);
  r = await cdc([
    'center',
    'grant',
    '--dir',
    data,
    '--realm',
    'default',
    '--key',
    `${guest}.pub`,
    '--role',
    'king',
  ]);
  assert.match(r.err, /wamp\.error\.invalid_argument: role must be one of/);
  // The running center picks all this up by itself.
  for (let i = 0; i < 50 && !(await cdc(['nodes', '--json'])).out.includes('edge-b'); i++)
    await new Promise((res) => setTimeout(res, 100));
  const nodes = await cdc(['nodes', '--status', 'created', '--json']);
  assert.equal(nodes.code, 0, nodes.err);
  assert.deepEqual((JSON.parse(nodes.out) as { node_id: string }[]).map((n) => n.node_id).sort(), [
    'edge-a',
    'edge-b',
    'n1',
  ]);
  const one = await cdc(['node', 'status', 'n1', '--key', guest]);
  assert.equal(one.code, 0, one.err);
  assert.match(one.out, /^extra\s+\{"rack":4\}$/m);
  const missing = await cdc(['node', 'status', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^error: com\.crossbario\.cdc\.error\.no_such_node: no node "nope"/m);
});

test('cli center - a node started with CDC_URL shows up running', async () => {
  const dir = join(root, 'live', '.crossbar');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      version: 2,
      workers: [
        {
          type: 'guest',
          id: 'g',
          executable: process.execPath,
          arguments: ['-e', 'setInterval(() => {}, 1000)'],
        },
      ],
    }),
  );
  const pub = await cdc(['node', 'pubkey', '--cbdir', dir]);
  await cdc([
    'center',
    'pair-node',
    '--dir',
    data,
    '--realm',
    'default',
    '--node-id',
    'live',
    '--pubkey',
    pub.out.trim(),
  ]);
  const node = run(['node', 'start', '--cbdir', dir], { env: { CDC_URL: url } });
  await waitFor(() => node.out(), /node is managed by the center/);
  const until = Date.now() + 10_000;
  let status = '';
  while (Date.now() < until) {
    status = (
      JSON.parse((await cdc(['node', 'status', 'live', '--json'])).out) as { status: string }
    ).status;
    if (status === 'running') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(status, 'running');
  node.child.kill('SIGTERM');
  assert.equal(await node.exit, 0);
});

test('cli center - errors: unreachable center, unknown profile, bad key', async () => {
  let r = await cdc(['status', '--url', 'ws://127.0.0.1:1/ws']);
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot reach the center/);
  r = await cdc(['status', '--profile', 'nope']);
  assert.match(r.err, /no profile "nope"/);
  writeFileSync(join(root, 'garbage'), 'not a key');
  r = await cdc(['status', '--key', join(root, 'garbage')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /error: /);
});

test('cli center - messages that say what is wrong: an unknown key, no key at all, the default URL', async () => {
  const stranger = keygen('stranger', 'sam@example');
  const r = await cdc(['nodes', '--key', stranger]);
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /^error: wamp\.error\.not_authorized: the key \S+stranger is not known to any management realm of ws:\/\/127\.0\.0\.1:\d+\/ws/m,
  );
  // No key given and none at either default place: both are named.
  const bare = join(root, 'bare-home');
  mkdirSync(bare);
  const none = await cdc(['nodes', '--url', url], { CDC_HOME: join(bare, '.cdc'), HOME: bare });
  assert.equal(none.code, 1);
  assert.ok(
    none.err.includes(
      `none at ${join(bare, '.cdc', 'id_ed25519')} or ${join(bare, '.ssh', 'id_ed25519')}`,
    ),
    none.err,
  );
  const help = await cdc(['nodes', '--help']);
  assert.match(help.out.replace(/\s+/g, ' '), /default CDC_URL, else ws:\/\/127\.0\.0\.1:9000\/ws/);
});
