import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseReasons, MessageType, WampErrors } from '@cdc/protocol';
import {
  AbortError,
  Connection,
  RETRY_DEFAULTS,
  retryCap,
  retryDelay,
  type Clock,
  type ConnectionCloseInfo,
  type ConnectionOptions,
  type Session,
} from '../src/index.js';
import { RouterPeer, WELCOME_DETAILS, expectMessage, flush } from './fake-router.js';
import { transportPair } from './memory-transport.js';

interface Timer {
  fn: () => void;
  ms: number;
  cancelled: boolean;
}

/** A clock whose timers run only when the test says so. */
class FakeClock implements Clock {
  readonly timers: Timer[] = [];
  setTimeout(fn: () => void, ms: number): unknown {
    const t = { fn, ms, cancelled: false };
    this.timers.push(t);
    return t;
  }
  clearTimeout(handle: unknown): void {
    (handle as Timer).cancelled = true;
  }
  get pending(): Timer[] {
    return this.timers.filter((t) => !t.cancelled);
  }
  /** Runs the only pending timer and returns its delay. */
  fire(): number {
    const [t, ...rest] = this.pending;
    assert.ok(t !== undefined, 'no timer pending');
    assert.equal(rest.length, 0, 'more than one timer pending');
    t.cancelled = true;
    t.fn();
    return t.ms;
  }
}

/** `welcome`, `fail` (the factory rejects), or any other string: ABORT with that reason. */
type Script = string;

/** A router that answers each connection attempt according to `script` (then welcomes). */
function scriptedRouter(script: Script[]) {
  const peers: RouterPeer[] = [];
  let attempt = 0;
  const factory = (): Promise<ReturnType<typeof transportPair>[0]> => {
    const step = script[attempt++] ?? 'welcome';
    if (step === 'fail') return Promise.reject(new Error('connection refused'));
    const [client, routerSide] = transportPair();
    const peer = new RouterPeer(routerSide);
    peers.push(peer);
    void (async () => {
      await expectMessage(peer, MessageType.HELLO);
      if (step === 'welcome') peer.send([MessageType.WELCOME, 1000 + attempt, WELCOME_DETAILS]);
      else {
        peer.send([MessageType.ABORT, { message: 'no' }, step]);
        peer.close();
      }
    })();
    return Promise.resolve(client);
  };
  return { factory, peers, attempts: () => attempt };
}

function connection(script: Script[], options: Partial<ConnectionOptions> = {}, random = 0.5) {
  const clock = new FakeClock();
  const router = scriptedRouter(script);
  const conn = new Connection({
    transport: router.factory,
    realm: 'realm1',
    clock,
    random: () => random,
    // The scripted router does not answer GOODBYE; don't keep the test waiting for it.
    goodbyeTimeout: 10,
    ...options,
  });
  const events: string[] = [];
  const delays: number[] = [];
  conn.onJoin((s) => events.push(`join:${s.id}`));
  conn.onLeave((i) => events.push(`leave:${i.reason}`));
  conn.onRetry((delay, attempt) => {
    delays.push(delay);
    events.push(`retry:${attempt}`);
  });
  conn.onClose((i) => events.push(`close:${i.reason}`));
  return { conn, clock, router, events, delays };
}

test('backoff - exponential caps, full jitter bounds, no-jitter option', () => {
  const o = { ...RETRY_DEFAULTS };
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryCap(n, o)),
    [500, 750, 1125, 1687.5],
  );
  assert.equal(retryCap(100, o), 30_000);
  assert.equal(
    retryDelay(3, o, () => 0),
    0,
  );
  assert.equal(
    retryDelay(3, o, () => 0.5),
    562,
  );
  assert.equal(retryDelay(3, { ...o, jitter: 'none' }), 1125);
  for (let attempt = 1; attempt < 40; attempt++) {
    for (let i = 0; i < 50; i++) {
      const d = retryDelay(attempt, o);
      assert.ok(d >= 0 && d <= retryCap(attempt, o), `delay ${d} out of bounds`);
    }
  }
  assert.equal(retryCap(3, { ...o, factor: 2, initialDelay: 100, maxDelay: 250 }), 250);
});

test('connection - open joins and emits onJoin; close leaves and stops', async () => {
  const { conn, router, events, clock } = connection([]);
  const session = await conn.open();
  assert.equal(conn.session, session);
  assert.ok(conn.isJoined);
  assert.deepEqual(events, ['join:1001']);
  assert.equal(await conn.open(), session);
  const closing = conn.close();
  const peer = router.peers[0]!;
  await expectMessage(peer, MessageType.GOODBYE);
  peer.send([MessageType.GOODBYE, {}, CloseReasons.GOODBYE_AND_OUT]);
  await closing;
  await flush();
  assert.deepEqual(events, ['join:1001', 'close:closed', `leave:${CloseReasons.NORMAL}`]);
  assert.equal(conn.session, undefined);
  assert.equal(clock.pending.length, 0);
});

