import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { CLIENT_ROLES, MessageType, WampErrors } from '@cdc/protocol';
import {
  AbortError,
  CANNOT_AUTHENTICATE,
  DEFAULT_AGENT,
  TransportLostError,
  WampError,
  craSignature,
  deriveCraKey,
  joinSession,
  type ChallengeSigner,
  type JoinOptions,
} from '../src/index.js';
import { RouterPeer, WELCOME_DETAILS, establish, expectMessage } from './fake-router.js';
import { transportPair, type PairOptions } from './memory-transport.js';

/** An Ed25519 signer on Node's crypto, shaped like `@cdc/cryptosign`'s. */
function fakeSigner(seedHex: string): ChallengeSigner & { calls: (Uint8Array | null)[] } {
  const der = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seedHex, 'hex'),
  ]);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const jwk = key.export({ format: 'jwk' });
  const calls: (Uint8Array | null)[] = [];
  return {
    calls,
    publicKeyHex: Buffer.from(jwk.x!, 'base64url').toString('hex'),
    signChallenge(challengeHex: string, channelId?: Uint8Array | null): Promise<string> {
      calls.push(channelId ?? null);
      const m = Buffer.from(challengeHex, 'hex');
      if (channelId) for (let i = 0; i < 32; i++) m[i]! ^= channelId[i]!;
      const sig = sign(null, m, key);
      return Promise.resolve(Buffer.concat([sig, m]).toString('hex'));
    },
  };
}

function start(options: JoinOptions, pair: PairOptions = {}) {
  const [transport, routerSide] = transportPair(pair);
  const peer = new RouterPeer(routerSide);
  const joining = joinSession(transport, options);
  // Tests that expect a rejection await it themselves.
  joining.catch(() => undefined);
  return { peer, joining, transport };
}

test('auth - anonymous HELLO carries roles, agent and realm; WELCOME fills the session', async () => {
  const { session, hello } = await establish();
  assert.equal(hello.realm, 'realm1');
  assert.deepEqual(hello.details.roles, JSON.parse(JSON.stringify(CLIENT_ROLES)));
  assert.equal(hello.details.agent, DEFAULT_AGENT);
  assert.deepEqual(hello.details.authmethods, ['anonymous']);
  assert.equal(hello.details.authid, undefined);
  assert.equal(session.id, 4242);
  assert.equal(session.realm, 'realm1');
  assert.equal(session.authid, 'alice');
  assert.equal(session.authrole, 'user');
  assert.equal(session.authmethod, 'anonymous');
  assert.equal(session.authprovider, 'static');
  assert.deepEqual(session.authextra, { x_cb_node: 'n1' });
  assert.equal(session.details['authid'], 'alice');
  assert.ok(session.routerHas('dealer', 'call_canceling'));
  assert.ok(session.routerHas('broker', 'event_retention'));
  assert.ok(!session.routerHas('broker', 'call_canceling'));
  assert.ok(session.isOpen);
});

test('auth - realm null lets the router assign one; authid/authrole/authextra/agent are sent', async () => {
  const { peer, joining } = start({
    realm: null,
    authid: 'joe',
    authrole: 'admin',
    authextra: { x_foo: 1 },
    agent: 'test/1',
  });
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.equal(hello.realm, null);
  assert.equal(hello.details.authid, 'joe');
  assert.equal(hello.details.authrole, 'admin');
  assert.deepEqual(hello.details.authextra, { x_foo: 1 });
  assert.equal(hello.details.agent, 'test/1');
  peer.send([MessageType.WELCOME, 7, { ...WELCOME_DETAILS, realm: 'assigned' }]);
  assert.equal((await joining).realm, 'assigned');
});

test('auth - ticket from a string', async () => {
  const { peer, joining } = start({ realm: 'realm1', authid: 'joe', ticket: 's3cret' });
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.deepEqual(hello.details.authmethods, ['ticket']);
  peer.send([MessageType.CHALLENGE, 'ticket', {}]);
  const auth = await expectMessage(peer, MessageType.AUTHENTICATE);
  assert.equal(auth.signature, 's3cret');
  assert.deepEqual(auth.extra, {});
  peer.send([MessageType.WELCOME, 1, WELCOME_DETAILS]);
  await joining;
});

test('auth - ticket from an async function that sees the challenge extra', async () => {
  let seen: unknown;
  const { peer, joining } = start({
    realm: 'realm1',
    authid: 'joe',
    ticket: async (extra) => {
      seen = extra;
      await Promise.resolve();
      return 'from-fn';
    },
  });
  await expectMessage(peer, MessageType.HELLO);
  peer.send([MessageType.CHALLENGE, 'ticket', { x_hint: 'h' }]);
  assert.equal((await expectMessage(peer, MessageType.AUTHENTICATE)).signature, 'from-fn');
  assert.deepEqual(seen, { x_hint: 'h' });
  peer.send([MessageType.WELCOME, 1, WELCOME_DETAILS]);
  await joining;
});

