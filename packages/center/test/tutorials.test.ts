/**
 * The seed's two tutorial programs (examples/cdc/tut1.py, tut2.py, unchanged from the user's
 * document) run with Debian's autobahn-python against a center with a paired node, and
 * print what the document shows.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join as joinPath, resolve } from 'node:path';
import { SigningKey } from '@cdc/cryptosign';
import { addRealm } from '../src/index.js';
import { join, startCenter, startNode, until, ROUTER_CONFIG } from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const ROOT = process.env['CDC_REPO_ROOT'] ?? resolve(import.meta.dirname, '../../../..');
const EXAMPLES = joinPath(ROOT, 'examples', 'cdc');
const skip = existsSync(PYTHON) ? false : 'Debian python3-autobahn is not installed';

let c: TestCenter;
let node: TestNode | undefined;
let keyFile: string;
const REALM = 'com.crossbario.cdc.mrealm-test1';

before(async () => {
  c = await startCenter();
  keyFile = joinPath(c.dir, 'mykey');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'tester@example',
    '-f',
    keyFile,
  ]);
  const pub = readFileSync(`${keyFile}.pub`, 'utf8').split(' ')[1]!;
  const { parseOpenSshPublicKey } = await import('@cdc/cryptosign');
  const pubkey = parseOpenSshPublicKey(`ssh-ed25519 ${pub}`).publicKeyHex;
  await addRealm(c.center.domain, REALM, { pubkey, comment: 'tester@example' }, 'tester');
  await c.center.reconcile();
  if (skip !== false) return;
  node = await startNode(c, ROUTER_CONFIG);
  const owner = SigningKey.generate();
  await c.center.domain.addUserKey('tester', owner.publicKeyHex);
  const s = await join(c, owner, REALM);
  await s.call('com.crossbario.cdc.management.pair_node@1', [
    SigningKey.generate().publicKeyHex,
    'node0',
    { foo: 42, bar: 'baz' },
  ]);
  await s.call('com.crossbario.cdc.management.pair_node@1', [
    node.pubkey,
    'node1',
    { foo: 23, bar: 'moo' },
  ]);
  await until(
    async () =>
      (
        (await s.call('com.crossbario.cdc.get_node_status@1', ['node1'])).value as {
          status: string;
        }
      ).status === 'running',
    15_000,
    'node1 running',
  );
  await s.leave();
});
after(async () => {
  await node?.stop();
  await c.stop();
});

function runTutorial(file: string): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const p = spawn(PYTHON, [joinPath(EXAMPLES, file)], {
      cwd: EXAMPLES,
      env: { ...process.env, CDC_URL: c.url, CDC_KEY: keyFile, CDC_REALM: '' },
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      res({ code, out });
    });
  });
}

test('tutorials - tut1 prints the realm and the time at CDC', { skip }, async () => {
  const { code, out } = await runTutorial('tut1.py');
  assert.equal(code, 0, out);
  assert.match(
    out,
    new RegExp(
      `Connected to CDC management realm "${REALM.replace(/\./g, '\\.')}" \\(current time at CDC is \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\)`,
    ),
  );
  assert.match(out, /Main loop terminated\./);
});

test('tutorials - tut2 lists each node with its status', { skip }, async () => {
  const { code, out } = await runTutorial('tut2.py');
  assert.equal(code, 0, out);
  assert.match(out, new RegExp(`Nodes on management realm "${REALM.replace(/\./g, '\\.')}"`));
  assert.match(
    out,
    /Node "node0": \{'node_id': 'node0', 'status': 'created', 'extra': \{'foo': 42, 'bar': 'baz'\}/,
  );
  assert.match(
    out,
    /Node "node1": \{'node_id': 'node1', 'status': 'running', 'extra': \{'foo': 23, 'bar': 'moo'\}/,
  );
  assert.match(out, /Main loop terminated\./);
});
