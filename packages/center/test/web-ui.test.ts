/**
 * The web UI's files over HTTP (`web-ui.ts`, on a real socket): content types, caching of
 * hashed assets against revalidation of the page, gzip, the page for a browser's app route
 * but "not found" for a missing file or a program, and nothing read outside the folder
 * however the path is spelled. Then the one-time sign-in link (`POST /ui/claim`) on a real
 * center: granted once, then spent; bad bodies refused with a reason.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { webUi } from '../src/web-ui.js';
import { ownedRealm, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

let dir: string;
let server: Server;
let base: string;
const PAGE = '<!doctype html><title>ui</title>';
const JS = `console.log(${JSON.stringify('x'.repeat(2000))});`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cdc-web-ui-'));
  const root = join(dir, 'ui');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), PAGE);
  writeFileSync(join(root, 'assets', 'index-abc123.js'), JS);
  writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'not for the web');
  const handle = webUi(root);
  assert.ok(handle !== undefined);
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!handle(req, res, path)) res.writeHead(404).end('no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  assert.ok(a !== null && typeof a === 'object');
  base = `http://127.0.0.1:${a.port}`;
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** A raw GET (fetch would normalize `..` away and unzip by itself). */
function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );
}

test('web UI: the page and its assets with their types and caching', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.equal(page.body.toString(), PAGE);
  // Only the UI's own scripts, no eval, not framed.
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /(^|; )script-src 'self'(;|$)/);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-/);
  const js = await get('/assets/index-abc123.js');
  assert.equal(js.headers['content-security-policy'], undefined);
  assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(js.body.toString(), JS);
  const css = await get('/assets/index-abc123.css');
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  const zipped = await get('/assets/index-abc123.js', { 'accept-encoding': 'gzip, br' });
  assert.equal(zipped.headers['content-encoding'], 'gzip');
  assert.ok(zipped.body.length < JS.length / 4);
  assert.equal(gunzipSync(zipped.body).toString(), JS);
});

test('web UI: a browser on an app route gets the page; a missing file or a program does not', async () => {
  const nav = await get('/node/n1', { accept: 'text/html,application/xhtml+xml' });
  assert.equal(nav.status, 200);
  assert.equal(nav.body.toString(), PAGE);
  assert.equal((await get('/node/n1', { accept: '*/*' })).status, 404);
  assert.equal((await get('/assets/missing.js', { accept: 'text/html' })).status, 404);
});

test('web UI: nothing outside its folder, however the path is spelled', async () => {
  for (const p of [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%2fsecret.txt',
    '/a%00b',
    '/%E0%A4%A',
  ]) {
    const r = await get(p, { accept: 'text/html' });
    assert.ok(!r.body.toString().includes('not for the web'), p);
    assert.ok(r.status === 404 || r.body.toString() === PAGE, `${p}: ${r.status}`);
  }
});

test('sign-in link: grants one browser key once; bad requests say why', async () => {
  const tc: TestCenter = await startCenter();
  try {
    await ownedRealm(tc, 'link-realm');
    const http = tc.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
    const post = async (body: unknown) => {
      const r = await fetch(`${http}/ui/claim`, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const token = tc.center.signInLinks.create('link-realm', 'cdc-devop');
    const key = 'ab'.repeat(32);
    assert.deepEqual(await post('not json'), {
      status: 400,
      body: { error: 'the body must be JSON: {"token": …, "pubkey": …}' },
    });
    assert.equal((await post({ token, pubkey: 'xyz' })).status, 400);
    assert.deepEqual(await post({ token, pubkey: key }), {
      status: 200,
      body: { realm: 'link-realm', role: 'cdc-devop' },
    });
    const access = await tc.center.domain.listAccess('link-realm');
    assert.equal(access.find((a) => a.pubkey === key)?.role, 'cdc-devop');
    assert.deepEqual(await post({ token, pubkey: 'cd'.repeat(32) }), {
      status: 404,
      body: { error: 'this sign-in link is unknown, used or expired' },
    });
    const expired = tc.center.signInLinks.create('link-realm', 'cdc-guest', -1);
    assert.equal((await post({ token: expired, pubkey: 'cd'.repeat(32) })).status, 404);
  } finally {
    await tc.stop();
  }
});
