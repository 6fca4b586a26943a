/**
 * The audit log (SPEC §4.7) is append-only: the realm store offers appending and reading
 * and nothing else for it, no source file of the workspace updates or deletes audit rows,
 * and what was appended reads back unchanged after every other kind of write.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createStoreFactory } from '../src/index.js';

/** The repository root (this file runs from packages/store/dist/test/). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mts|mjs|js|sql)$/.test(name)) out.push(p);
  }
  return out;
}

test('audit - the realm store has no way to change or remove an audit record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-audit-'));
  const factory = createStoreFactory({ dir });
  try {
    const store = await factory.realm('audit-realm');
    await store.migrate();
    const methods = new Set<string>();
    for (
      let o: object | null = store;
      o !== null && o !== Object.prototype;
      o = Object.getPrototypeOf(o) as object | null
    )
      for (const k of Object.getOwnPropertyNames(o)) methods.add(k);
    const auditMethods = [...methods].filter((m) => /audit/i.test(m)).sort();
    assert.deepEqual(auditMethods, ['appendAudit', 'listAudit']);

    const entry = {
      time: new Date().toISOString(),
      authid: 'alice',
      role: 'cdc-owner',
      procedure: 'com.crossbario.cdc.management.pair_node@1',
      args: ['abc', 'node1'],
      kwargs: {},
      outcome: 'ok' as const,
      error: null,
      message: null,
    };
    const first = await store.appendAudit(entry);
    // Every other kind of write leaves the record as it was.
    await store.upsertNode({ node_id: 'node1', pubkey: 'a'.repeat(64), extra: {} });
    await store.deleteNode('node1');
    await store.appendAudit({ ...entry, outcome: 'error', error: 'x.y', message: 'failed' });
    const all = await store.listAudit({});
    assert.equal(all.length, 2);
    assert.deepEqual(
      all.find((r) => r.id === first.id),
      first,
    );
    await store.close();
  } finally {
    await factory.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit - no source in the workspace updates or deletes audit rows', () => {
  const files = [...sources(join(ROOT, 'packages')), ...sources(join(ROOT, 'apps'))].filter(
    (f) => !f.includes(join('store', 'test')),
  );
  assert.ok(files.length > 100, `${files.length} files`);
  const forbidden = [
    /updateTable\(\s*['"`]audit['"`]/,
    /deleteFrom\(\s*['"`]audit['"`]/,
    /\bUPDATE\s+["`]?audit["`]?\s+SET\b/i,
    /\bDELETE\s+FROM\s+["`]?audit\b/i,
    /\b(DROP|TRUNCATE)\s+(TABLE\s+)?["`]?audit\b/i,
  ];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const re of forbidden) assert.doesNotMatch(text, re, `${f} changes the audit log`);
  }
});
