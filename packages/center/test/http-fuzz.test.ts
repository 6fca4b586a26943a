/**
 * Property test (fast-check) of the center's HTTP side on a real socket: random methods,
 * paths, query strings and headers always get a well-formed answer (no 5xx but `/health`'s
 * 503), and the center keeps serving WAMP and `/health` afterwards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import fc from 'fast-check';
import { fuzzRuns } from '@cdc/testkit';
import { join, ownedRealm, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

const RUNS = fuzzRuns(60);
let c: TestCenter;
let port: number;

before(async () => {
  c = await startCenter();
  port = Number(new URL(c.url).port);
});
after(() => c.stop());

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const segment = fc.oneof(
  fc.constantFrom('health', 'metrics', 'ws', '', '..', '%2e%2e', '%00', 'index.html'),
  fc.stringMatching(/^[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,20}$/),
);
const path = fc
  .tuple(
    fc.array(segment, { maxLength: 4 }),
    fc.option(fc.stringMatching(/^[A-Za-z0-9=&%]{0,20}$/)),
  )
  .map(([segs, q]) => `/${segs.join('/')}${q === null ? '' : `?${q}`}`);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);

test('fuzz - the center answers any HTTP request with a proper status and keeps working', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      path,
      fc.dictionary(
        fc.constantFrom('accept', 'x-forwarded-for', 'origin', 'cookie', 'range'),
        headerValue,
        {
          maxKeys: 3,
        },
      ),
      async (method, p, headers) => {
        const r = await send(method, p, headers);
        assert.ok(r.status >= 200 && r.status < 600, `${method} ${p}: ${r.status}`);
        if (r.status >= 500)
          assert.ok(p.startsWith('/health') && r.status === 503, `${method} ${p}: ${r.status}`);
      },
    ),
    { numRuns: RUNS },
  );
  assert.equal((await send('GET', '/health', {})).status, 200);
  const key = await ownedRealm(c, 'after-fuzz');
  const s = await join(c, key, 'after-fuzz');
  assert.equal(typeof (await s.call('com.crossbario.cdc.get_status@1')).value, 'object');
  await s.leave();
});