test('auth - wampcra without salt signs HMAC-SHA256(secret, challenge)', async () => {
  const { peer, joining } = start({ realm: 'realm1', authid: 'joe', secret: 'secret1' });
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.deepEqual(hello.details.authmethods, ['wampcra']);
  const challenge = JSON.stringify({ authid: 'joe', nonce: 'abc', session: 1 });
  peer.send([MessageType.CHALLENGE, 'wampcra', { challenge }]);
  const auth = await expectMessage(peer, MessageType.AUTHENTICATE);
  const want = createHmac('sha256', 'secret1').update(challenge).digest('base64');
  assert.equal(auth.signature, want);
  peer.send([MessageType.WELCOME, 1, WELCOME_DETAILS]);
  await joining;
});

test('auth - wampcra key derivation matches the verified vector', async () => {
  const key = await deriveCraKey('secret123', 'salt123', 1000, 32);
  assert.equal(key, 'Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8=');
  const sig = await craSignature(key, 'challenge');
  assert.equal(sig, createHmac('sha256', key).update('challenge').digest('base64'));
});

test('auth - wampcra with salt uses the base64 text of the PBKDF2 key', async () => {
  const { peer, joining } = start({ realm: 'realm1', authid: 'joe', secret: 'secret123' });
  await expectMessage(peer, MessageType.HELLO);
  const challenge = '{"nonce":"n"}';
  peer.send([
    MessageType.CHALLENGE,
    'wampcra',
    { challenge, salt: 'salt123', iterations: 1000, keylen: 32 },
  ]);
  const auth = await expectMessage(peer, MessageType.AUTHENTICATE);
  const key = 'Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8=';
  assert.equal(auth.signature, createHmac('sha256', key).update(challenge).digest('base64'));
  peer.send([MessageType.WELCOME, 1, WELCOME_DETAILS]);
  await joining;
});

const VECTOR = {
  seed: '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510',
  challenge: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  channelId: '62e935ae755f3d48f80d4d59f6121358c435722a67e859cc0caa8b539027f2ff',
  plain:
    'b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  bound:
    '9b6f41540c9b95b4b7b281c3042fa9c54cef43c842d62ea3fd6030fcb66e70b3e80d49d44c29d1635da9348d02ec93f3ed1ef227dfb59a07b580095c2b82f80f9d16ca518aa0c2b707f2b2a609edeca73bca8dd59817a633f35574ac6fd80d00',
};

test('auth - cryptosign puts pubkey in authextra and sends the signer signature', async () => {
  const signer = fakeSigner(VECTOR.seed);
  const { peer, joining } = start({ realm: null, signer });
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.deepEqual(hello.details.authmethods, ['cryptosign']);
  assert.deepEqual(hello.details.authextra, { pubkey: signer.publicKeyHex });
  peer.send([
    MessageType.CHALLENGE,
    'cryptosign',
    { challenge: VECTOR.challenge, channel_binding: null },
  ]);
  const auth = await expectMessage(peer, MessageType.AUTHENTICATE);
  assert.equal(auth.signature, VECTOR.plain);
  assert.deepEqual(signer.calls, [null]);
  peer.send([MessageType.WELCOME, 1, { ...WELCOME_DETAILS, authmethod: 'cryptosign' }]);
  assert.equal((await joining).authmethod, 'cryptosign');
});

test('auth - cryptosign with tls-unique channel binding passes the transport channel ID', async () => {
  const signer = fakeSigner(VECTOR.seed);
  const channelId = new Uint8Array(Buffer.from(VECTOR.channelId, 'hex'));
  const { peer, joining } = start(
    { realm: 'realm1', signer, channelBinding: 'tls-unique' },
    { clientInfo: { tls: true, channelId } },
  );
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.deepEqual(hello.details.authextra, {
    pubkey: signer.publicKeyHex,
    channel_binding: 'tls-unique',
  });
  peer.send([
    MessageType.CHALLENGE,
    'cryptosign',
    { challenge: VECTOR.challenge, channel_binding: 'tls-unique' },
  ]);
  const auth = await expectMessage(peer, MessageType.AUTHENTICATE);
  assert.equal(auth.signature, VECTOR.bound);
  assert.deepEqual(signer.calls, [channelId]);
  peer.send([MessageType.WELCOME, 1, WELCOME_DETAILS]);
  await joining;
});

test('auth - channel binding without a channel ID aborts with cannot_authenticate', async () => {
  const signer = fakeSigner(VECTOR.seed);
  const { peer, joining } = start({ realm: 'realm1', signer, channelBinding: 'tls-unique' });
  await expectMessage(peer, MessageType.HELLO);
  peer.send([
    MessageType.CHALLENGE,
    'cryptosign',
    { challenge: VECTOR.challenge, channel_binding: 'tls-unique' },
  ]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, CANNOT_AUTHENTICATE);
  await assert.rejects(
    joining,
    (e: unknown) => e instanceof AbortError && e.uri === CANNOT_AUTHENTICATE,
  );
});

