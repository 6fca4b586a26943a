import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, createServer, type SecureVersion, type Server, type TLSSocket } from 'node:tls';
import {
  SigningKey,
  randomChallenge,
  signChallenge,
  tlsChannelId,
  tlsUniqueChannelId,
  verifyChallengeSignature,
  type TlsFinishedSource,
} from '../src/index.js';
import { NO_TWISTED } from './python.js';
import { hasCommand, tempDir } from './tools.js';

const NO_OPENSSL = hasCommand('openssl') ? false : 'openssl command not installed';
const dir = tempDir();
let cert = { key: Buffer.alloc(0), cert: Buffer.alloc(0) };

before(() => {
  if (NO_OPENSSL !== false) return;
  const res = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      join(dir.path, 'key.pem'),
      '-out',
      join(dir.path, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  assert.equal(res.status, 0);
  cert = {
    key: readFileSync(join(dir.path, 'key.pem')),
    cert: readFileSync(join(dir.path, 'cert.pem')),
  };
});
after(() => dir.remove());

const sha256 = (b: Buffer | undefined): string =>
  createHash('sha256')
    .update(b ?? Buffer.alloc(0))
    .digest('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('channel binding - the id is SHA-256 of the Finished message', () => {
  const finished = Buffer.from('0123456789abcdef0123', 'hex');
  assert.equal(hex(tlsUniqueChannelId(finished)), sha256(finished));
  assert.equal(tlsUniqueChannelId(new Uint8Array(12)).length, 32);
});

test('channel binding - with no Finished message the id is 32 zero bytes, as autobahn-python', () => {
  assert.deepEqual(tlsUniqueChannelId(undefined), new Uint8Array(32));
  assert.deepEqual(tlsUniqueChannelId(null), new Uint8Array(32));
  const pending: TlsFinishedSource = {
    getFinished: () => undefined,
    getPeerFinished: () => undefined,
    isSessionReused: () => false,
  };
  assert.deepEqual(tlsChannelId(pending, 'server'), new Uint8Array(32));
  assert.deepEqual(tlsChannelId(pending, 'client', 'autobahn-twisted'), new Uint8Array(32));
});

test('channel binding - which Finished message each side and convention hashes', () => {
  const clientFin = Buffer.from('c1c1c1c1', 'hex');
  const serverFin = Buffer.from('5e5e5e5e', 'hex');
  const side = (isServer: boolean, reused: boolean): TlsFinishedSource => ({
    getFinished: () => (isServer ? serverFin : clientFin),
    getPeerFinished: () => (isServer ? clientFin : serverFin),
    isSessionReused: () => reused,
  });
  for (const reused of [false, true]) {
    // RFC 5929: the first Finished — the client's, or the server's on resumption.
    const rfc = reused ? serverFin : clientFin;
    assert.equal(hex(tlsChannelId(side(true, reused), 'server')), sha256(rfc));
    assert.equal(hex(tlsChannelId(side(false, reused), 'client', 'rfc5929')), sha256(rfc));
    // autobahn-python on Twisted: always the server's Finished.
    assert.equal(
      hex(tlsChannelId(side(true, reused), 'server', 'autobahn-twisted')),
      sha256(serverFin),
    );
    assert.equal(
      hex(tlsChannelId(side(false, reused), 'client', 'autobahn-twisted')),
      sha256(serverFin),
    );
  }
});

interface Pair {
  server: TLSSocket;
  client: TLSSocket;
  close(): void;
}

/** Session tickets are only accepted by a server with the same ticket keys. */
const ticketKeys = Buffer.alloc(48, 1);

async function tlsPair(
  maxVersion: SecureVersion,
  session?: Buffer,
): Promise<Pair & { session: Promise<Buffer> }> {
  let onServer: (s: TLSSocket) => void = () => undefined;
  const serverSide = new Promise<TLSSocket>((resolve) => (onServer = resolve));
  const srv: Server = createServer({ ...cert, maxVersion, ticketKeys }, onServer);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  const client = connect({
    port,
    host: '127.0.0.1',
    rejectUnauthorized: false,
    maxVersion,
    ...(session ? { session } : {}),
  });
  const sessionTicket = new Promise<Buffer>((resolve) => client.once('session', resolve));
  await new Promise<void>((resolve, reject) => {
    client.once('secureConnect', resolve);
    client.once('error', reject);
  });
  const server = await serverSide;
  return {
    server,
    client,
    session: sessionTicket,
    close: () => {
      client.destroy();
      server.destroy();
      srv.close();
    },
  };
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  test(
    `channel binding - over ${version} both ends agree, per convention`,
    { skip: NO_OPENSSL },
    async () => {
      const pair = await tlsPair(version);
      try {
        assert.equal(pair.client.getProtocol(), version);
        const rfcS = hex(tlsChannelId(pair.server, 'server'));
        const rfcC = hex(tlsChannelId(pair.client, 'client'));
        assert.equal(rfcS, rfcC);
        assert.equal(rfcS, sha256(pair.client.getFinished()));
        assert.equal(hex(tlsUniqueChannelId(pair.server.getPeerFinished())), rfcS);
        const twS = hex(tlsChannelId(pair.server, 'server', 'autobahn-twisted'));
        const twC = hex(tlsChannelId(pair.client, 'client', 'autobahn-twisted'));
        assert.equal(twS, twC);
        assert.equal(twS, sha256(pair.server.getFinished()));
        assert.notEqual(rfcS, twS);
        // A bound cryptosign answer made by the client verifies at the server only with the same id.
        const key = SigningKey.generate();
        const challenge = randomChallenge();
        const sig = signChallenge(key, challenge, tlsChannelId(pair.client, 'client'));
        assert.equal(
          verifyChallengeSignature(
            key.publicKeyHex,
            challenge,
            sig,
            tlsChannelId(pair.server, 'server'),
          ),
          true,
        );
        assert.equal(
          verifyChallengeSignature(
            key.publicKeyHex,
            challenge,
            sig,
            tlsChannelId(pair.server, 'server', 'autobahn-twisted'),
          ),
          false,
        );
      } finally {
        pair.close();
      }
    },
  );
}

