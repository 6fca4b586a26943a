/** The center on TLS: users and nodes over wss://, cryptosign bound to the TLS channel. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { KeyError, KeySigner } from '@cdc/cryptosign';
import { silentLogger } from '@cdc/protocol';
import { Center } from '../src/index.js';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { ownedRealm, startCenter, until } from './helpers.js';
import type { TestCenter } from './helpers.js';

const certDir = mkdtempSync(joinPath(tmpdir(), 'cdc-tls-'));
let c: TestCenter;

before(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      joinPath(certDir, 'key.pem'),
      '-out',
      joinPath(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  c = await startCenter({
    tls: { key: joinPath(certDir, 'key.pem'), cert: joinPath(certDir, 'cert.pem') },
  });
});
after(async () => {
  await c.stop();
  rmSync(certDir, { recursive: true, force: true });
});

test('tls - the center listens on wss:// and a user joins with tls-unique channel binding', async () => {
  assert.match(c.url, /^wss:\/\//);
  const key = await ownedRealm(c, 'tls-realm');
  const transport = await connect(c.url, {
    tls: { ca: readFileSync(joinPath(certDir, 'cert.pem')) },
  });
  assert.equal(transport.info.tls, true);
  assert.equal(transport.info.channelId?.length, 32);
  const s = await joinSession(transport, {
    realm: 'tls-realm',
    authmethods: ['cryptosign'],
    signer: new KeySigner(key),
    channelBinding: 'tls-unique',
  });
  assert.equal(s.authrole, 'cdc-owner');
  const r = (await s.call('com.crossbario.cdc.get_status@1')).value as { realm: string };
  assert.equal(r.realm, 'tls-realm');
  await s.leave();
  const health = await until(
    async () => {
      const { request } = await import('node:https');
      return new Promise<number>((res) => {
        request(
          c.url.replace(/^wss/, 'https').replace(/\/ws$/, '/health'),
          { ca: readFileSync(joinPath(certDir, 'cert.pem')) },
          (resp) => res(resp.statusCode ?? 0),
        ).end();
      });
    },
    3000,
    'health over https',
  );
  assert.equal(health, 200);
});

test('tls - a private key group or others may read is refused before anything starts, with how to fix it', () => {
  const loose = joinPath(certDir, 'loose-key.pem');
  copyFileSync(joinPath(certDir, 'key.pem'), loose);
  chmodSync(loose, 0o640);
  const dir = mkdtempSync(joinPath(tmpdir(), 'cdc-tls-dir-'));
  try {
    assert.throws(
      () =>
        new Center({
          dir,
          logger: silentLogger,
          tls: { key: loose, cert: joinPath(certDir, 'cert.pem') },
        }),
      (e: unknown) =>
        e instanceof KeyError &&
        e.code === 'INSECURE_PERMISSIONS' &&
        e.message.includes(`chmod 600 ${loose}`),
    );
    // Nothing was made in the data directory.
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
