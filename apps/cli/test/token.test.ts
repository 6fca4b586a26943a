/**
 * `cdc token create/list/revoke` against a real center (`cdc center start`): the secret
 * printed once and working as an HTTP bearer token, the list without secrets, revocation
 * ending it, and bad input — a duration that is none, an unknown role, an unknown token ID, a
 * label taken, a caller who is no owner — refused with a clear error and nothing made.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { killAll, run, waitFor } from './helpers.js';
import type { Run } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-cli-token-'));
const home = join(root, 'home');
let center: Run;
let base: string;
let guestKey: string;

function keygen(name: string, comment: string): string {
  const f = join(root, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', f]);
  return f;
}

async function cdc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = run(args, { env: { CDC_HOME: home, CDC_URL: '', CDC_KEY: '', CDC_REALM: '' } });
  const code = await r.exit;
  return { code, out: r.out(), err: r.err() };
}

interface Listed {
  token_id: string;
  label: string;
  role: string;
  expires_at: string | null;
}

async function list(): Promise<Listed[]> {
  const r = await cdc(['token', 'list', '--json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as Listed[];
}

async function status(token: string): Promise<number> {
  const res = await fetch(`${base}/api/com.crossbario.cdc.get_status@1`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
  });
  await res.arrayBuffer();
  return res.status;
}

before(async () => {
  mkdirSync(home);
  const ownerKey = keygen('owner', 'olivia@example');
  guestKey = keygen('guest', 'gus@example');
  center = run([
    'center',
    'start',
    '--dir',
    join(root, 'data'),
    '--listen',
    '127.0.0.1:0',
    '--bootstrap-owner-key',
    `${ownerKey}.pub`,
  ]);
  const url = (await waitFor(() => center.out(), /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/))[1]!;
  base = `http://${new URL(url).host}`;
  writeFileSync(
    join(home, 'config.json'),
    JSON.stringify({ profiles: { default: { url, key: ownerKey } } }),
  );
  const owner = await joinSession(await connect(url), {
    realm: 'default',
    authmethods: ['cryptosign'],
    signer: await loadUserSigner(ownerKey),
  });
  await owner.call('com.crossbario.cdc.management.grant_access@1', [
    readFileSync(`${guestKey}.pub`, 'utf8').trim(),
    'cdc-guest',
    'gus',
  ]);
  await owner.leave();
});
after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

test('cli token - create prints the secret once; it works; list has no secrets; revoke ends it', async () => {
  const made = await cdc([
    'token',
    'create',
    '--label',
    'ci',
    '--role',
    'cdc-devop',
    '--expires',
    '30d',
  ]);
  assert.equal(made.code, 0, made.err);
  const id = /^token_id\s+([0-9a-f]{16})$/m.exec(made.out)?.[1];
  const expires = /^expires_at\s+(\S+)$/m.exec(made.out)?.[1];
  const token = /^(cdc_[0-9a-f]{16}_\S{43})$/m.exec(made.out)?.[1];
  assert.ok(id !== undefined && token !== undefined && expires !== undefined, made.out);
  assert.ok(token.startsWith(`cdc_${id}_`));
  const inDays = (Date.parse(expires) - Date.now()) / 86_400_000;
  assert.ok(inDays > 29.9 && inDays <= 30, expires);
  assert.match(made.err, /only time the token is shown/);
  assert.equal(await status(token), 200);

  const forever = await cdc([
    'token',
    'create',
    '--label',
    'nightly',
    '--role',
    'cdc-guest',
    '--json',
  ]);
  assert.equal(forever.code, 0, forever.err);
  const f = JSON.parse(forever.out) as { token_id: string; token: string; expires_at: null };
  assert.equal(f.expires_at, null);

  const listed = await list();
  assert.deepEqual(
    listed.map((t) => [t.label, t.role, t.token_id]),
    [
      ['ci', 'cdc-devop', id],
      ['nightly', 'cdc-guest', f.token_id],
    ],
  );
  const human = await cdc(['token', 'list']);
  assert.equal(human.code, 0, human.err);
  assert.match(human.out, /ci/);
  assert.ok(!human.out.includes(token.slice(21)) && !human.out.includes(f.token.slice(21)));

  const revoked = await cdc(['token', 'revoke', id, '--json']);
  assert.equal(revoked.code, 0, revoked.err);
  assert.deepEqual(JSON.parse(revoked.out), { token_id: id, label: 'ci', sessions_closed: 1 });
  assert.equal(await status(token), 401);
  assert.deepEqual(
    (await list()).map((t) => t.label),
    ['nightly'],
  );
});

test('cli token - bad input is refused with a clear error and nothing is made', async () => {
  const before = (await list()).length;
  for (const [args, message] of [
    [
      ['--expires', 'soon'],
      /--expires takes a duration like 30d, 12h, 90m, 45s or "never", got "soon"/,
    ],
    [['--expires', '0'], /--expires takes a duration/],
    [['--expires', '-5d'], /--expires takes a duration/],
    [['--expires', '3y'], /--expires takes a duration/],
    [
      ['--role', 'root'],
      /--role takes one of cdc-guest, cdc-devop, cdc-admin, cdc-owner, got "root"/,
    ],
    [['--label', 'has space'], /label/],
  ] as const) {
    const flags: Record<string, string> = { '--label': 'bad', '--role': 'cdc-guest' };
    for (let i = 0; i < args.length; i += 2) flags[args[i]!] = args[i + 1]!;
    const r = await cdc(['token', 'create', ...Object.entries(flags).flat()]);
    assert.notEqual(r.code, 0, `${args.join(' ')}: ${r.out}`);
    assert.match(r.err, message);
    assert.doesNotMatch(r.out, /cdc_[0-9a-f]{16}_/);
  }
  const missing = await cdc(['token', 'create', '--role', 'cdc-guest']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.err, /--label/);

  const taken = await cdc(['token', 'create', '--label', 'nightly', '--role', 'cdc-guest']);
  assert.notEqual(taken.code, 0);
  assert.match(taken.err, /nightly/);

  const unknown = await cdc(['token', 'revoke', 'ffffffffffffffff']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.err, /com\.crossbario\.cdc\.error\.no_such_token/);
  assert.match(unknown.err, /no API token "ffffffffffffffff"/);

  const notOwner = await cdc(['token', 'list', '--key', guestKey]);
  assert.notEqual(notOwner.code, 0);
  assert.match(notOwner.err, /wamp\.error\.not_authorized/);
  const guestMakes = await cdc([
    ...['token', 'create', '--label', 'mine', '--role', 'cdc-guest', '--key', guestKey],
  ]);
  assert.notEqual(guestMakes.code, 0);
  assert.match(guestMakes.err, /wamp\.error\.not_authorized/);
  assert.equal((await list()).length, before);
});
