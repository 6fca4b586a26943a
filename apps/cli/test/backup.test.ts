/**
 * `cdc center backup` and `cdc center restore` (issue 14): a running center (a real `cdc
 * center start` process on SQLite) is provisioned with realms, pairings, grants, desired
 * routers and their audit records; it is backed up while an API client keeps writing; the
 * file is restored into an empty data directory and into an empty PostgreSQL database, and
 * a backup of that PostgreSQL database into SQLite again. Every record acknowledged before the
 * backup started is found in each; a non-empty target, a cut-off file and a file that is not
 * a backup are refused and leave nothing behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { SigningKey, loadUserSigner } from '@cdc/cryptosign';
import { createStoreFactory } from '@cdc/store';
import type { StoreFactoryOptions } from '@cdc/store';
import { connect } from '@cdc/transport';
import { killAll, run, waitFor } from './helpers.js';

const ADMIN = process.env['CDC_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = `cdc_backup_${randomBytes(5).toString('hex')}`;
const PG_URL = ADMIN.replace(/\/[^/]*$/, `/${DB}`);
const root = mkdtempSync(join(tmpdir(), 'cdc-cli-backup-'));
const data = join(root, 'data');
const ownerKey = join(root, 'owner');
let owner: Session | undefined;

/** Everything of the center's data the test compares, in a stable order. */
interface Dump {
  realms: string[];
  pairings: string[];
  access: string[];
  workers: string[];
  audit: string[];
}

async function cdc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = run(args, { env: { CDC_DATABASE_URL: '', CDC_DIR: '' } });
  const code = await r.exit;
  return { code, out: r.out(), err: r.err() };
}

