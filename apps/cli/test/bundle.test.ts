/**
 * The bundled CLI (apps/cli/scripts/bundle.mjs): `bin/cdc.js` runs it only while it is not
 * older than the build of what it was made from, and its stand-ins for msgpackr and cbor-x
 * (which load them on first use) encode and decode as the real packages do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Serializer, SerializerId } from '@cdc/protocol';
import { CDC } from './helpers.js';

const BUNDLE = join(dirname(CDC), '../dist/bundle');

test('bundle - bin/cdc.js runs the bundle, or the unbundled build when it is missing or stale', () => {
  // A copy of bin/cdc.js beside a bundle and a build that each say which one ran.
  const dir = mkdtempSync(join(tmpdir(), 'cdc-bundle-'));
  try {
    const at = (...p: string[]) => join(dir, ...p);
    mkdirSync(at('bin'));
    mkdirSync(at('dist', 'src'), { recursive: true });
    copyFileSync(CDC, at('bin', 'cdc.js'));
    writeFileSync(at('package.json'), '{"type":"module"}');
    writeFileSync(at('dist', 'src', 'main.js'), 'console.log("unbundled")');
    const run = () => {
      const r = spawnSync(process.execPath, [at('bin', 'cdc.js')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return { ran: r.stdout.trim(), note: r.stderr };
    };
    assert.deepEqual(run(), {
      ran: 'unbundled',
      note: 'cdc: the bundle is missing; running the unbundled build (npm run build makes it)\n',
    });

    mkdirSync(at('dist', 'bundle'));
    writeFileSync(at('dist', 'bundle', 'main.js'), 'console.log("bundle")');
    writeFileSync(at('dist', 'bundle', 'stamps.json'), '["../.tsbuildinfo"]');
    writeFileSync(at('dist', '.tsbuildinfo'), '{}');
    const before = new Date(Date.now() - 60_000);
    utimesSync(at('dist', '.tsbuildinfo'), before, before);
    assert.deepEqual(run(), { ran: 'bundle', note: '' });

    // A build since the bundle was made (`tsc -b` alone): not run, and the user is told.
    const since = new Date(Date.now() + 60_000);
    utimesSync(at('dist', '.tsbuildinfo'), since, since);
    const stale = run();
    assert.equal(stale.ran, 'unbundled');
    assert.match(stale.note, /the bundle is older than the build/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bundle - MessagePack and CBOR encode and decode through the stand-ins', async () => {
  // The bundle's chunks export what other chunks use, the serializer table among them;
  // those that import the entry (which runs the CLI), even through others, are not the
  // protocol's.
  const imports = (f: string) =>
    [...readFileSync(join(BUNDLE, f), 'utf8').matchAll(/from "\.\/([^"]+)"/g)].map((m) => m[1]!);
  const runsCli = (f: string): boolean => f === 'main.js' || imports(f).some(runsCli);
  let table: Record<SerializerId, Serializer> | undefined;
  for (const f of readdirSync(BUNDLE)) {
    if (!f.endsWith('.js') || runsCli(f)) continue;
    const m = (await import(pathToFileURL(join(BUNDLE, f)).href)) as Record<string, unknown>;
    for (const v of Object.values(m))
      if (typeof v === 'object' && v !== null && 'msgpack' in v && 'cbor' in v)
        table = v as Record<SerializerId, Serializer>;
  }
  assert.ok(table !== undefined, 'the bundle has the serializer table');
  const message = [48, 2 ** 40, {}, 'com.example.add', [1, 'a', { b: [true, null, 2.5] }]];
  for (const id of ['msgpack', 'cbor'] as const) {
    const s: Serializer = table[id];
    assert.deepEqual(s.unserialize(s.serialize(message)), message, id);
  }
});
