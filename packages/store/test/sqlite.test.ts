/**
 * The shared store suite on SQLite (a temp directory per center), and what only SQLite has:
 * the file layout, realm file names, WAL, waiting for another process's lock.
 * @module
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { createStoreFactory, realmFile, realmOfFile } from '../src/index.js';
import type { StoreFactory } from '../src/index.js';
import { SqliteStoreFactory } from '../src/sqlite/factory.js';
import { storeSuite } from './store.suite.js';
import type { Center } from './store.suite.js';
import { rejectsWith } from './suite/harness.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'cdc-store-'));

function sqliteCenter(dir: string): Center & { sqlite: SqliteStoreFactory } {
  const made: StoreFactory[] = [];
  const open = (readOnly = false): SqliteStoreFactory => {
    const f = new SqliteStoreFactory({ dir, readOnly });
    made.push(f);
    return f;
  };
  const factory = open();
  const fileOf = (realm?: string): string =>
    realm === undefined ? factory.domainPath : factory.realmPath(realm);
  const exec = (statement: string, realm?: string): Promise<void> => {
    const db = new Database(fileOf(realm));
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
    return Promise.resolve();
  };
  return {
    factory,
    sqlite: factory,
    reopen: (o) => open(o?.readOnly ?? false),
    exec,
    failWrites: (table, op, realm) =>
      exec(
        `create trigger cdc_test_fail_${table}_${op} before ${op} on ${table} ` +
          `begin select raise(abort, 'injected failure'); end`,
        realm,
      ),
    close: async () => {
      for (const f of made) await f.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

storeSuite({ dialect: 'sqlite', make: () => Promise.resolve(sqliteCenter(tmp())) });

test('sqlite layout - domain.sqlite and realms/<encoded name>.sqlite, in WAL mode', async (t) => {
  const base = tmp();
  const c = sqliteCenter(join(base, 'data', 'nested'));
  t.after(async () => {
    await c.close();
    rmSync(base, { recursive: true, force: true });
  });
  const d = await c.factory.domain();
  await d.migrate();
  const r = await c.factory.realm('com.example.Realm@1');
  await r.migrate();
  const dir = c.sqlite.dir;
  assert.ok(existsSync(join(dir, 'domain.sqlite')));
  assert.deepEqual(
    readdirSync(join(dir, 'realms')).filter((f) => f.endsWith('.sqlite')),
    ['com.example.%52ealm%401.sqlite'],
  );
  const raw = new Database(join(dir, 'domain.sqlite'), { readonly: true });
  t.after(() => raw.close());
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
});

test('sqlite paths - realm file names are reversible and never collide', () => {
  const names = [
    'realm1',
    'Realm1',
    'rEALM1',
    'a@b.c-d_e',
    'A%41',
    'com.crossbario.cdc.mrealm-test1',
    `r${'e'.repeat(199)}`,
  ];
  const files = names.map(realmFile);
  // Distinct even when compared case-insensitively (macOS, Windows file systems).
  assert.equal(new Set(files.map((f) => f.toLowerCase())).size, names.length);
  for (const [i, f] of files.entries()) assert.equal(realmOfFile(f), names[i]);
  assert.equal(realmFile('realm1'), 'realm1.sqlite');
  assert.equal(realmFile('a@b.C'), 'a%40b.%43.sqlite');
  assert.equal(realmOfFile('notes.txt'), undefined);
  assert.equal(realmOfFile('x%zz.sqlite'), undefined);
});

test('sqlite paths - very long realm names get short, distinct, hashed file names', () => {
  const long = [
    'Z'.repeat(255),
    `Z${'z'.repeat(254)}`,
    `z${'Z'.repeat(254)}`,
    `x${'@'.repeat(254)}`,
  ];
  const files = long.map(realmFile);
  assert.equal(new Set(files.map((f) => f.toLowerCase())).size, long.length);
  for (const f of files) {
    assert.match(f, /^[a-z0-9_.%A-F-]{1,100}~[0-9a-f]{32}\.sqlite$/);
    assert.equal(realmOfFile(f), undefined);
  }
});

test('sqlite paths - a 255-character realm name gets a file and can be dropped', async (t) => {
  const c = sqliteCenter(tmp());
  t.after(() => c.close());
  const name = `R${'Q'.repeat(254)}`;
  const r = await c.factory.realm(name);
  await r.migrate();
  await r.upsertNode({ node_id: 'node1' });
  const path = c.sqlite.realmPath(name);
  assert.ok(existsSync(path));
  await c.factory.dropRealm(name);
  assert.equal(existsSync(path), false);
  const dir = c.sqlite.dir;
  assert.deepEqual(readdirSync(join(dir, 'realms')), []);
});

test('sqlite locking - a write waits for another process holding the lock', async (t) => {
  const c = sqliteCenter(tmp());
  t.after(() => c.close());
  const d = await c.factory.domain();
  await d.migrate();
  const path = c.sqlite.domainPath;
  // Another process takes the write lock, says so, and holds it for 400 ms.
  const holder = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import Database from 'better-sqlite3';
       const db = new Database(${JSON.stringify(path)});
       db.exec('begin immediate');
       process.stdout.write('locked\\n');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
       db.exec('commit');`,
    ],
    { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  const t0 = Date.now();
  await d.createUser({ name: 'alice', email: 'alice@example.org' });
  assert.ok(Date.now() - t0 >= 200, `waited only ${Date.now() - t0} ms`);
  assert.equal((await d.getUser('alice'))?.name, 'alice');
});

test('sqlite unavailable - a data directory that cannot be created is refused', async (t) => {
  const base = tmp();
  t.after(() => rmSync(base, { recursive: true, force: true }));
  writeFileSync(join(base, 'file'), 'not a directory');
  const f = createStoreFactory({ dir: join(base, 'file', 'data') });
  t.after(() => f.close());
  await rejectsWith(f.domain(), 'UNAVAILABLE', /open .*domain\.sqlite/);
  const ro = createStoreFactory({ dir: join(base, 'missing'), readOnly: true });
  await rejectsWith(ro.domain(), 'UNAVAILABLE', /does not exist/);
});
