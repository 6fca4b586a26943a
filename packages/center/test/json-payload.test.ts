/**
 * A result that crosses the router as JSON text (`JsonPayload`): a callee on an IPC
 * transport (as realm backends are; here over a socket in one process) yields; the router hands the payload on untouched to
 * JSON callers and expanded to MessagePack and CBOR callers, to callers in the same process
 * and to its own internal calls; a callee may return ready JSON text (as `get_nodes` does).
 * Every caller gets the same values, binary ones included.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect as connectTcp } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { JsonPayload, type SerializerId } from '@cdc/protocol';
import { Router } from '@cdc/router';
import type { RealmConfig } from '@cdc/router';
import { createIpcTransport, createMemoryPair } from '@cdc/transport';
import { CallResult, joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { OPEN_ROLE, captureLogger } from './helpers.js';
import { plainBytes } from '@cdc/testkit';

const REALM = 'realm1';
const OPEN = { name: REALM, roles: [OPEN_ROLE] } as unknown as RealmConfig;

/** Two ends of a socket in one process, as the IPC transport runs over between processes. */
async function socketPair(): Promise<[Socket, Socket]> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const { port } = server.address() as AddressInfo;
  const client = connectTcp(port, '127.0.0.1');
  const ends: [Socket, Socket] = [await accepted, client];
  server.close();
  return ends;
}

let router: Router;
let callee: Session;
const callers = new Map<string, Session>();
const BYTES = new Uint8Array([0, 1, 2, 250, 255]);
const BIG = Array.from({ length: 2000 }, (_, i) => ({ id: `n-${i}`, n: i, tags: ['a', 'ü'] }));

before(async () => {
  router = new Router({ logger: captureLogger() });
  router.addRealm(OPEN);
  const [routerEnd, calleeEnd] = await socketPair();
  router.accept(createIpcTransport(routerEnd, 'ipc:test'), {});
  callee = await joinSession(createIpcTransport(calleeEnd, 'ipc:router'), { realm: REALM });
  await callee.register(
    'com.example.big',
    () => new CallResult([BIG, BYTES], { note: 'ok', raw: BYTES }),
  );
  await callee.register('com.example.empty', () => undefined);
  await callee.register(
    'com.example.text',
    () => new JsonPayload('[[{"a":1,"s":"\\u00fc"}],{"k":"v"}]'),
  );
  for (const serializer of ['json', 'msgpack', 'cbor'] as SerializerId[]) {
    const [client, server] = createMemoryPair({ serializer });
    router.accept(server, {});
    callers.set(serializer, await joinSession(client, { realm: REALM }));
  }
  const [client, server] = createMemoryPair({ serialize: false });
  router.accept(server, {});
  callers.set('in-process', await joinSession(client, { realm: REALM }));
});

after(async () => {
  for (const s of callers.values()) await s.leave();
  await callee.leave();
});

for (const kind of ['json', 'msgpack', 'cbor', 'in-process']) {
  test(`json payload - a ${kind} caller gets an IPC callee's result whole`, async () => {
    const s = callers.get(kind);
    assert.ok(s);
    const big = await s.call('com.example.big');
    assert.deepEqual(plainBytes(big.args), [BIG, BYTES]);
    assert.deepEqual(plainBytes(big.kwargs), { note: 'ok', raw: BYTES });
    assert.ok(big.args[1] instanceof Uint8Array, 'binary stays binary');

    const empty = await s.call('com.example.empty');
    assert.deepEqual([empty.args, empty.kwargs], [[], {}]);

    const text = await s.call('com.example.text');
    assert.deepEqual(text.args, [{ a: 1, s: 'ü' }]);
    assert.deepEqual(text.kwargs, { k: 'v' });
  });
}

test("json payload - the router's own internal call gets the parsed result", async () => {
  assert.deepEqual(plainBytes(await router.callInternal(REALM, 'com.example.big', [])), [
    BIG,
    BYTES,
  ]);
  assert.deepEqual(await router.callInternal(REALM, 'com.example.text', []), [{ a: 1, s: 'ü' }]);
});
