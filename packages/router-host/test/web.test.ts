/** Web services of web and universal transports, over real HTTP. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterHost } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-web-'));
let host: RouterHost;
let base: string;

before(async () => {
  mkdirSync(join(dir, 'site', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'site', 'index.html'), '<h1>hi</h1>');
  writeFileSync(join(dir, 'site', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'site', 'sub', 'data.json'), '{"a":1}');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  host = new RouterHost({ baseDir: dir, nodeInfo: () => ({ node: 'n1' }) });
  await host.start({
    type: 'router',
    realms: [
      {
        name: 'realm1',
        roles: [
          {
            name: 'anonymous',
            permissions: [{ uri: 'com.', match: 'prefix', allow: { publish: true, call: true } }],
          },
        ],
      },
    ],
    transports: [
      {
        type: 'web',
        id: 'web1',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        paths: {
          '/': { type: 'static', directory: 'site', options: { cache_timeout: 60 } },
          files: {
            type: 'static',
            directory: 'site',
            options: { enable_directory_listing: true, default_file: 'none.html' },
          },
          info: { type: 'nodeinfo' },
          old: { type: 'redirect', url: '/new', status: 301 },
          pub: { type: 'publisher', realm: 'realm1', role: 'anonymous' },
          call: { type: 'caller', realm: 'realm1', role: 'anonymous' },
          ws: { type: 'websocket' },
        },
      },
    ],
  });
  base = host.transportUrl('web1', '/').replace(/^ws/, 'http').replace(/\/$/, '');
});
after(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('web - static files with content types, caching headers and conditional requests', async () => {
  const r = await fetch(`${base}/`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'public, max-age=60');
  assert.equal(await r.text(), '<h1>hi</h1>');
  const js = await fetch(`${base}/app.js`);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  const etag = js.headers.get('etag')!;
  assert.equal((await fetch(`${base}/app.js`, { headers: { 'If-None-Match': etag } })).status, 304);
  assert.equal(
    (await fetch(`${base}/sub/data.json`)).headers.get('content-type'),
    'application/json; charset=utf-8',
  );
  assert.equal((await fetch(`${base}/missing.css`)).status, 404);
  assert.equal(
    (await fetch(`${base}/%2e%2e/secret.txt`)).status !== 200,
    true,
    'no way out of the directory',
  );
  assert.equal((await fetch(`${base}/app.js`, { method: 'POST' })).status, 405);
  const listing = await fetch(`${base}/files/sub`);
  assert.match(await listing.text(), /data\.json/);
});

test('web - nodeinfo, redirect, and a WebSocket path answering plain HTTP with 426', async () => {
  assert.deepEqual(
    await (await fetch(`${base}/info`, { headers: { Accept: 'application/json' } })).json(),
    { node: 'n1' },
  );
  assert.match(await (await fetch(`${base}/info`)).text(), /<table>/);
  const r = await fetch(`${base}/old`, { redirect: 'manual' });
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/new');
  assert.equal((await fetch(`${base}/ws`)).status, 426);
});

test('web - the HTTP bridge publishes and calls under its role, with clear errors', async () => {
  const pub = await fetch(`${base}/pub`, {
    method: 'POST',
    body: JSON.stringify({ topic: 'com.example.t', args: [1] }),
  });
  assert.equal(pub.status, 200);
  assert.equal(typeof ((await pub.json()) as { id: number }).id, 'number');
  const denied = await fetch(`${base}/pub`, {
    method: 'POST',
    body: JSON.stringify({ topic: 'org.other', args: [] }),
  });
  assert.equal(denied.status, 403);
  assert.equal(((await denied.json()) as { error: string }).error, 'wamp.error.not_authorized');
  const bad = await fetch(`${base}/call`, { method: 'POST', body: '{nope' });
  assert.equal(bad.status, 400);
  const none = await fetch(`${base}/call`, {
    method: 'POST',
    body: JSON.stringify({ procedure: 'com.example.none' }),
  });
  assert.equal(none.status, 404);
  assert.equal((await fetch(`${base}/call`)).status, 405);
});
