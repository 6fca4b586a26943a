/**
 * Cookie authentication end to end over real WebSockets: the opening handshake sets the
 * tracking cookie, a ticket login authenticates it, and a later connection carrying it
 * is welcomed by `cookie` as the same principal (authmethod kept, authprovider `cookie`).
 * The file store survives a router restart; a tampered cookie, an expired one, logout and
 * a RawSocket connection (no cookies there) are each refused with a clean ABORT.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import type { RouterWorkerConfig } from '@cdc/config';
import { connect } from '@cdc/transport';
import { RouterHost } from '../src/index.js';

let dir: string;
let host: RouterHost;

function config(maxAge: number): RouterWorkerConfig {
  return {
    type: 'router',
    realms: [{ name: 'realm1', roles: [{ name: 'user', permissions: [] }] }],
    transports: [
      {
        type: 'universal',
        id: 'main',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        rawsocket: {
          auth: {
            cookie: {},
            ticket: { type: 'static', principals: { joe: { ticket: 't0p', role: 'user' } } },
          },
        },
        websocket: {
          ws: {
            cookie: {
              name: 'cbtid',
              max_age: maxAge,
              store: { type: 'file', filename: 'cookies.dat' },
            },
            auth: {
              cookie: {},
              ticket: { type: 'static', principals: { joe: { ticket: 't0p', role: 'user' } } },
            },
          },
        },
      },
    ],
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cdc-cookie-'));
  host = new RouterHost({ baseDir: dir });
  await host.start(config(3600));
});

after(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Connect to `/ws`, sending `cookie` if given; returns the transport and the cookie set. */
async function open(h: RouterHost, cookie?: string) {
  const t = await connect(
    h.transportUrl('main', '/ws'),
    cookie !== undefined ? { headers: { Cookie: `cbtid=${cookie}` } } : {},
  );
  const set = /cbtid=([^;]+);max-age=(\d+)/.exec(t.info.httpHeaders?.['set-cookie'] ?? '');
  return { t, set: set?.[1], maxAge: set?.[2] };
}

async function ticketLogin(h: RouterHost): Promise<{ cookie: string; session: Session }> {
  const { t, set, maxAge } = await open(h);
  assert.ok(set !== undefined, 'the opening handshake sets the cookie');
  assert.equal(maxAge, '3600');
  const session = await joinSession(t, { realm: 'realm1', authid: 'joe', ticket: 't0p' });
  return { cookie: set, session };
}

async function cookieAbort(h: RouterHost, cookie: string): Promise<AbortError> {
  const { t } = await open(h, cookie);
  try {
    await joinSession(t, { realm: 'realm1', authmethods: ['cookie'] });
  } catch (e) {
    if (e instanceof AbortError) return e;
    throw e;
  }
  throw new Error('welcomed');
}

test('cookie - authenticated once by ticket, welcomed by the cookie on the next connection', async () => {
  const { cookie, session } = await ticketLogin(host);
  await session.leave();
  const { t, set } = await open(host, cookie);
  assert.equal(set, undefined, 'a known cookie is not replaced');
  const again = await joinSession(t, { realm: 'realm1', authmethods: ['cookie', 'ticket'] });
  assert.equal(again.authid, 'joe');
  assert.equal(again.authrole, 'user');
  assert.equal(again.authmethod, 'ticket', 'the method the cookie was authenticated by');
  assert.equal(again.authprovider, 'cookie');
  await again.leave();
});

test('cookie - a tampered cookie is unknown: no cookie login, a fresh cookie instead', async () => {
  const { cookie, session } = await ticketLogin(host);
  await session.leave();
  const tampered = (cookie[0] === 'A' ? 'B' : 'A') + cookie.slice(1);
  const a = await cookieAbort(host, tampered);
  assert.equal(a.uri, 'wamp.error.no_auth_method');
  assert.match(String(a.details['message']), /cookie: the cbtid cookie sent is not known here/);
  const { set } = await open(host, tampered);
  assert.ok(set !== undefined && set !== tampered);
});

test('cookie - RawSocket has no cookies: the method is skipped', async () => {
  const t = await connect(host.transportUrl('main'));
  await assert.rejects(
    joinSession(t, { realm: 'realm1', authmethods: ['cookie'] }),
    (e: unknown) =>
      e instanceof AbortError &&
      e.uri === 'wamp.error.no_auth_method' &&
      /no tracking cookie/.test(String(e.details['message'])),
  );
  const s = await joinSession(await connect(host.transportUrl('main')), {
    realm: 'realm1',
    authmethods: ['cookie', 'ticket'],
    authid: 'joe',
    ticket: 't0p',
  });
  assert.equal(s.authmethod, 'ticket');
  await s.leave();
});

test('cookie - logout forgets the cookie and closes the other sessions on it', async () => {
  const { cookie, session } = await ticketLogin(host);
  const { t } = await open(host, cookie);
  const second = await joinSession(t, { realm: 'realm1', authmethods: ['cookie'] });
  await session.leave('wamp.close.logout');
  const info = await second.closed;
  assert.equal(info.reason, 'wamp.close.logout');
  const a = await cookieAbort(host, cookie);
  assert.equal(a.uri, 'wamp.error.no_auth_method');
});

test('cookie - the file store survives a restart; an expired cookie is refused', async () => {
  const { cookie, session } = await ticketLogin(host);
  await session.leave();
  await host.stop();
  assert.match(
    readFileSync(join(dir, 'cookies.dat'), 'utf8'),
    new RegExp(`"id":"${cookie}".*"authid":"joe"`),
  );
  host = new RouterHost({ baseDir: dir });
  await host.start(config(3600));
  const { t } = await open(host, cookie);
  const again = await joinSession(t, { realm: 'realm1', authmethods: ['cookie'] });
  assert.equal(again.authid, 'joe');
  await again.leave();

  // A router whose cookies live one second.
  const short = new RouterHost({ baseDir: dir });
  const cfg = config(1);
  const ws = (cfg.transports?.[0] as { websocket: Record<string, { cookie: { store: unknown } }> })
    .websocket['ws'];
  if (ws !== undefined) ws.cookie.store = { type: 'memory' };
  await short.start(cfg);
  try {
    const { t: t1, set } = await open(short);
    assert.ok(set !== undefined);
    const s = await joinSession(t1, { realm: 'realm1', authid: 'joe', ticket: 't0p' });
    await s.leave();
    await new Promise((r) => setTimeout(r, 1100));
    const a = await cookieAbort(short, set);
    assert.equal(a.uri, 'wamp.error.no_auth_method');
    assert.match(String(a.details['message']), /has expired/);
  } finally {
    await short.stop();
  }
});