test('auth - several challenge rounds, and custom methods through onChallenge', async () => {
  const { peer, joining } = start({
    realm: 'realm1',
    authid: 'joe',
    authmethods: ['ticket', 'x_otp'],
    ticket: 'pw',
    onChallenge: (method, extra) => ({
      signature: `${method}:${String(extra['n'])}`,
      extra: { x: 1 },
    }),
  });
  const hello = await expectMessage(peer, MessageType.HELLO);
  assert.deepEqual(hello.details.authmethods, ['ticket', 'x_otp']);
  peer.send([MessageType.CHALLENGE, 'ticket', {}]);
  assert.equal((await expectMessage(peer, MessageType.AUTHENTICATE)).signature, 'pw');
  peer.send([MessageType.CHALLENGE, 'x_otp', { n: 7 }]);
  const second = await expectMessage(peer, MessageType.AUTHENTICATE);
  assert.equal(second.signature, 'x_otp:7');
  assert.deepEqual(second.extra, { x: 1 });
  peer.send([MessageType.WELCOME, 1, WELCOME_DETAILS]);
  await joining;
});

test('auth - a challenge without credentials aborts with cannot_authenticate', async () => {
  const { peer, joining } = start({ realm: 'realm1' });
  await expectMessage(peer, MessageType.HELLO);
  peer.send([MessageType.CHALLENGE, 'wampcra', { challenge: '{}' }]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, CANNOT_AUTHENTICATE);
  await assert.rejects(
    joining,
    (e: unknown) => e instanceof AbortError && e.uri === CANNOT_AUTHENTICATE,
  );
  await peer.closed;
});

test('auth - ABORT rejects with an AbortError carrying reason, message and details', async () => {
  const { peer, joining } = start({ realm: 'realm1', authid: 'joe', ticket: 'bad' });
  await expectMessage(peer, MessageType.HELLO);
  peer.send([MessageType.CHALLENGE, 'ticket', {}]);
  await expectMessage(peer, MessageType.AUTHENTICATE);
  peer.send([MessageType.ABORT, { message: 'wrong ticket' }, WampErrors.NOT_AUTHORIZED]);
  const error = await joining.then(
    () => assert.fail('joined'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AbortError);
  assert.ok(error instanceof WampError);
  assert.equal(error.uri, WampErrors.NOT_AUTHORIZED);
  assert.equal(error.reason, WampErrors.NOT_AUTHORIZED);
  assert.equal(error.detailMessage, 'wrong ticket');
  assert.deepEqual(error.details, { message: 'wrong ticket' });
  assert.deepEqual(error.args, ['wrong ticket']);
  await peer.closed;
});

test('auth - the transport closing before WELCOME rejects with TransportLostError', async () => {
  const { peer, joining } = start({ realm: 'realm1' });
  await expectMessage(peer, MessageType.HELLO);
  peer.drop();
  await assert.rejects(
    joining,
    (e: unknown) => e instanceof TransportLostError && e.uri === 'wamp.close.transport_lost',
  );
});

test('auth - a message out of place before WELCOME is a protocol violation', async () => {
  const { peer, joining } = start({ realm: 'realm1' });
  await expectMessage(peer, MessageType.HELLO);
  peer.send([MessageType.RESULT, 1, {}]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.PROTOCOL_VIOLATION);
  await assert.rejects(joining, { uri: WampErrors.PROTOCOL_VIOLATION });
});

test('auth - an undecodable message before WELCOME is a protocol violation', async () => {
  const { peer, joining } = start({ realm: 'realm1' });
  await expectMessage(peer, MessageType.HELLO);
  peer.send([MessageType.WELCOME, 'not-an-id', {}]);
  const abort = await expectMessage(peer, MessageType.ABORT);
  assert.equal(abort.reason, WampErrors.PROTOCOL_VIOLATION);
  assert.match(String(abort.details['message']), /WELCOME\.Session/);
  await assert.rejects(joining, { uri: WampErrors.PROTOCOL_VIOLATION });
});

test('auth - no answer within joinTimeout rejects with wamp.error.timeout', async () => {
  const { peer, joining } = start({ realm: 'realm1', joinTimeout: 30 });
  await expectMessage(peer, MessageType.HELLO);
  await assert.rejects(joining, { uri: WampErrors.TIMEOUT });
  await peer.closed;
});

test('auth - an invalid realm is rejected locally with invalid_uri', async () => {
  const [transport] = transportPair();
  await assert.rejects(joinSession(transport, { realm: 'bad realm' }), {
    uri: WampErrors.INVALID_URI,
  });
  await assert.rejects(joinSession(transport, { realm: '' }), { uri: WampErrors.INVALID_URI });
});
