/**
 * A fast-check property over the router: any frame an established session sends is
 * answered as its kind requires — a frame that is no valid WAMP message gets ABORT
 * `wamp.error.protocol_violation` and the connection is closed; a valid request gets its
 * reply or an ERROR — and a bystander session keeps working after every frame.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MessageType as M, WampErrors, decodeMessage } from '@cdc/protocol';
import { fuzzRuns } from '@cdc/testkit';
import { Router } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

const RUNS = fuzzRuns(150);

/** The replies a valid request may get (ERROR always may). */
const REPLIES: Partial<Record<number, number[]>> = {
  [M.SUBSCRIBE]: [M.SUBSCRIBED],
  [M.UNSUBSCRIBE]: [M.UNSUBSCRIBED],
  [M.REGISTER]: [M.REGISTERED],
  [M.UNREGISTER]: [M.UNREGISTERED],
  [M.CALL]: [M.RESULT],
};

const value = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
const uri = fc.oneof(
  fc.constantFrom('com.example.x', 'com.example.y', 'wamp.session.count', '', 'a..b', 'wamp.x'),
  fc.stringMatching(/^[a-z.]{1,20}$/).filter((u) => u !== 'com.example.alive'),
);
const frame = fc.oneof(
  // Shaped like requests, with fields right or wrong.
  fc.tuple(
    fc.constantFrom(M.SUBSCRIBE, M.UNSUBSCRIBE, M.REGISTER, M.UNREGISTER, M.CALL, M.PUBLISH),
    fc.oneof(fc.integer({ min: 1, max: 2 ** 53 - 1 }), value),
    fc.oneof(
      fc.dictionary(fc.constantFrom('match', 'invoke', 'acknowledge', 'timeout', 'x'), value),
      value,
    ),
    fc.oneof(uri, value),
    fc.array(value, { maxLength: 2 }),
  ),
  // Anything at all.
  fc.array(
    fc.oneof(
      fc.integer({ min: -1, max: 80 }),
      value,
      fc.array(value),
      fc.dictionary(fc.string(), value),
    ),
    {
      maxLength: 7,
    },
  ),
);

test('fuzz - every frame gets the answer its kind requires, and a bystander keeps working', async () => {
  const errors: unknown[] = [];
  const logger = { debug() {}, info() {}, warn() {}, error: (o: object) => errors.push(o) };
  const router = new Router({ helloTimeoutMs: 5000, goodbyeTimeoutMs: 20, logger });
  router.addRealm(openRealm('realm1'));
  const bystander = new Peer(router);
  await bystander.join('realm1');
  await bystander.register('com.example.alive');
  const caller = new Peer(router);
  await caller.join('realm1');
  await fc.assert(
    fc.asyncProperty(frame, async (f) => {
      const p = new Peer(router);
      await p.join('realm1');
      let valid = true;
      try {
        decodeMessage(f);
      } catch {
        valid = false;
      }
      p.send(f);
      if (!valid) {
        const abort = await p.expect(M.ABORT);
        assert.equal(abort[2], WampErrors.PROTOCOL_VIOLATION);
        await p.waitClosed();
      } else {
        const type = f[0] as number;
        const allowed = REPLIES[type];
        if (allowed !== undefined) {
          const reply = await p.next();
          assert.ok(
            [...allowed, M.ERROR].includes(reply[0] as number),
            `${JSON.stringify(f)} got ${JSON.stringify(reply)}`,
          );
          if (reply[0] !== M.ABORT) assert.equal(reply[reply[0] === M.ERROR ? 2 : 1], f[1]);
        }
        if (!p.closed) p.drop();
      }
      // The bystander is served after every frame.
      const id = caller.nextId();
      caller.send([M.CALL, id, {}, 'com.example.alive', ['ping']]);
      const inv = await bystander.expect(M.INVOCATION);
      bystander.send([M.YIELD, inv[1], {}, ['pong']]);
      assert.deepEqual((await caller.expect(M.RESULT)).slice(1, 4), [id, {}, ['pong']]);
    }),
    { numRuns: RUNS },
  );
  assert.deepEqual(errors, [], 'bad input never reaches an internal error path');
});
