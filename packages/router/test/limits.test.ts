/**
 * The router's limits on what one peer may cost (`limits.ts`): connections per source
 * address not yet authenticated, failed authentications slowed per address and per authid,
 * registrations and subscriptions per session; and no credential in a debug log line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitErrors, MessageType as M, CLIENT_ROLES } from '@cdc/protocol';
import { captureLogger } from '@cdc/testkit';
import { DEFAULT_LIMITS, Router, limitsFromConfig } from '../src/index.js';
import type { AuthConfig, RouterLimits } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

function router(limits: RouterLimits, logger = captureLogger()): Router {
  const r = new Router({ helloTimeoutMs: 2000, limits, logger });
  r.addRealm({
    ...openRealm('realm1'),
    roles: [...openRealm().roles, { name: 'user', permissions: [] }],
  });
  return r;
}

const from = (address: string, port: number): { info: { peer: string } } => ({
  info: { peer: `tcp4:${address}:${port}` },
});

const TICKET: AuthConfig = {
  ticket: {
    type: 'static',
    principals: {
      joe: { ticket: 'right-ticket', role: 'user' },
      ann: { ticket: 'anns-ticket', role: 'user' },
    },
  },
};

async function ticketLogin(
  r: Router,
  authid: string,
  ticket: string,
  address = '10.0.0.1',
): Promise<unknown[]> {
  const p = new Peer(r, { auth: TICKET, ...from(address, 5000) });
  p.send([M.HELLO, 'realm1', { roles: CLIENT_ROLES, authmethods: ['ticket'], authid }]);
  const first = await p.next();
  if (first[0] !== M.CHALLENGE) return first;
  p.send([M.AUTHENTICATE, ticket, {}]);
  return p.next();
}

test('limits - connections not yet authenticated are capped per source address', async () => {
  const r = router({ maxPendingPerAddress: 3 });
  const waiting = [1, 2, 3].map((i) => new Peer(r, from('10.0.0.1', 4000 + i)));
  const fourth = new Peer(r, from('10.0.0.1', 4004));
  const abort = await fourth.expect(M.ABORT);
  assert.equal(abort[2], LimitErrors.TOO_MANY_CONNECTIONS);
  assert.match(String((abort[1] as Record<string, unknown>)['message']), /10\.0\.0\.1.*at most 3/);
  await fourth.waitClosed();
  // Another address is not affected; nor are local (non-TCP) peers.
  await new Peer(r, from('10.0.0.2', 4000)).join('realm1');
  await new Peer(r, { info: { peer: 'unix:/run/x.sock' } }).join('realm1');
  // Once one of them authenticates, its address has room again.
  await waiting[0]!.join('realm1');
  await new Peer(r, from('10.0.0.1', 4005)).join('realm1');
  // A connection that closes before HELLO frees its place too.
  waiting[1]!.drop();
  await new Promise((res) => setTimeout(res, 10));
  await new Peer(r, from('10.0.0.1', 4006)).join('realm1');
});

test('limits - failed authentications are slowed per authid, then per source address', async () => {
  const r = router({ authFailuresPerAuthid: 3, authFailuresPerAddress: 5, authLockoutMaxMs: 1000 });
  for (let i = 0; i < 3; i++)
    assert.equal((await ticketLogin(r, 'joe', 'guess'))[2], 'wamp.error.authentication_failed');
  // The fourth try for joe is refused at HELLO, even with the right ticket and from elsewhere.
  const throttled = await ticketLogin(r, 'joe', 'right-ticket', '10.9.9.9');
  assert.equal(throttled[0], M.ABORT);
  assert.equal(throttled[2], LimitErrors.AUTHENTICATION_THROTTLED);
  assert.match(
    String((throttled[1] as Record<string, unknown>)['message']),
    /too many failed authentications for authid "joe"; try again in 1 s/,
  );
  // Another authid from another address is not affected.
  assert.equal((await ticketLogin(r, 'ann', 'anns-ticket', '10.0.0.2'))[0], M.WELCOME);
  // After the wait, the right ticket gets in, and that ends joe's run of failures.
  await new Promise((res) => setTimeout(res, 1050));
  assert.equal((await ticketLogin(r, 'joe', 'right-ticket'))[0], M.WELCOME);
  assert.equal((await ticketLogin(r, 'joe', 'guess'))[2], 'wamp.error.authentication_failed');
  // 10.0.0.1 has failed 4 times; a fifth (an unknown authid) makes the address wait.
  assert.equal((await ticketLogin(r, 'nobody', 'x'))[2], 'wamp.error.no_such_principal');
  const byAddress = await ticketLogin(r, 'someone-else', 'x');
  assert.equal(byAddress[2], LimitErrors.AUTHENTICATION_THROTTLED);
  assert.match(
    String((byAddress[1] as Record<string, unknown>)['message']),
    /from tcp4:10\.0\.0\.1/,
  );
});

test('limits - registrations and subscriptions per session are capped, and freed by leaving them', async () => {
  const r = router({ maxRegistrationsPerSession: 2, maxSubscriptionsPerSession: 2 });
  const p = new Peer(r);
  await p.join('realm1');
  const reg = await p.register('com.example.one');
  await p.register('com.example.two');
  const id = p.nextId();
  p.send([M.REGISTER, id, {}, 'com.example.three']);
  const err = await p.expect(M.ERROR);
  assert.deepEqual(err.slice(0, 5), [M.ERROR, M.REGISTER, id, {}, LimitErrors.LIMIT_EXCEEDED]);
  assert.match(String((err[5] as unknown[])[0]), /holds 2 registrations.*\(2\)/);
  p.send([M.UNREGISTER, p.nextId(), reg]);
  await p.expect(M.UNREGISTERED);
  await p.register('com.example.three');

  await p.subscribe('com.example.a');
  await p.subscribe('com.example.b');
  const sid = p.nextId();
  p.send([M.SUBSCRIBE, sid, {}, 'com.example.c']);
  const serr = await p.expect(M.ERROR);
  assert.deepEqual(serr.slice(0, 5), [M.ERROR, M.SUBSCRIBE, sid, {}, LimitErrors.LIMIT_EXCEEDED]);
  // The session is still fine.
  assert.equal((await p.call('com.example.nothing'))[0], M.ERROR);
  assert.equal(p.closed, false);
});

test('limits - defaults, and config blocks checked with the key named', () => {
  assert.equal(
    new Router().limits.limits.maxPendingPerAddress,
    DEFAULT_LIMITS.maxPendingPerAddress,
  );
  assert.deepEqual(limitsFromConfig({ max_pending_per_address: 5, auth_lockout_max: 0 }), {
    maxPendingPerAddress: 5,
    authLockoutMaxMs: 0,
  });
  assert.throws(() => limitsFromConfig({ max_pending: 5 } as never), /unknown limit "max_pending"/);
  assert.throws(
    () => limitsFromConfig({ max_registrations_per_session: 0 }),
    /"max_registrations_per_session" must be a whole number of at least 1/,
  );
});

test('limits - debug logs show every message but no ticket or secret', async () => {
  const log = captureLogger();
  const r = router({}, log);
  const p = new Peer(r, { auth: TICKET, debug: true });
  p.send([
    M.HELLO,
    'realm1',
    {
      roles: CLIENT_ROLES,
      authmethods: ['ticket'],
      authid: 'joe',
      authextra: { password: 'pw-in-hello' },
    },
  ]);
  await p.expect(M.CHALLENGE);
  p.send([M.AUTHENTICATE, 'right-ticket', { ticket: 'right-ticket' }]);
  await p.expect(M.WELCOME);
  const id = p.nextId();
  p.send([
    M.CALL,
    id,
    {},
    'com.example.x',
    ['arg'],
    { token: 'tok-123', nested: { secret: 's3' } },
  ]);
  await p.expect(M.ERROR);
  const text = JSON.stringify(log.records);
  assert.ok(log.records.length >= 6, `${log.records.length} records`);
  assert.match(text, /WAMP message received/);
  for (const secret of ['right-ticket', 'pw-in-hello', 'tok-123', '"s3"'])
    assert.ok(!text.includes(secret), `${secret} in a log line`);
  assert.match(text, /com\.example\.x/);
});
