/**
 * `cdc audit` against a real center: mutating calls of the public API (SPEC §4.5) are
 * recorded with who made them and how they ended (§4.7), and the filters narrow them down.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { killAll, run, waitFor } from './helpers.js';
import type { Run } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-cli-audit-'));
const home = join(root, 'home');
const MGMT = 'com.crossbario.cdc.management';
let center: Run;
let url: string;
let ownerKey: string;
let guestKey: string;
let owner: Session | undefined;
let since: string;

const pub = (key: string): string => readFileSync(`${key}.pub`, 'utf8').trim();

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

interface AuditRecord {
  time: string;
  authid: string;
  role: string;
  procedure: string;
  args: unknown[];
  outcome: 'ok' | 'error';
  error: string | null;
}

async function audit(args: string[]): Promise<AuditRecord[]> {
  const r = await cdc(['audit', '--json', ...args]);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as AuditRecord[];
}

before(async () => {
  mkdirSync(home);
  ownerKey = keygen('owner', 'olivia@example');
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
  url = (await waitFor(() => center.out(), /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/))[1]!;
  writeFileSync(
    join(home, 'config.json'),
    JSON.stringify({ profiles: { default: { url, key: ownerKey } } }),
  );
  owner = await joinSession(await connect(url), {
    realm: 'default',
    authmethods: ['cryptosign'],
    signer: await loadUserSigner(ownerKey),
  });
  since = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 5)); // every record strictly after `since`
  // Two calls that work, two that fail, and a read, which is not audited.
  await owner.call(`${MGMT}.pair_node@1`, [pub(keygen('node', 'edge-1')), 'edge-1']);
  await owner.call(`${MGMT}.grant_access@1`, [pub(guestKey), 'cdc-guest', 'gus']);
  await assert.rejects(owner.call(`${MGMT}.unpair_node@1`, ['nope']));
  await assert.rejects(owner.call(`${MGMT}.pair_node`, ['not a key', 'edge-2']));
  await owner.call(`${MGMT}.list_access@1`);
});
after(async () => {
  // A before() that failed leaves no session: the processes must still be stopped.
  await owner?.leave().catch(() => undefined);
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

test('cli audit - the mutating calls, newest first, with caller, role and outcome', async () => {
  const all = await audit([]);
  assert.deepEqual(
    all.map((r) => [r.procedure, r.outcome]),
    [
      [`${MGMT}.pair_node@1`, 'error'],
      [`${MGMT}.unpair_node@1`, 'error'],
      [`${MGMT}.grant_access@1`, 'ok'],
      [`${MGMT}.pair_node@1`, 'ok'],
    ],
  );
  for (const r of all) {
    assert.equal(r.authid, owner?.authid);
    assert.equal(r.role, 'cdc-owner');
    assert.ok(r.time >= since, r.time);
  }
  assert.equal(all[0]!.error, 'wamp.error.invalid_argument');
  assert.match(all[1]!.error ?? '', /^com\.crossbario\.cdc\.error\./);
  assert.equal(all[3]!.error, null);
  assert.deepEqual(all[3]!.args.slice(1), ['edge-1']);
});

test('cli audit - filters: procedure (by any of its names), outcome, authid, limit, time', async () => {
  const paired = await audit(['--procedure', `${MGMT}.pair_node@1`, '--outcome', 'ok']);
  assert.equal(paired.length, 1);
  assert.deepEqual(paired[0]!.args.slice(1), ['edge-1']);
  assert.deepEqual(await audit(['--procedure', `${MGMT}.pair_node`, '--outcome', 'ok']), paired);
  assert.deepEqual(await audit(['--procedure', 'pair_node', '--outcome', 'ok']), paired);
  const failed = await audit(['--outcome', 'error']);
  assert.deepEqual(
    failed.map((r) => r.procedure),
    [`${MGMT}.pair_node@1`, `${MGMT}.unpair_node@1`],
  );
  const newest = await audit(['--authid', owner?.authid ?? '', '--limit', '1']);
  assert.deepEqual(
    newest.map((r) => r.procedure),
    [`${MGMT}.pair_node@1`],
  );
  assert.deepEqual(await audit(['--authid', 'someone-else']), []);
  assert.equal((await audit(['--since', since])).length, 4);
  assert.deepEqual(await audit(['--until', since]), []);
  assert.deepEqual(await audit(['--since', '2999-01-01']), []);
});

test('cli audit - a table for people; a guest may not read the log', async () => {
  const r = await cdc(['audit', '--outcome', 'ok']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines[0]!, /^TIME\s+WHO\s+PROCEDURE\s+OUTCOME\s+ERROR$/);
  assert.equal(lines.length, 3);
  // Not a terminal: times in ISO 8601, no colours.
  assert.match(
    lines[1]!,
    /^\d{4}-\d\d-\d\dT\S+Z\s+\S+ \(cdc-owner\)\s+com\.crossbario\.cdc\.management\.grant_access@1\s+ok\s+-$/,
  );
  assert.ok(!r.out.includes(String.fromCharCode(27)), 'no colours off a terminal');
  // Fewer shown than there are: the last line says how many more.
  const one = await cdc(['audit', '--limit', '1']);
  assert.equal(one.code, 0, one.err);
  const more = one.out.trimEnd().split('\n');
  assert.equal(more.length, 3);
  assert.match(more[2]!, /^\d+ more; use --limit to see them$/);
  const guest = await cdc(['audit', '--key', guestKey]);
  assert.equal(guest.code, 1);
  assert.match(guest.err, /^error: wamp\.error\.\w+: /m);
  assert.equal(guest.out, '');
});