async function ok(args: string[]): Promise<string> {
  const r = await cdc(args);
  assert.equal(r.code, 0, `cdc ${args.join(' ')}: ${r.err}`);
  return r.out;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

async function dump(o: StoreFactoryOptions): Promise<Dump> {
  const f = createStoreFactory({ ...o, readOnly: true });
  try {
    const domain = await f.domain();
    const out: Dump = { realms: [], pairings: [], access: [], workers: [], audit: [] };
    for (const r of await domain.listRealms()) {
      out.realms.push(`${r.name} owner=${r.owner}`);
      for (const p of await domain.listPairings(r.name))
        out.pairings.push(`${r.name}/${p.node_id}=${p.pubkey}`);
      for (const a of await domain.listAccess(r.name))
        out.access.push(`${r.name}/${a.pubkey}=${a.role}`);
      const realm = await f.realm(r.name);
      for (const w of await realm.listWorkers())
        out.workers.push(
          `${r.name}/${w.node_id}/${w.worker_id} ${w.desired} ${JSON.stringify(w.config)}`,
        );
      for (const a of await realm.listAudit({ limit: 10_000 }))
        out.audit.push(`${r.name}#${a.id} ${a.procedure} ${a.outcome} ${JSON.stringify(a.args)}`);
    }
    for (const k of Object.values(out) as string[][]) k.sort();
    return out;
  } finally {
    await f.close();
  }
}

function assertHolds(restored: Dump, before: Dump, what: string): void {
  for (const k of Object.keys(before) as (keyof Dump)[]) {
    const missing = before[k].filter((x) => !restored[k].includes(x));
    assert.deepEqual(missing, [], `${what}: ${k} acknowledged before the backup are missing`);
  }
}

before(async () => {
  await admin(`create database ${DB}`);
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
  const center = run(
    ['center', 'start', '--dir', data, '--listen', '127.0.0.1:0'].concat(
      '--bootstrap-owner-key',
      `${ownerKey}.pub`,
    ),
    { env: { CDC_DATABASE_URL: '' } },
  );
  const url = (
    await waitFor(() => center.out(), /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/)
  )[1] as string;
  // A second realm, pairings and grants made on the center machine, as an operator does.
  await ok(['center', 'add-realm', 'ops', '--dir', data, '--owner-key', `${ownerKey}.pub`]);
  for (const [realm, nodeId] of [
    ['default', 'edge1'],
    ['default', 'edge2'],
    ['ops', 'edge3'],
  ] as const) {
    const pubkey = SigningKey.generate().publicKeyHex;
    await ok([
      'center',
      'pair-node',
      '--dir',
      data,
      '--realm',
      realm,
      '--node-id',
      nodeId,
      '--pubkey',
      pubkey,
    ]);
  }
  const devop = join(root, 'devop');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dev@example', '-f', devop]);
  await ok([
    'center',
    'grant',
    '--dir',
    data,
    '--realm',
    'ops',
    '--key',
    `${devop}.pub`,
    '--role',
    'cdc-devop',
  ]);
  owner = await joinSession(await connect(url), {
    realm: 'default',
    authmethods: ['cryptosign'],
    signer: await loadUserSigner(ownerKey),
  });
  // Wait for the backend to know the pairings made behind its back.
  const until = Date.now() + 20_000;
  for (;;) {
    const nodes = (await owner.call('com.crossbario.cdc.get_nodes@1')).value as unknown[];
    if (nodes.length === 2) break;
    if (Date.now() > until) throw new Error('the paired nodes never appeared');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Desired routers (and with them audit records), one refused call audited too.
  for (let i = 0; i < 5; i++)
    await owner.call('io.crossbar.cdc.create_router@1', [i % 2 ? 'edge1' : 'edge2', `r${i}`, {}]);
  await owner.call('io.crossbar.cdc.create_router@1', ['edge2', 'r0', {}]).catch(() => undefined);
});

after(async () => {
  await owner?.leave().catch(() => undefined);
  await killAll();
  await admin(`drop database if exists ${DB} with (force)`);
  rmSync(root, { recursive: true, force: true });
});

test('backup - a running center backed up while written to, restored into SQLite and PostgreSQL', async () => {
  const acknowledged = await dump({ dir: data });
  assert.equal(acknowledged.realms.length, 2);
  assert.equal(acknowledged.pairings.length, 3);
  assert.equal(acknowledged.workers.length, 5);
  assert.ok(acknowledged.audit.length >= 6, acknowledged.audit.join('\n'));
  assert.ok(acknowledged.access.length >= 3, acknowledged.access.join('\n'));
  // Writes go on while the backup runs.
  let writing = true;
  let n = 100;
  const writer = (async () => {
    while (writing) await owner?.call('io.crossbar.cdc.create_router@1', ['edge2', `w${n++}`, {}]);
  })();
  const file = join(root, 'center.cdcbackup');
  const summary = JSON.parse(
    await ok(['center', 'backup', '--dir', data, '--out', file, '--json']),
  ) as {
    source: string;
    realms: string[];
    rows: Record<string, number>;
  };
  writing = false;
  await writer;
  assert.equal(summary.source, 'sqlite');
  assert.deepEqual(summary.realms, ['default', 'ops']);
  assert.equal(summary.rows['domain.pairings'], 3);
  assert.ok((readFileSync(file, 'utf8').match(/"table":"audit"/g) ?? []).length >= 6);
  assert.equal(existsSync(`${file}.partial-${process.pid}`), false);

  // Into an empty SQLite data directory.
  const restored = join(root, 'restored');
  const r1 = JSON.parse(await ok(['center', 'restore', file, '--dir', restored, '--json'])) as {
    rows: number;
  };
  assert.ok(r1.rows > 10);
  const fromSqlite = await dump({ dir: restored });
  assertHolds(fromSqlite, acknowledged, 'SQLite restore');
  // Each database is one instant: the audit of a realm is a prefix of the live one.
  const live = await dump({ dir: data });
  assertHolds(live, fromSqlite, 'the restore holds nothing the center never had');

  // Into an empty PostgreSQL database, then that database backed up into SQLite again.
  await ok(['center', 'restore', file, '--database-url', PG_URL]);
  const fromPg = await dump({ url: PG_URL });
  assert.deepEqual(fromPg, fromSqlite);
  const pgFile = join(root, 'pg.cdcbackup');
  await ok(['center', 'backup', '--database-url', PG_URL, '--out', pgFile]);
  const again = join(root, 'again');
  await ok(['center', 'restore', pgFile, '--dir', again]);
  assert.deepEqual(await dump({ dir: again }), fromSqlite);

  // A restored center takes new audit records after the restored ones (ids continue).
  const f = createStoreFactory({ url: PG_URL });
  try {
    const realm = await f.realm('default');
    const rec = await realm.appendAudit({
      time: new Date().toISOString(),
      authid: 'test',
      role: 'cdc-owner',
      procedure: 'test.after_restore',
      args: [],
      kwargs: {},
      outcome: 'ok',
      error: null,
      message: null,
    });
    const before = (await dump({ dir: restored })).audit.filter((a) => a.startsWith('default#'));
    const maxId = Math.max(...before.map((a) => Number(/#(\d+)/.exec(a)?.[1])));
    assert.ok(rec.id > maxId, `new audit id ${rec.id} after restored ${maxId}`);
  } finally {
    await f.close();
  }
});

test('backup - restore refuses a non-empty target, a cut-off file and a non-backup, leaving nothing', async () => {
  const file = join(root, 'refuse.cdcbackup');
  await ok(['center', 'backup', '--dir', data, '--out', file]);
  // A second backup to the same name is refused: a backup is never overwritten.
  const twice = await cdc(['center', 'backup', '--dir', data, '--out', file]);
  assert.equal(twice.code, 1);
  assert.match(twice.err, /exists|EEXIST/);

  const full = await cdc(['center', 'restore', file, '--dir', data]);
  assert.equal(full.code, 1);
  assert.match(full.err, /already holds CDC data .*restore only into an empty data directory/);
  const pgFull = await cdc(['center', 'restore', file, '--database-url', PG_URL]);
  assert.equal(pgFull.code, 1, pgFull.err);
  assert.match(pgFull.err, /already holds CDC data/);

  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cut = join(root, 'cut.cdcbackup');
  writeFileSync(cut, `${lines.slice(0, -3).join('\n')}\n`);
  const notBackup = join(root, 'not.cdcbackup');
  writeFileSync(notBackup, '{"hello": "world"}\n');
  const badRow = join(root, 'badrow.cdcbackup');
  writeFileSync(
    badRow,
    [
      lines[0],
      '{"db":"domain","table":"users","row":{"name":"x","shoe_size":44}}',
      ...lines.slice(1),
    ].join('\n'),
  );
  for (const [f, re] of [
    [cut, /ends before its end record: the backup is cut off/],
    [notBackup, /is not a CDC backup/],
    [badRow, /line 2 is not a CDC backup record: table users has no column "shoe_size"/],
    [join(root, 'missing.cdcbackup'), /no backup file/],
  ] as const) {
    const target = join(root, `t-${randomBytes(3).toString('hex')}`);
    mkdirSync(target);
    const r = await cdc(['center', 'restore', f, '--dir', target]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, re);
    assert.equal(existsSync(join(target, 'domain.sqlite')), false, `${f}: nothing is left`);
  }
});
