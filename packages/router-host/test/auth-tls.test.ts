/**
 * TLS client-certificate authentication end to end, over real sockets: a router whose TLS
 * endpoint has `ca_certificates` asks clients for a certificate; `auth.tls` admits the
 * principal whose `certificate-sha1` matches, over WebSocket and RawSocket, statically and
 * through a dynamic authenticator. A certificate from another CA, an expired one, none at
 * all and an unknown one are each refused with a clean ABORT; clients without a
 * certificate still use the other methods. SCRAM with `tls-unique` channel binding runs
 * over the same endpoint.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { AbortError, deriveScramCredential, joinSession } from '@cdc/client';
import type { JoinOptions } from '@cdc/client';
import { certificateFingerprint } from '@cdc/cryptosign';
import { makeTestPki } from '@cdc/testkit';
import type { KeyPair, TestPki } from '@cdc/testkit';
import { connect } from '@cdc/transport';
import { RouterHost } from '../src/index.js';

let dir: string;
let pki: TestPki;
let host: RouterHost;
const seen: Record<string, unknown>[] = [];

before(async () => {
  dir = mkdtempSync(joinPath(tmpdir(), 'cdc-tls-auth-'));
  pki = makeTestPki(dir);
  const scram = await deriveScramCredential('bound-pw', { kdf: 'pbkdf2', iterations: 1000 });
  host = new RouterHost({ baseDir: dir });
  await host.start({
    type: 'router',
    realms: [
      {
        name: 'realm1',
        roles: [
          { name: 'user', permissions: [{ uri: 'wamp.session.get', allow: { call: true } }] },
          { name: 'device', permissions: [] },
          {
            name: 'backend',
            permissions: [{ uri: 'com.example.', match: 'prefix', allow: { register: true } }],
          },
        ],
      },
    ],
    transports: [
      {
        type: 'universal',
        id: 'tls',
        endpoint: {
          type: 'tcp',
          port: 0,
          interface: '127.0.0.1',
          tls: {
            key: pki.server.key,
            certificate: pki.server.cert,
            ca_certificates: [pki.ca.cert],
          },
        },
        rawsocket: {
          auth: {
            tls: {
              type: 'static',
              principals: {
                client: {
                  'certificate-sha1': certificateFingerprint(
                    readFileSync(pki.client.cert),
                  ).toLowerCase(),
                  role: 'user',
                },
              },
            },
          },
        },
        websocket: {
          ws: {
            auth: {
              tls: {
                type: 'static',
                principals: {
                  client: {
                    'certificate-sha1': certificateFingerprint(readFileSync(pki.client.cert)),
                    role: 'user',
                  },
                },
              },
              anonymous: { type: 'static', role: 'backend' },
              scram: { type: 'static', principals: { joe: { ...scram, role: 'user' } } },
            },
          },
          dyn: {
            auth: {
              tls: { type: 'dynamic', authenticator: 'com.example.authenticate' },
            },
          },
        },
      },
    ],
  });
  // The dynamic authenticator: a session on the realm (it needs no certificate).
  const backend = await joinSession(await connect(url('/ws'), { tls: tlsOpts() }), {
    realm: 'realm1',
  });
  await backend.register('com.example.authenticate', ([, , d]) => {
    const details = d as Record<string, unknown>;
    seen.push(details);
    const cert = (details['transport'] as Record<string, unknown>)['client_cert'] as Record<
      string,
      unknown
    >;
    return {
      role: 'device',
      authid: `dev-${String((cert['subject'] as Record<string, string>)['CN'])}`,
    };
  });
});

after(async () => {
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
});

const ca = (): Buffer => readFileSync(pki.ca.cert);
const tlsOpts = (kp?: KeyPair) => ({
  ca: ca(),
  servername: 'localhost',
  ...(kp !== undefined ? { cert: readFileSync(kp.cert), key: readFileSync(kp.key) } : {}),
});
const url = (path?: string): string => host.transportUrl('tls', path);

async function login(
  path: string | undefined,
  kp: KeyPair | undefined,
  o: Partial<JoinOptions> = {},
) {
  const t = await connect(url(path), { tls: tlsOpts(kp) });
  return joinSession(t, { realm: 'realm1', authmethods: ['tls'], ...o });
}

async function refused(path: string | undefined, kp: KeyPair | undefined): Promise<AbortError> {
  try {
    const s = await login(path, kp);
    await s.leave();
  } catch (e) {
    if (e instanceof AbortError) return e;
    throw e;
  }
  throw new Error('the session was welcomed');
}

test('tls auth - the client certificate names the principal, over WebSocket and RawSocket', async () => {
  for (const path of ['/ws', undefined]) {
    const s = await login(path, pki.client, { authid: 'someone-else' });
    assert.equal(s.authid, 'client', 'the certificate decides the authid');
    assert.equal(s.authrole, 'user');
    assert.equal(s.authmethod, 'tls');
    assert.equal(s.authprovider, 'static');
    const me = (await s.call('wamp.session.get', [s.id])).value as Record<string, unknown>;
    const cert = (me['transport'] as Record<string, unknown>)['client_cert'] as Record<
      string,
      unknown
    >;
    assert.equal(cert['sha1'], certificateFingerprint(readFileSync(pki.client.cert)));
    assert.equal(cert['authorized'], true);
    await s.leave();
  }
});

test('tls auth - another CA, expired, none, unknown: each a clean ABORT with its reason', async () => {
  const stranger = await refused('/ws', pki.stranger);
  assert.equal(stranger.uri, 'wamp.error.authentication_failed');
  assert.match(
    String(stranger.details['message']),
    /not accepted: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|.*ISSUER)/,
  );
  const expired = await refused(undefined, pki.expired);
  assert.equal(expired.uri, 'wamp.error.authentication_failed');
  assert.match(String(expired.details['message']), /CERT_HAS_EXPIRED/);
  const none = await refused('/ws', undefined);
  assert.equal(none.uri, 'wamp.error.not_authorized');
  assert.match(String(none.details['message']), /certificate required/);
  // Valid for the CA, but no principal has it: the dynamic path takes it, the static one not.
  const unknown = await refused(undefined, pki.server);
  assert.equal(unknown.uri, 'wamp.error.no_such_principal');
});

test('tls auth - dynamic: the authenticator gets client_cert; clients without one use other methods', async () => {
  const s = await login('/dyn', pki.client);
  assert.equal(s.authid, 'dev-client');
  assert.equal(s.authrole, 'device');
  assert.equal(s.authprovider, 'dynamic');
  await s.leave();
  assert.equal(seen.length, 1);
  const anon = await joinSession(await connect(url('/ws'), { tls: tlsOpts() }), {
    realm: 'realm1',
  });
  assert.equal(anon.authmethod, 'anonymous');
  assert.equal(anon.authrole, 'backend');
  await anon.leave();
});

test('tls auth - SCRAM with tls-unique channel binding over the same TLS endpoint', async () => {
  const t = await connect(url('/ws'), { tls: tlsOpts() });
  const s = await joinSession(t, {
    realm: 'realm1',
    authid: 'joe',
    password: 'bound-pw',
    channelBinding: 'tls-unique',
  });
  assert.equal(s.authmethod, 'scram');
  await s.leave();
  await assert.rejects(
    joinSession(await connect(url('/ws'), { tls: tlsOpts() }), {
      realm: 'realm1',
      authid: 'joe',
      password: 'nope',
      channelBinding: 'tls-unique',
    }),
    (e: unknown) => e instanceof AbortError && e.uri === 'wamp.error.authentication_failed',
  );
});
