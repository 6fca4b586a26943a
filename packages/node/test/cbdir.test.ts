/** The node directory: keys made once with the right modes, Crossbar.io key files read, config validated. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cdc/config';
import { KeyError, SigningKey } from '@cdc/cryptosign';
import { openNodeDirectory } from '../src/index.js';

const made: string[] = [];
const tmp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-cbdir-'));
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

test('cbdir - first start writes key.priv (0600) and key.pub (0644); later starts reuse them', async () => {
  const dir = join(tmp(), '.crossbar');
  const a = await openNodeDirectory(dir);
  assert.equal(a.report.createdKey, true);
  assert.equal(statSync(join(dir, 'key.priv')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'key.pub')).mode & 0o777, 0o644);
  assert.match(readFileSync(join(dir, 'key.pub'), 'utf8'), /^Crossbar\.io node public key\n\n/);
  const b = await openNodeDirectory(dir);
  assert.equal(b.report.createdKey, false);
  assert.equal(b.node.key.publicKeyHex, a.node.key.publicKeyHex);
  assert.equal(b.node.hasConfig, false);
});

test('cbdir - a key.priv group or others may read is refused with how to fix it, as ssh does', async () => {
  const dir = tmp();
  await openNodeDirectory(dir);
  const priv = join(dir, 'key.priv');
  for (const [mode, who] of [
    [0o644, 'its group and others'],
    [0o640, 'its group'],
    [0o604, 'others'],
  ] as const) {
    chmodSync(priv, mode);
    await assert.rejects(
      openNodeDirectory(dir),
      (e: unknown) =>
        e instanceof KeyError &&
        e.code === 'INSECURE_PERMISSIONS' &&
        e.message.includes(who) &&
        e.message.includes(`chmod 600 ${priv}`),
      mode.toString(8),
    );
    // Refused, not changed behind the operator's back.
    assert.equal(statSync(priv).mode & 0o777, mode);
  }
  // Owner-only modes other than 0600 are fixed quietly, as Crossbar.io does; key.pub too.
  chmodSync(priv, 0o400);
  chmodSync(join(dir, 'key.pub'), 0o600);
  const r = await openNodeDirectory(dir);
  assert.deepEqual(r.report.fixedPermissions, [priv, join(dir, 'key.pub')]);
  assert.equal(statSync(priv).mode & 0o777, 0o600);
});

test('cbdir - reads key files written by Crossbar.io', async () => {
  const dir = tmp();
  const key = SigningKey.fromSeed(
    '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510',
  );
  const tags = `creator: root@vm\ncreated-at: 2026-11-26T21:24:52.273Z\nmachine-id: 3d1219c7c4c5404aaa1f6d2a48adfda4\nnode-authid: edge1\nnode-cluster-ip: 127.0.0.1\npublic-key-ed25519: ${key.publicKeyHex}\n`;
  writeFileSync(join(dir, 'key.pub'), `Crossbar.io node public key\n\n${tags}`, { mode: 0o644 });
  writeFileSync(
    join(dir, 'key.priv'),
    `Crossbar.io node private key - KEEP THIS SAFE!\n\n${tags}private-key-ed25519: 4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510\n`,
    { mode: 0o600 },
  );
  const r = await openNodeDirectory(dir);
  assert.equal(r.report.createdKey, false);
  assert.equal(r.node.key.publicKeyHex, key.publicKeyHex);
});

test('cbdir - a pub/priv pair that does not match is refused', async () => {
  const dir = tmp();
  await openNodeDirectory(dir);
  const other = tmp();
  await openNodeDirectory(other);
  writeFileSync(join(dir, 'key.pub'), readFileSync(join(other, 'key.pub')));
  await assert.rejects(
    openNodeDirectory(dir),
    (e: unknown) => e instanceof KeyError && e.code === 'KEY_MISMATCH',
  );
  const lonely = tmp();
  writeFileSync(join(lonely, 'key.pub'), readFileSync(join(other, 'key.pub')));
  await assert.rejects(
    openNodeDirectory(lonely),
    (e: unknown) => e instanceof KeyError && /refusing/.test(e.message),
  );
});

test('cbdir - config.json is validated before anything starts, errors name the path', async () => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      version: 2,
      workers: [
        {
          type: 'router',
          transports: [{ type: 'websocket', endpoint: { type: 'tcp', port: -1 } }],
        },
      ],
    }),
  );
  await assert.rejects(
    openNodeDirectory(dir),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.issues.some((i) => i.path === 'workers[0].transports[0].endpoint.port'),
  );
  writeFileSync(join(dir, 'config.json'), '{ nope');
  await assert.rejects(
    openNodeDirectory(dir),
    (e: unknown) => e instanceof ConfigError && /not valid JSON/.test(e.message),
  );
});
