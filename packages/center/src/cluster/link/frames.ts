/**
 * Framing of the internal link between center instances (SPEC §9): every frame is
 * `length (u32 BE) | kind (u8) | channel (u32 BE) | body`, the length counting kind, channel
 * and body. Bodies are MessagePack (the protocol package's serializer): binary WAMP payloads
 * cross as they are (JSON would need its base64 convention both ways), and an event fanned
 * out to many forwarded sessions is encoded once by the owner's broker, since the owner's
 * channel transports all use this one serializer.
 * @module
 */
import { msgpackSerializer } from '@cdc/protocol';

export const FrameKind = {
  /** Server → client on connect: `{ nonce, instance }`. */
  CHALLENGE: 1,
  /** Client → server: `{ nonce, instance, address, mac }`. */
  RESPONSE: 2,
  /** Server → client: `{ mac }`, proving the server knows the secret too. */
  ACCEPT: 3,
  /** Opens a channel: {@link OpenBody}. */
  OPEN: 10,
  /** One WAMP message, MessagePack-encoded. */
  MSG: 11,
  /** Closes a channel: {@link CloseBody}. */
  CLOSE: 12,
} as const;
export type FrameKindId = (typeof FrameKind)[keyof typeof FrameKind];

const KINDS = new Set<number>(Object.values(FrameKind));
const HEADER = 9;

export interface Frame {
  kind: FrameKindId;
  channel: number;
  body: Uint8Array;
}

/** What the owner needs to admit a forwarded session. */
export interface OpenBody {
  realm: string;
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  authextra: Record<string, unknown>;
  /** The client's HELLO details. */
  hello: Record<string, unknown>;
  /** The client's transport: peer string, type, serializer, TLS. */
  peer: string;
  type: string;
  serializer: string;
  tls: boolean;
}

/**
 * Why a channel closed. With `reason` the closing side ended the session itself (link lost,
 * realm moved) and the accepting instance tells the client so; without it the owner's
 * session already said GOODBYE or ABORT.
 */
export interface CloseBody {
  message: string;
  reason?: string | undefined;
}

export class FrameError extends Error {
  override name = 'FrameError';
}

export function encodeFrame(kind: FrameKindId, channel: number, body: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(HEADER + body.byteLength);
  out.writeUInt32BE(body.byteLength + 5, 0);
  out.writeUInt8(kind, 4);
  out.writeUInt32BE(channel, 5);
  out.set(body, HEADER);
  return out;
}

/** Encode a structured body (OPEN, CLOSE, the auth frames). */
export function encodeBody(value: object): Uint8Array {
  return msgpackSerializer.serialize([value]) as Uint8Array;
}

/** Decode a structured body; a FrameError unless it is one map. */
export function decodeBody(body: Uint8Array): Record<string, unknown> {
  let v: unknown;
  try {
    v = msgpackSerializer.unserialize(body);
  } catch (e) {
    throw new FrameError(`undecodable frame body: ${(e as Error).message}`);
  }
  const m = Array.isArray(v) ? (v[0] as unknown) : undefined;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw new FrameError('a frame body must be one map');
  }
  return m as Record<string, unknown>;
}

/**
 * Splits a byte stream into frames. Throws FrameError for a frame longer than `maxFrame`
 * (checked on the length prefix, before buffering any of it) or of an unknown kind.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(public maxFrame: number) {}

  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.byteLength;
    const out: Frame[] = [];
    const first = this.chunks[0];
    let buf = this.chunks.length === 1 && first !== undefined ? first : Buffer.concat(this.chunks);
    let pos = 0;
    while (buf.byteLength - pos >= 4) {
      const len = buf.readUInt32BE(pos);
      if (len > this.maxFrame + 5) {
        throw new FrameError(`frame of ${len} bytes exceeds the limit of ${this.maxFrame} bytes`);
      }
      if (len < 5) throw new FrameError(`frame of ${len} bytes is shorter than its header`);
      if (buf.byteLength - pos < 4 + len) break;
      const kind = buf.readUInt8(pos + 4);
      if (!KINDS.has(kind)) throw new FrameError(`unknown frame kind ${kind}`);
      out.push({
        kind: kind as FrameKindId,
        channel: buf.readUInt32BE(pos + 5),
        body: buf.subarray(pos + HEADER, pos + 4 + len),
      });
      pos += 4 + len;
    }
    buf = buf.subarray(pos);
    this.chunks = buf.byteLength > 0 ? [buf] : [];
    this.buffered = buf.byteLength;
    return out;
  }

  /** Bytes of an incomplete frame held. */
  get pending(): number {
    return this.buffered;
  }
}