test(
  'channel binding - a resumed TLS 1.2 session still agrees (RFC 5929 uses the server Finished then)',
  { skip: NO_OPENSSL },
  async () => {
    const first = await tlsPair('TLSv1.2');
    const session = await first.session;
    first.close();
    const second = await tlsPair('TLSv1.2', session);
    try {
      assert.equal(second.client.isSessionReused(), true);
      const s = hex(tlsChannelId(second.server, 'server'));
      assert.equal(s, hex(tlsChannelId(second.client, 'client')));
      assert.equal(s, sha256(second.server.getFinished()));
    } finally {
      second.close();
    }
  },
);

interface PythonRun {
  /** The channel id the Python client computed. */
  id: string;
  /** The Node server's ids by convention, taken right after its handshake. */
  rfc5929: string;
  twisted: string;
}

/** Run a Python client against a Node TLS server and collect both sides' channel ids. */
async function pythonClient(code: string, version: SecureVersion): Promise<PythonRun> {
  let onServer: (ids: { rfc5929: string; twisted: string }) => void = () => undefined;
  const serverIds = new Promise<{ rfc5929: string; twisted: string }>(
    (resolve) => (onServer = resolve),
  );
  const srv = createServer({ ...cert, maxVersion: version }, (s) => {
    s.on('error', () => undefined);
    onServer({
      rfc5929: hex(tlsChannelId(s, 'server', 'rfc5929')),
      twisted: hex(tlsChannelId(s, 'server', 'autobahn-twisted')),
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  try {
    const child = spawn('/usr/bin/python3', ['-c', code, String(port), version], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(status, 0, err);
    return { id: out.trim(), ...(await serverIds) };
  } finally {
    srv.close();
  }
}

const TWISTED_CLIENT = `
import sys
from twisted.internet import reactor, ssl, protocol
from OpenSSL import SSL
from autobahn.twisted.util import transport_channel_id
class P(protocol.Protocol):
    def connectionMade(self):
        reactor.callLater(0.2, self.report)
    def report(self):
        print(transport_channel_id(self.transport, False, 'tls-unique').hex())
        self.transport.loseConnection()
    def connectionLost(self, reason):
        if reactor.running: reactor.stop()
class F(protocol.ClientFactory):
    protocol = P
class Ctx(ssl.ClientContextFactory):
    def getContext(self):
        c = SSL.Context(SSL.TLS_METHOD)
        if sys.argv[2] == 'TLSv1.2': c.set_max_proto_version(SSL.TLS1_2_VERSION)
        return c
reactor.connectSSL('127.0.0.1', int(sys.argv[1]), F(), Ctx())
reactor.callLater(10, reactor.stop)
reactor.run()
`;

const ASYNCIO_CLIENT = `
import sys, asyncio, ssl
from autobahn.asyncio.util import transport_channel_id
async def main():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if sys.argv[2] == 'TLSv1.2': ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    r, w = await asyncio.open_connection('127.0.0.1', int(sys.argv[1]), ssl=ctx)
    print(transport_channel_id(w.transport, False, 'tls-unique').hex())
    w.close()
asyncio.run(main())
`;

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  test(
    `channel binding - autobahn-python clients over ${version}: Twisted hashes the server Finished, asyncio the client's`,
    { skip: NO_OPENSSL || NO_TWISTED },
    async () => {
      const twisted = await pythonClient(TWISTED_CLIENT, version);
      assert.match(twisted.id, /^[0-9a-f]{64}$/);
      assert.equal(twisted.id, twisted.twisted);
      assert.notEqual(twisted.id, twisted.rfc5929);
      const asyncio = await pythonClient(ASYNCIO_CLIENT, version);
      assert.equal(asyncio.id, asyncio.rfc5929);
      assert.notEqual(asyncio.id, asyncio.twisted);
    },
  );
}