test('connection - reconnects after transport loss with a jittered delay', async () => {
  const { conn, router, events, delays, clock } = connection([]);
  const first = await conn.open();
  router.peers[0]!.drop();
  await first.closed;
  await flush();
  assert.deepEqual(events, ['join:1001', `leave:${CloseReasons.TRANSPORT_LOST}`, 'retry:1']);
  assert.deepEqual(delays, [250]); // random 0.5 × initial cap 500
  assert.equal(conn.session, undefined);
  const rejoined = new Promise<Session>((r) => conn.onJoin(r));
  clock.fire();
  const second = await rejoined;
  assert.notEqual(second, first);
  assert.equal(conn.session, second);
  assert.equal(router.attempts(), 2);
  void conn.close();
});

test('connection - refusals that may clear up (node not yet paired) are retried with growing delays', async () => {
  const unpaired = 'com.crossbario.cdc.error.node_unpaired';
  const { conn, events, delays, clock, router } = connection(
    [unpaired, unpaired, 'fail', 'welcome', unpaired],
    {},
    0.999,
  );
  const opened = conn.open();
  for (let i = 0; i < 3; i++) {
    await flush();
    clock.fire();
  }
  const session = await opened;
  assert.equal(session.id, 1004);
  assert.deepEqual(events.slice(0, 4), ['retry:1', 'retry:2', 'retry:3', 'join:1004']);
  assert.deepEqual(delays, [499, 749, 1123]);
  // After a successful join the attempt count starts over.
  router.peers.at(-1)!.drop();
  await session.closed;
  await flush();
  assert.equal(delays.at(-1), 499);
  void conn.close();
});

test('connection - not_authorized is not retried by default; open rejects with the AbortError', async () => {
  const { conn, events, clock } = connection([WampErrors.NOT_AUTHORIZED]);
  const closes: ConnectionCloseInfo[] = [];
  conn.onClose((i) => closes.push(i));
  await assert.rejects(
    conn.open(),
    (e: unknown) => e instanceof AbortError && e.uri === WampErrors.NOT_AUTHORIZED,
  );
  assert.deepEqual(events, ['close:refused']);
  assert.equal(closes[0]?.reason, 'refused');
  assert.equal(clock.pending.length, 0);
});

test('connection - shouldRetry overrides the default policy', async () => {
  const { conn, clock } = connection([WampErrors.NOT_AUTHORIZED], { shouldRetry: () => true });
  const opened = conn.open();
  await flush();
  clock.fire();
  assert.equal((await opened).id, 1002);
  void conn.close();
});

test('connection - gives up after maxRetries', async () => {
  const { conn, events, clock, router } = connection(['fail', 'fail', 'fail', 'fail'], {
    maxRetries: 2,
  });
  const opened = conn.open();
  await flush();
  clock.fire();
  await flush();
  clock.fire();
  await assert.rejects(opened, /connection refused/);
  assert.deepEqual(events, ['retry:1', 'retry:2', 'close:gave_up']);
  assert.equal(router.attempts(), 3);
});

test('connection - close() while waiting cancels the retry', async () => {
  const { conn, clock, events, router } = connection(['fail']);
  const opened = conn.open();
  await flush();
  assert.equal(clock.pending.length, 1);
  await conn.close();
  await assert.rejects(opened, { uri: CloseReasons.NORMAL });
  assert.equal(clock.pending.length, 0);
  assert.deepEqual(events, ['retry:1', 'close:closed']);
  assert.equal(router.attempts(), 1);
});

test('connection - the application leaving its session stops the connection', async () => {
  const { conn, router, events, clock } = connection([]);
  const session = await conn.open();
  const leaving = session.leave();
  const peer = router.peers[0]!;
  await expectMessage(peer, MessageType.GOODBYE);
  peer.send([MessageType.GOODBYE, {}, CloseReasons.NORMAL]);
  await leaving;
  await flush();
  assert.deepEqual(events, ['join:1001', `leave:${CloseReasons.NORMAL}`, 'close:closed']);
  assert.equal(clock.pending.length, 0);
});

test('connection - a router GOODBYE (e.g. shutdown) is followed by a reconnect', async () => {
  const { conn, router, events, clock } = connection([]);
  await conn.open();
  router.peers[0]!.send([MessageType.GOODBYE, {}, CloseReasons.SYSTEM_SHUTDOWN]);
  await flush();
  assert.deepEqual(events, ['join:1001', `leave:${CloseReasons.SYSTEM_SHUTDOWN}`, 'retry:1']);
  clock.fire();
  await flush();
  assert.equal(events.at(-1), 'join:1002');
  void conn.close();
});

test('connection - works with the real clock and small delays', async () => {
  const router = scriptedRouter(['fail', 'fail']);
  const conn = new Connection({
    transport: router.factory,
    realm: 'realm1',
    initialDelay: 5,
    factor: 2,
    goodbyeTimeout: 10,
  });
  const started = Date.now();
  const session = await conn.open();
  assert.equal(session.id, 1003);
  assert.ok(Date.now() - started < 1000);
  void conn.close();
});
