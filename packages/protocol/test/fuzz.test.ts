/**
 * Property tests (fast-check) of everything that reads bytes from a peer: the three
 * serializers' decoders, the nesting cap, message validation and RawSocket framing.
 * Properties: no throw but the documented error types, and decode∘encode is the identity.
 * `CDC_FUZZ_RUNS` makes the runs longer (`bench/fuzz.mjs`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzRuns, plainBytes } from '@cdc/testkit';
import {
  FrameDecoder,
  FrameType,
  MAX_NESTING_DEPTH,
  NestingDepthError,
  PayloadSizeError,
  ProtocolError,
  RawSocketFrameError,
  SERIALIZERS,
  decodeMessage,
  encodeFrame,
} from '../src/index.js';
import type { SerializerId } from '../src/index.js';

const RUNS = fuzzRuns(300);
const IDS: SerializerId[] = ['json', 'msgpack', 'cbor'];

/**
 * What a decoder may throw for bad bytes: an Error (the transports turn it into a protocol
 * violation), after which the decoder still decodes a good message (msgpackr and cbor-x
 * keep state between calls).
 */
function decodeFailure(e: unknown, id: SerializerId): boolean {
  const s = SERIALIZERS[id];
  const probe = [1, 'still works', { a: [true] }];
  assert.deepEqual(s.unserialize(s.serialize(probe)), probe);
  return e instanceof Error;
}

/** A string that is not JSON's binary marker (a leading NUL means bytes in `wamp.2.json`). */
const text = fc.string().filter((x) => x.charCodeAt(0) !== 0);

/** Values every serializer carries alike: no -0, no undefined, integers in the safe range. */
const wireValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.maxSafeInteger(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    text,
    fc.uint8Array({ maxLength: 64 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      text.filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

for (const id of IDS) {
  const s = SERIALIZERS[id];

  test(`fuzz - ${id}: unserialize(serialize(message)) is the message`, () => {
    fc.assert(
      fc.property(fc.array(wireValue, { minLength: 1, maxLength: 6 }), (message) => {
        const back = s.unserialize(s.serialize(message));
        assert.deepEqual(plainBytes(back), plainBytes(message));
      }),
      { numRuns: RUNS },
    );
  });

  test(`fuzz - ${id}: random bytes decode or fail with an Error, and the decoder keeps working`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const data = id === 'json' ? Buffer.from(bytes).toString('latin1') : bytes;
        try {
          s.unserialize(data);
        } catch (e) {
          assert.ok(decodeFailure(e, id), `unexpected ${String(e)}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test(`fuzz - ${id}: mutated messages decode or fail cleanly, and valid ones validate or fail with ProtocolError`, () => {
    fc.assert(
      fc.property(
        fc.array(wireValue, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        (message, flips) => {
          const encoded = s.serialize(message);
          const bytes =
            typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : Buffer.from(encoded);
          for (const [at, v] of flips) if (bytes.length > 0) bytes[at % bytes.length] = v;
          let decoded: unknown;
          try {
            decoded = s.unserialize(id === 'json' ? bytes.toString('utf8') : bytes);
          } catch (e) {
            assert.ok(decodeFailure(e, id), `unexpected ${String(e)}`);
            return;
          }
          try {
            decodeMessage(decoded);
          } catch (e) {
            assert.ok(e instanceof ProtocolError, `unexpected ${String(e)}`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test(`fuzz - ${id}: a 100,000-deep array is refused before decoding, without overflowing the stack`, () => {
    const deep = 100_000;
    const data =
      id === 'json'
        ? '['.repeat(deep) + ']'.repeat(deep)
        : id === 'msgpack'
          ? Buffer.concat([Buffer.alloc(deep, 0x91), Buffer.from([0xc0])])
          : Buffer.concat([Buffer.alloc(deep, 0x81), Buffer.from([0xf6])]);
    assert.throws(
      () => s.unserialize(data),
      (e: unknown) => e instanceof NestingDepthError && e.limit === MAX_NESTING_DEPTH,
    );
    // Just under the cap decodes.
    let v: unknown = 1;
    for (let i = 0; i < MAX_NESTING_DEPTH - 1; i++) v = [v];
    assert.deepEqual(s.unserialize(s.serialize([v])), [v]);
    // Brackets inside strings do not count.
    const brackets = [
      '['.repeat(500),
      { k: '{'.repeat(500) },
      'a\\"' + '['.repeat(300) + '\\',
      '\\\\"{{{{' + '\\'.repeat(7) + '"'.repeat(200) + '['.repeat(200),
    ];
    assert.deepEqual(s.unserialize(s.serialize(brackets)), brackets);
    // JSON from a socket arrives as bytes, scanned as bytes.
    const bytes = Buffer.from(s.serialize(brackets));
    assert.deepEqual(s.unserialize(bytes), brackets);
    if (id === 'json')
      assert.throws(
        () => s.unserialize(Buffer.from('['.repeat(deep) + ']'.repeat(deep))),
        NestingDepthError,
      );
  });
}

test('fuzz - decodeMessage: any array of wire values is a message or a ProtocolError', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 80 }),
      fc.array(wireValue, { maxLength: 6 }),
      (type, rest) => {
        try {
          decodeMessage([type, ...rest]);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, `unexpected ${String(e)}`);
        }
      },
    ),
    { numRuns: RUNS * 3 },
  );
});

test('fuzz - RawSocket framing: frames cut anywhere come out whole and in order', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom(FrameType.WAMP, FrameType.PING, FrameType.PONG),
          fc.uint8Array({ maxLength: 300 }),
        ),
        { maxLength: 8 },
      ),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (frames, cuts) => {
        const stream = Buffer.concat(frames.map(([t, p]) => encodeFrame(t, p)));
        const got: [number, Buffer][] = [];
        const d = new FrameDecoder(1 << 20, {
          onFrame: (t, p) => got.push([t, Buffer.from(p)]),
        });
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length] ?? 1;
          d.push(stream.subarray(at, at + n));
          at += n;
        }
        assert.equal(d.midFrame, false);
        assert.deepEqual(
          got,
          frames.map(([t, p]) => [t, Buffer.from(p)]),
        );
      },
    ),
    { numRuns: RUNS },
  );
});

test('fuzz - RawSocket framing: random bytes give frames or a documented error, and stay failed', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 256 }),
      fc.integer({ min: 1, max: 4096 }),
      (bytes, max) => {
        const d = new FrameDecoder(max, { onFrame: (_t, p) => assert.ok(p.length <= max) });
        let failed: unknown;
        try {
          d.push(bytes);
        } catch (e) {
          failed = e;
          assert.ok(
            e instanceof RawSocketFrameError || e instanceof PayloadSizeError,
            `unexpected ${String(e)}`,
          );
        }
        if (failed !== undefined) assert.throws(() => d.push(new Uint8Array(1)));
      },
    ),
    { numRuns: RUNS },
  );
});
