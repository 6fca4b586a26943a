import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FrameDecoder,
  FrameType,
  HandshakeErrorCode,
  PayloadSizeError,
  RawSocketFrameError,
  RawSocketHandshakeError,
  encodeFrame,
  encodeHandshake,
  encodeHandshakeError,
  exponentToMaxLength,
  maxLengthToExponent,
  parseHandshakeReply,
  parseHandshakeRequest,
  writeFrameHeader,
  type FrameSink,
} from '../src/index.js';

class Collect implements FrameSink {
  frames: [FrameType, number[]][] = [];
  onFrame(type: FrameType, payload: Uint8Array): void {
    this.frames.push([type, [...payload]]);
  }
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('rawsocket - length exponent and bytes convert both ways', () => {
  assert.equal(exponentToMaxLength(0), 512);
  assert.equal(exponentToMaxLength(15), 2 ** 24);
  assert.throws(() => exponentToMaxLength(16), RangeError);
  for (let l = 0; l <= 15; l++) assert.equal(maxLengthToExponent(2 ** (9 + l)), l);
  assert.equal(maxLengthToExponent(2 ** 20 - 1), 10);
  assert.equal(maxLengthToExponent(100), 0);
  assert.equal(maxLengthToExponent(2 ** 30), 15);
});

test('rawsocket - handshake request encodes and parses', () => {
  const req = encodeHandshake(2, 15);
  assert.deepEqual([...req], [0x7f, 0xf2, 0, 0]);
  assert.deepEqual(parseHandshakeRequest(req), {
    serializer: 2,
    exponent: 15,
    maxLength: 2 ** 24,
  });
  assert.deepEqual(parseHandshakeReply(encodeHandshake(1, 0)), {
    serializer: 1,
    exponent: 0,
    maxLength: 512,
  });
  assert.throws(() => encodeHandshake(0, 1), RangeError);
});

test('rawsocket - handshake errors carry their codes', () => {
  const reply = encodeHandshakeError(HandshakeErrorCode.SERIALIZER_UNSUPPORTED);
  assert.deepEqual([...reply], [0x7f, 0x10, 0, 0]);
  assert.throws(
    () => parseHandshakeReply(reply),
    (e: unknown) => e instanceof RawSocketHandshakeError && e.code === 1,
  );
  assert.throws(() => parseHandshakeReply(encodeHandshakeError(4)), /maximum connection count/);
  assert.throws(
    () => parseHandshakeRequest(bytes(0x7f, 0xf1, 0, 1)),
    (e: unknown) => e instanceof RawSocketHandshakeError && e.code === 3,
  );
  assert.throws(
    () => parseHandshakeRequest(bytes(0x7f, 0xf0, 0, 0)),
    (e: unknown) => e instanceof RawSocketHandshakeError && e.code === 1,
  );
  assert.throws(
    () => parseHandshakeRequest(bytes(0x47, 0x45, 0x54, 0x20)),
    (e: unknown) => e instanceof RawSocketHandshakeError && e.code === undefined,
  );
  assert.throws(() => parseHandshakeReply(bytes(0x7f, 0xf1)), RawSocketHandshakeError);
});

test('rawsocket - frame header encodes type, length and the 2^24 bit', () => {
  assert.deepEqual([...encodeFrame(FrameType.PING, bytes(1, 2, 3))], [1, 0, 0, 3, 1, 2, 3]);
  const h = new Uint8Array(4);
  writeFrameHeader(h, 0, FrameType.WAMP, 0xffffff);
  assert.deepEqual([...h], [0, 0xff, 0xff, 0xff]);
  writeFrameHeader(h, 0, FrameType.PONG, 2 ** 24);
  assert.deepEqual([...h], [0x0a, 0, 0, 0]);
  assert.throws(() => writeFrameHeader(h, 0, FrameType.WAMP, 2 ** 24 + 1), PayloadSizeError);
});

test('rawsocket - decoder emits whole frames from one chunk', () => {
  const sink = new Collect();
  const d = new FrameDecoder(1024, sink);
  const stream = new Uint8Array([
    ...encodeFrame(FrameType.WAMP, bytes(0x5b, 0x5d)),
    ...encodeFrame(FrameType.PING, bytes()),
    ...encodeFrame(FrameType.PONG, bytes(9)),
  ]);
  d.push(stream);
  assert.deepEqual(sink.frames, [
    [0, [0x5b, 0x5d]],
    [1, []],
    [2, [9]],
  ]);
  assert.equal(d.midFrame, false);
});

test('rawsocket - decoder works fed byte by byte and in odd splits', () => {
  const payloads = [bytes(1), bytes(), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)];
  const stream = new Uint8Array(
    payloads.flatMap((p, i) => [...encodeFrame((i % 3) as FrameType, p)]),
  );
  const expected = payloads.map((p, i) => [i % 3, [...p]]);
  for (const step of [1, 2, 3, 5, 7, 64, 301]) {
    const sink = new Collect();
    const d = new FrameDecoder(512, sink);
    for (let i = 0; i < stream.length; i += step) {
      d.push(stream.slice(i, i + step));
      if (i + step < stream.length) assert.equal(sink.frames.length < 3, true);
    }
    assert.deepEqual(sink.frames, expected, `step ${step}`);
    assert.equal(d.midFrame, false);
  }
});

test('rawsocket - decoder assembles a frame of exactly 2^24 bytes', () => {
  const got: number[] = [];
  const d = new FrameDecoder(2 ** 24, {
    onFrame(type, payload) {
      assert.equal(type, FrameType.WAMP);
      got.push(payload.length);
    },
  });
  d.push(bytes(0x08, 0, 0, 0));
  const part = new Uint8Array(2 ** 20);
  for (let i = 0; i < 16; i++) {
    assert.equal(got.length, 0);
    d.push(part);
  }
  assert.deepEqual(got, [2 ** 24]);
  assert.equal(d.midFrame, false);
});

test('rawsocket - decoder rejects reserved bits, unknown types and bad lengths', () => {
  const cases: [Uint8Array, string][] = [
    [bytes(0x10, 0, 0, 0), 'reserved-bits'],
    [bytes(0x80, 0, 0, 1, 0), 'reserved-bits'],
    [bytes(0x03, 0, 0, 0), 'unknown-type'],
    [bytes(0x07, 0, 0, 0), 'unknown-type'],
    [bytes(0x08, 0, 0, 1), 'invalid-length'],
  ];
  for (const [chunk, reason] of cases) {
    const d = new FrameDecoder(2 ** 24, new Collect());
    assert.throws(
      () => d.push(chunk),
      (e: unknown) => e instanceof RawSocketFrameError && e.reason === reason,
      reason,
    );
    // The stream cannot be resynchronized: the decoder stays failed.
    assert.throws(() => d.push(bytes(0, 0, 0, 0)), RawSocketFrameError);
  }
});

test('rawsocket - decoder rejects a frame over its limit before reading the payload', () => {
  const sink = new Collect();
  const d = new FrameDecoder(512, sink);
  d.push(encodeFrame(FrameType.WAMP, new Uint8Array(512)));
  assert.equal(sink.frames.length, 1);
  // Byte by byte: the error comes with the 4th header byte.
  const header = bytes(0, 0, 2, 1);
  d.push(header.subarray(0, 3));
  assert.throws(
    () => d.push(header.subarray(3)),
    (e: unknown) => e instanceof PayloadSizeError && e.size === 513 && e.limit === 512,
  );
  const x = new FrameDecoder(2 ** 24 - 1, sink);
  assert.throws(() => x.push(bytes(0x08, 0, 0, 0)), PayloadSizeError);
});
