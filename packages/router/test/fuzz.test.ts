/**
 * Fuzzing the router with random and mutated frames over each serializer: it must answer
 * every bad frame with a clean ABORT (or an ERROR), never throw, never leak a session, and
 * keep serving a bystander session throughout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_ROLES, MessageType as M, SERIALIZERS } from '@cdc/protocol';
import type { SerializerId } from '@cdc/protocol';
import { Router } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS: unknown[][] = [
  [M.HELLO, 'realm1', { roles: CLIENT_ROLES }],
  [M.HELLO, 'realm1', { roles: CLIENT_ROLES, authmethods: ['ticket'], authid: 'x' }],
  [M.SUBSCRIBE, 1, {}, 'com.example.topic'],
  [M.SUBSCRIBE, 2, { match: 'wildcard' }, 'com..topic'],
  [
    M.PUBLISH,
    3,
    { acknowledge: true, exclude_me: false },
    'com.example.topic',
    [1, 'two'],
    { three: 3 },
  ],
  [M.REGISTER, 4, { invoke: 'roundrobin' }, 'com.example.proc'],
  [M.CALL, 5, { receive_progress: true, timeout: 100 }, 'com.example.proc', [1], { a: [1, 2] }],
  [M.CANCEL, 5, { mode: 'kill' }],
  [M.YIELD, 1, { progress: true }, ['x']],
  [M.ERROR, M.INVOCATION, 1, {}, 'com.example.error', ['bad']],
  [M.UNSUBSCRIBE, 6, 1234],
  [M.UNREGISTER, 7, 5678],
  [M.GOODBYE, {}, 'wamp.close.normal'],
  [M.AUTHENTICATE, 'sig', {}],
  [M.CALL, 8, {}, 'wamp.session.list'],
];

function mutate(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const out = Array.from(bytes);
  const n = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < n; i++) {
    const op = rnd();
    const pos = Math.floor(rnd() * (out.length + 1));
    if (op < 0.4 && out.length > 0) out[Math.min(pos, out.length - 1)] = Math.floor(rnd() * 256);
    else if (op < 0.6) out.splice(pos, 0, Math.floor(rnd() * 256));
    else if (op < 0.8) out.splice(pos, 1 + Math.floor(rnd() * 4));
    else out.length = Math.floor(rnd() * out.length);
  }
  return Uint8Array.from(out);
}

function randomBytes(rnd: () => number): Uint8Array {
  const out = new Uint8Array(Math.floor(rnd() * 64));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rnd() * 256);
  return out;
}

/** Deliver raw bytes as a transport would: undecodable input is a protocol error. */
function deliver(p: Peer, ser: SerializerId, bytes: Uint8Array): void {
  const s = SERIALIZERS[ser];
  const handler = p.transport.handler;
  if (handler === undefined) return;
  let msg: unknown;
  try {
    msg = s.unserialize(s.binary ? bytes : new TextDecoder().decode(bytes));
  } catch (e) {
    handler.onProtocolError(e as Error);
    return;
  }
  handler.onMessage(msg);
}

for (const ser of ['json', 'msgpack', 'cbor'] as const) {
  test(`fuzz - ${ser}: thousands of random and mutated frames, no crash, no leaked sessions`, async () => {
    const internalErrors: unknown[] = [];
    const logger = {
      debug() {},
      info() {},
      warn() {},
      error: (o: object) => internalErrors.push(o),
    };
    const router = new Router({ helloTimeoutMs: 5000, goodbyeTimeoutMs: 20, logger });
    router.addRealm(openRealm('realm1'));
    const bystander = new Peer(router, { serializer: ser });
    await bystander.join('realm1');
    await bystander.register('com.example.alive');
    const rnd = prng(ser.length * 7919);
    const s = SERIALIZERS[ser];
    const encoded = CORPUS.map((m) => {
      const d = s.serialize(m);
      return typeof d === 'string' ? new TextEncoder().encode(d) : d;
    });
    const peers: Peer[] = [];
    const FRAMES = 4000;
    for (let i = 0; i < FRAMES; i++) {
      if (peers.length === 0 || rnd() < 0.05) peers.push(new Peer(router, { serializer: ser }));
      const p = peers[Math.floor(rnd() * peers.length)]!;
      const r = rnd();
      let frame: Uint8Array;
      if (r < 0.3) frame = encoded[Math.floor(rnd() * encoded.length)]!;
      else if (r < 0.85) frame = mutate(encoded[Math.floor(rnd() * encoded.length)]!, rnd);
      else frame = randomBytes(rnd);
      deliver(p, ser, frame);
      if (i % 200 === 0) await new Promise((res) => setImmediate(res));
    }
    await new Promise((res) => setTimeout(res, 50));
    // The bystander still gets calls through.
    const caller = new Peer(router, { serializer: ser });
    await caller.join('realm1');
    caller.send([M.CALL, 1, {}, 'com.example.alive', ['ping']]);
    const inv = await bystander.expect(M.INVOCATION);
    bystander.send([M.YIELD, inv[1], {}, ['pong']]);
    assert.deepEqual((await caller.expect(M.RESULT))[3], ['pong']);
    // Every fuzzed connection is either closed or a healthy session; dropping them all
    // leaves exactly the two real sessions and no registration or subscription behind.
    for (const p of peers) if (!p.closed) p.drop();
    await new Promise((res) => setTimeout(res, 50));
    const realm = router.getRealm('realm1')!;
    assert.deepEqual(
      [...realm.sessions.keys()].sort(),
      [bystander.sessionId, caller.sessionId].sort(),
    );
    assert.equal(router.connectionCount, 2);
    assert.equal(realm.broker.byId.size, 0);
    assert.deepEqual(
      [...realm.dealer.byId.values()].map((r) => r.uri),
      ['com.example.alive'],
    );
    assert.deepEqual(internalErrors, [], 'bad input must never reach an internal error path');
  });
}
