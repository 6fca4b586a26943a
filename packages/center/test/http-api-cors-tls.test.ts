/**
 * The HTTP API's browser and transport limits (SPEC §7) on a real center running with TLS
 * and `CDC_HTTP_CORS_ORIGINS` set: calls, errors, the OpenAPI document and event streams over
 * HTTPS (plain HTTP on the TLS port gets nothing); an allowed origin gets the CORS headers on
 * answers, errors and a preflight, a foreign origin gets none and its preflight is refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { request as plainRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { joinSession } from '@cdc/client';
import { KeySigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { limitsFromEnv } from '../src/index.js';
import { ownedRealm, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

const ALLOWED = 'https://ops.example.com';
const STATUS = '/api/com.crossbario.cdc.get_status@1';
const certDir = mkdtempSync(joinPath(tmpdir(), 'cdc-http-tls-'));
let c: TestCenter;
let ca: Buffer;
let port: number;
let token: string;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

function https(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method, headers, ca, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

before(async () => {
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      ...['-keyout', joinPath(certDir, 'key.pem'), '-out', joinPath(certDir, 'cert.pem')],
    ],
    { stdio: 'ignore' },
  );
  ca = readFileSync(joinPath(certDir, 'cert.pem'));
  c = await startCenter({
    tls: { key: joinPath(certDir, 'key.pem'), cert: joinPath(certDir, 'cert.pem') },
    // As `cdc center start` reads them from its environment.
    httpApi: limitsFromEnv({ CDC_HTTP_CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` }),
  });
  port = Number(new URL(c.url).port);
  const key = await ownedRealm(c, 'ops');
  const s = await joinSession(await connect(c.url, { tls: { ca } }), {
    realm: 'ops',
    authmethods: ['cryptosign'],
    signer: new KeySigner(key),
  });
  token = (
    (await s.call('com.crossbario.cdc.management.create_token@1', ['browser', 'cdc-guest']))
      .value as { token: string }
  ).token;
  await s.leave();
});
after(async () => {
  await c.stop();
  rmSync(certDir, { recursive: true, force: true });
});

test('https - calls, errors, the OpenAPI document and event streams over TLS', async () => {
  const ok = await https('POST', STATUS, { Authorization: `Bearer ${token}` }, '{}');
  assert.equal(ok.status, 200, ok.text);
  assert.equal((JSON.parse(ok.text) as { args: { realm: string }[] }).args[0]?.realm, 'ops');
  const denied = await https('POST', STATUS, {}, '{}');
  assert.equal(denied.status, 401);
  assert.equal(
    (JSON.parse(denied.text) as { error: string }).error,
    'wamp.error.authentication_failed',
  );
  const doc = await https('GET', '/api/openapi.json');
  assert.equal(doc.status, 200);
  assert.equal((JSON.parse(doc.text) as { openapi: string }).openapi, '3.1.0');

  const events = await new Promise<{ status: number; first: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/events/com.crossbario.cdc.remote.on_node_status@1',
        headers: { Authorization: `Bearer ${token}` },
        ca,
        agent: false,
      },
      (res) => {
        res.setEncoding('utf8');
        res.once('data', (d: string) => {
          resolve({ status: res.statusCode ?? 0, first: d });
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(events.status, 200);
  assert.match(events.first, /^: subscribed/);

  // Plain HTTP to the TLS port: no answer, and certainly no API.
  const plain = await new Promise<string>((resolve) => {
    const req = plainRequest({ host: '127.0.0.1', port, path: STATUS, method: 'POST' }, (res) =>
      resolve(`HTTP ${res.statusCode}`),
    );
    req.on('error', (e) => resolve(e.message));
    req.end('{}');
  });
  assert.doesNotMatch(plain, /HTTP 200/);
});

test('cors - an allowed origin gets the headers on answers, errors and a preflight', async () => {
  const ok = await https('POST', STATUS, { Origin: ALLOWED, Authorization: `Bearer ${token}` });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], ALLOWED);
  assert.match(String(ok.headers['vary']), /Origin/);
  const err = await https('POST', STATUS, { Origin: 'http://localhost:5173' });
  assert.equal(err.status, 401);
  assert.equal(err.headers['access-control-allow-origin'], 'http://localhost:5173');

  const pre = await https('OPTIONS', STATUS, {
    Origin: ALLOWED,
    'Access-Control-Request-Method': 'POST',
    'Access-Control-Request-Headers': 'authorization, content-type',
  });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], ALLOWED);
  assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
  assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/i);
  assert.match(String(pre.headers['access-control-allow-headers']), /Content-Type/i);
  assert.ok(Number(pre.headers['access-control-max-age']) > 0);
});

test('cors - a foreign origin gets no CORS headers and its preflight is refused', async () => {
  for (const origin of ['https://evil.example', 'https://ops.example.com.evil.example', 'null']) {
    const r = await https('POST', STATUS, { Origin: origin, Authorization: `Bearer ${token}` });
    assert.equal(r.headers['access-control-allow-origin'], undefined, origin);
    const pre = await https('OPTIONS', STATUS, {
      Origin: origin,
      'Access-Control-Request-Method': 'POST',
    });
    assert.equal(pre.status, 405, origin);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
    assert.equal(pre.headers['access-control-allow-methods'], undefined);
    const body = JSON.parse(pre.text) as { error: string; args: string[] };
    assert.equal(body.error, 'wamp.error.invalid_argument');
    assert.match(body.args[0] ?? '', /may not call this API \(CDC_HTTP_CORS_ORIGINS\)/);
  }
});
