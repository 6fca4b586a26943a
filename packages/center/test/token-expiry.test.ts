/**
 * A token's sessions end at its expiry (SPEC §7), as at its revocation: a WAMP client that
 * joined with it, the HTTP API's session for it and the event streams on that session, each
 * closed when the token expires while connected; a token that expires in years keeps its
 * session (the timer does not overflow to "now").
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { connect } from '@cdc/transport';
import { join, ownedRealm, startCenter, until } from './helpers.js';
import type { TestCenter } from './helpers.js';
import { httpBase, post } from './http-api-helpers.js';

const M = 'com.crossbario.cdc.management.';
const TOPIC = 'com.crossbario.cdc.remote.on_node_status@1';
let c: TestCenter;
let owner: Session;
let base: string;

async function makeToken(
  label: string,
  expiresInS: number,
): Promise<{ token: string; expires_at: string }> {
  const r = await owner.call(`${M}create_token@1`, [label, 'cdc-guest'], {
    expires_in_s: expiresInS,
  });
  return r.value as { token: string; expires_at: string };
}

function ticketSession(token: string, authid: string): Promise<Session> {
  return connect(c.url).then((t) =>
    joinSession(t, { realm: 'ops', authid, authmethods: ['ticket'], ticket: token }),
  );
}

/** An event stream; resolves `ended` when the server ends the response. */
function stream(token: string): Promise<{ status: number; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/api/events/${TOPIC}`,
      { headers: { Authorization: `Bearer ${token}` }, agent: false },
      (res) => {
        res.resume();
        const ended = new Promise<void>((ok) => res.on('close', () => ok()));
        resolve({ status: res.statusCode ?? 0, ended });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  c = await startCenter();
  base = httpBase(c.url);
  owner = await join(c, await ownedRealm(c, 'ops'), 'ops');
});
after(async () => {
  await owner.leave().catch(() => undefined);
  await c.stop();
});

test("expiry - a token's WAMP, HTTP and event stream sessions close when it expires", async () => {
  // Long enough for the sessions and the stream to open first on a loaded machine.
  const { token, expires_at } = await makeToken('short', 6);
  const wamp = await ticketSession(token, 'short');
  const lasting = await ticketSession(
    (await makeToken('lasting', 10 * 365 * 24 * 3600)).token,
    'x',
  );
  assert.equal((await post(base, 'com.crossbario.cdc.get_nodes@1', token)).status, 200);
  const events = await stream(token);
  assert.equal(events.status, 200);
  assert.equal(c.center.httpApi.sessions.size, 1);

  const info = await Promise.race([
    wamp.closed,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
  ]);
  assert.notEqual(info, 'timeout', 'the session is closed at the expiry');
  if (info === 'timeout') return;
  assert.ok(Date.now() >= Date.parse(expires_at), 'not before the expiry');
  assert.equal(info.reason, 'wamp.close.auth-changed');
  assert.match(info.message ?? '', /API token "short" expired/);
  await events.ended;
  await until(() => c.center.httpApi.sessions.size === 0, 5000, 'HTTP API session dropped');
  const again = await post(base, 'com.crossbario.cdc.get_nodes@1', token);
  assert.equal(again.status, 401);
  assert.match(String((again.body['args'] as unknown[])[0]), /expired/);

  // Ten years is past setTimeout's range: the timer must not fire at once.
  assert.ok(lasting.isOpen);
  assert.deepEqual((await lasting.call('com.crossbario.cdc.get_nodes@1')).value, []);
  await lasting.leave();
});
