/**
 * Wire frames as Node Buffers: RawSocket frames and unmasked (server-to-client)
 * WebSocket frames, each built in a single allocation (header + payload; small ones come
 * from Node's Buffer pool). JSON text is UTF-8 encoded straight into the frame.
 *
 * Fan-out: the broker serializes an EVENT once and hands the same value to many
 * transports' `sendSerialized`. A one-entry cache per frame kind, keyed on that value's
 * identity, frames it once and lets every connection write the same Buffer. Callers must
 * not mutate bytes after passing them (nobody in the router does).
 * @module
 */
import { FrameType, writeFrameHeader } from '@cdc/protocol';

export const WS_OPCODE_TEXT = 0x1;
export const WS_OPCODE_BINARY = 0x2;

export function byteLength(data: Uint8Array | string): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.length;
}

function fill(frame: Buffer, offset: number, data: Uint8Array | string): void {
  if (typeof data === 'string') frame.write(data, offset);
  else frame.set(data, offset);
}

export function rawSocketFrame(type: FrameType, data: Uint8Array | string, length: number): Buffer {
  const frame = Buffer.allocUnsafe(4 + length);
  writeFrameHeader(frame, 0, type, length);
  fill(frame, 4, data);
  return frame;
}

/** One final, unmasked WebSocket frame (RFC 6455 §5.2). */
export function webSocketFrame(opcode: number, data: Uint8Array | string, length: number): Buffer {
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  fill(frame, header, data);
  return frame;
}

/** A one-entry cache of the last fanned-out payload and its frame. */
export class FanoutCache {
  private key: Uint8Array | string | undefined;
  private frame: Buffer | undefined;
  /** The payload length of the frame last returned by `get`. */
  length = 0;

  constructor(private readonly build: (data: Uint8Array | string, length: number) => Buffer) {}

  get(data: Uint8Array | string): Buffer {
    if (data === this.key && this.frame !== undefined) return this.frame;
    const length = byteLength(data);
    const frame = this.build(data, length);
    this.key = data;
    this.frame = frame;
    this.length = length;
    return frame;
  }
}

export const rawSocketFanout = new FanoutCache((d, n) => rawSocketFrame(FrameType.WAMP, d, n));
export const webSocketTextFanout = new FanoutCache((d, n) => webSocketFrame(WS_OPCODE_TEXT, d, n));
export const webSocketBinaryFanout = new FanoutCache((d, n) =>
  webSocketFrame(WS_OPCODE_BINARY, d, n),
);
