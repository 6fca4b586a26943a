/**
 * SQLite when the disk says no: a full file system and a read-only one. The tests run as
 * root, where chmod blocks nothing, so they use a small tmpfs (full for real, then
 * remounted read-only for real). Mounting needs CAP_SYS_ADMIN; without it these tests are
 * skipped with that reason, and the error mapping is still covered by the unit test below.
 * @module
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { createStoreFactory, StoreError } from '../src/index.js';
import type { StoreFactory } from '../src/index.js';
import { classifySqlite } from '../src/sqlite/errors.js';
import { at, rejectsWith, seed } from './suite/harness.js';
import type { Center } from './suite/harness.js';

function run(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? undefined : (r.stderr || r.error?.message || `exit ${r.status}`).trim();
}

/** A fresh tmpfs of `size`, unmounted after the test; undefined (test skipped) if not allowed. */
function tmpfs(t: TestContext, size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-tmpfs-'));
  const err = run('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir]);
  if (err !== undefined) {
    rmSync(dir, { recursive: true, force: true });
    t.skip(`cannot mount a tmpfs here (needs root with CAP_SYS_ADMIN): ${err}`);
    return undefined;
  }
  return dir;
}

/** A center on `dir`, closed after the test, before the tmpfs at `mount` is unmounted. */
function center(t: TestContext, mount: string, dir = mount): Center & { made: StoreFactory[] } {
  const made: StoreFactory[] = [];
  const c = {
    made,
    factory: createStoreFactory({ dir }),
    reopen: () => {
      const f = createStoreFactory({ dir });
      made.push(f);
      return f;
    },
    exec: () => Promise.reject(new Error('not used')),
    failWrites: () => Promise.reject(new Error('not used')),
    close: async () => {
      for (const f of [c.factory, ...made]) await f.close();
    },
  };
  t.after(async () => {
    await c.close();
    if (run('umount', [mount]) !== undefined) run('umount', ['-l', mount]);
    rmSync(mount, { recursive: true, force: true });
  });
  return c;
}

function fill(dir: string): string {
  const filler = join(dir, 'filler');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let n = 0;
  try {
    for (; n < 100_000; n++) writeFileSync(filler, chunk, { flag: 'a' });
  } catch (e) {
    assert.equal((e as { code?: string }).code, 'ENOSPC');
  }
  return filler;
}

test('sqlite full disk - writes fail with UNAVAILABLE, nothing half-written, then recover', async (t) => {
  const dir = tmpfs(t, '4m');
  if (dir === undefined) return;
  const c = center(t, dir);
  const d = await seed(c);
  const r = await c.factory.realm('realm-a');
  await r.migrate();
  await r.upsertNode({ node_id: 'node1' });
  const hb = (seq: number, size: number) => ({
    node_id: 'node1',
    seq,
    time: at(seq),
    received: at(seq),
    workers: { router: seq },
    system: { blob: 'x'.repeat(size) },
  });
  await r.recordHeartbeat(hb(1, 10));
  const filler = fill(dir);

  // A heartbeat is an update, an insert and a prune: too big for what is left, none of it stays.
  await rejectsWith(r.recordHeartbeat(hb(2, 512 * 1024)), 'UNAVAILABLE', /disk .* is full/);
  const node = await r.getNode('node1');
  assert.equal(node?.heartbeat, 1);
  assert.deepEqual(node.workers, { router: 1 });
  assert.deepEqual(
    (await r.recentHeartbeats('node1')).map((h) => h.seq),
    [1],
  );
  await rejectsWith(
    d.createRealm({ name: 'realm-b', owner: 'alice', extra: { pad: 'x'.repeat(512 * 1024) } }),
    'UNAVAILABLE',
    /full/,
  );
  assert.equal(await d.getRealm('realm-b'), undefined);

  // Space again: the same stores carry on.
  rmSync(filler);
  await r.recordHeartbeat(hb(3, 10));
  assert.equal((await r.getNode('node1'))?.heartbeat, 3);
  await d.createRealm({ name: 'realm-b', owner: 'alice' });
});

test('sqlite read-only mount - data on a read-only file system is READ_ONLY until writable again', async (t) => {
  // A file system cannot be remounted read-only while a store holds its files open for
  // writing (EBUSY), so this is the restart case: data written, center stopped, the disk
  // remounted read-only, center started again.
  const dir = tmpfs(t, '8m');
  if (dir === undefined) return;
  const c = center(t, dir, join(dir, 'data'));
  await seed(c);
  const w = await c.factory.realm('realm-a');
  await w.migrate();
  await w.upsertNode({ node_id: 'node1' });
  await c.factory.close();
  mkdirSync(join(dir, 'empty'));
  assert.equal(run('mount', ['-o', 'remount,ro', dir]), undefined);

  // SQLite cannot open a WAL database where it cannot create the shared-memory file.
  const ro = c.reopen();
  await rejectsWith(ro.domain(), 'READ_ONLY', /data\/domain\.sqlite.* not writable/);
  await rejectsWith(ro.realm('realm-a'), 'READ_ONLY', /not writable/);
  // Nor can a new data directory be created there.
  const fresh = createStoreFactory({ dir: join(dir, 'empty', 'data') });
  c.made.push(fresh);
  await rejectsWith(fresh.domain(), 'READ_ONLY', /empty.* read-only file system/);

  // Writable again: the same factory opens, reads and writes; nothing was lost.
  assert.equal(run('mount', ['-o', 'remount,rw', dir]), undefined);
  const d = await ro.domain();
  await d.migrate();
  assert.equal((await d.getUser('alice'))?.name, 'alice');
  await d.createUser({ name: 'bob', email: 'b@x.org' });
  const r = await ro.realm('realm-a');
  await r.upsertNode({ node_id: 'node2' });
  assert.equal((await r.listNodes()).length, 2);
});

test('sqlite errors - driver and file-system errors map to store error codes', () => {
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });
  const cases: [Error, string][] = [
    [err('SQLITE_CONSTRAINT_UNIQUE'), 'ALREADY_EXISTS'],
    [err('SQLITE_CONSTRAINT_PRIMARYKEY'), 'ALREADY_EXISTS'],
    [err('SQLITE_CONSTRAINT_FOREIGNKEY'), 'CONFLICT'],
    [err('SQLITE_CONSTRAINT_NOTNULL'), 'INVALID'],
    [err('SQLITE_READONLY'), 'READ_ONLY'],
    [err('SQLITE_READONLY_DBMOVED'), 'READ_ONLY'],
    [err('EACCES'), 'READ_ONLY'],
    [err('EROFS'), 'READ_ONLY'],
    [err('SQLITE_FULL'), 'UNAVAILABLE'],
    [err('ENOSPC'), 'UNAVAILABLE'],
    [err('SQLITE_BUSY'), 'UNAVAILABLE'],
    [err('SQLITE_IOERR_WRITE'), 'UNAVAILABLE'],
    [err('SQLITE_NOTADB'), 'UNAVAILABLE'],
    [err('SQLITE_ERROR', 'no such table: users'), 'UNAVAILABLE'],
    [err('ENOTDIR'), 'UNAVAILABLE'],
  ];
  for (const [e, code] of cases) {
    const mapped = classifySqlite(e, 'do it', tmpdir());
    assert.ok(mapped instanceof StoreError, e.message);
    assert.equal(mapped.code, code, e.message);
    assert.match(mapped.message, /^cannot do it: /);
    assert.equal(mapped.cause, e);
  }
  // An I/O error in a directory that cannot be written is a read-only problem.
  const ro = classifySqlite(err('SQLITE_IOERR_WRITE'), 'do it', '/proc/self/x.sqlite');
  assert.equal((ro as StoreError).code, 'READ_ONLY');
  // Bugs stay what they are.
  const bug = err('SQLITE_ERROR', 'near "selec": syntax error');
  assert.equal(classifySqlite(bug, 'do it', tmpdir()), bug);
  const plain = new TypeError('x is not a function');
  assert.equal(classifySqlite(plain, 'do it', tmpdir()), plain);
});
