/**
 * A WAMP-over-WebSocket connection (router or client side) on a `ws` WebSocket.
 *
 * `ws` parses incoming frames. Outgoing, the router side writes its own unmasked frames
 * straight to the socket through the per-turn coalescing queue, skipping `ws.send`'s
 * per-message option objects and separate header write; fanned-out events are framed
 * once for all connections (see `framing.ts`). The client side (frames must be masked)
 * and connections with permessage-deflate go through `ws.send`, with the socket corked
 * for the rest of the loop turn.
 *
 * Batched subprotocols (`wamp.2.<ser>.batched`): incoming batches are split; outgoing
 * messages of one loop turn are joined into as few WebSocket messages as the size limit allows.
 * @module
 */
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import {
  PayloadSizeError,
  joinBatch,
  splitBatch,
  type Serializer,
  type TransportInfo,
} from '@cdc/protocol';
import { MessageDecodeError } from './errors.js';
import {
  WS_OPCODE_BINARY,
  WS_OPCODE_TEXT,
  byteLength,
  webSocketBinaryFanout,
  webSocketFrame,
  webSocketTextFanout,
} from './framing.js';
import { StreamTransport, type StreamTransportOptions } from './stream.js';
import { quietRepeatedEnds } from './ws-repeated-end.js';

const SEND_TEXT = { binary: false } as const;
const SEND_BINARY = { binary: true } as const;
const WS_OPEN = 1;
/** RFC 6455 limits a close reason to 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;
const kTransport = Symbol('transport');
type OwnedWebSocket = WebSocket & { [kTransport]: WebSocketTransport };

function owner(ws: WebSocket): WebSocketTransport {
  return (ws as OwnedWebSocket)[kTransport];
}
function onWsMessage(this: WebSocket, data: Buffer): void {
  owner(this).onWsMessage(data);
}
function onWsClose(this: WebSocket, code: number, reason: Buffer): void {
  owner(this).onWsClose(code, reason);
}
function onWsError(this: WebSocket, error: Error & { code?: string }): void {
  owner(this).onWsError(error);
}
function onWsAlive(this: WebSocket): void {
  owner(this).markAlive();
}

export interface WebSocketTransportOptions extends StreamTransportOptions {
  serializer: Serializer;
  batched: boolean;
  info: TransportInfo;
  /** The largest message we send (and accept: `ws`'s maxPayload is set to it as well). */
  maxMessageSize: number;
  /** Write our own frames to the socket: router side, without compression. */
  direct: boolean;
}

/** Close codes `ws` lets an application send (RFC 6455 §7.4). */
function isSendableCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= MAX_REASON_BYTES) return reason;
  const bytes = Buffer.from(reason).subarray(0, MAX_REASON_BYTES);
  // Cutting mid-character leaves U+FFFD at the end; drop it.
  return bytes.toString().replace(/\uFFFD+$/, '');
}

export class WebSocketTransport extends StreamTransport {
  readonly info: TransportInfo;
  readonly maxMessageSize: number;
  private readonly ws: WebSocket;
  private readonly batched: boolean;
  private readonly direct: boolean;
  private batch: (Uint8Array | string)[] | undefined;
  private batchBytes = 0;
  private closeReason: string | undefined;

  constructor(ws: WebSocket, socket: Socket, options: WebSocketTransportOptions) {
    super(options.serializer, socket, options);
    this.ws = ws;
    this.info = options.info;
    this.batched = options.batched;
    this.direct = options.direct;
    this.maxMessageSize = options.maxMessageSize;
    // Shared listener functions find their transport through the WebSocket: no closures.
    (ws as OwnedWebSocket)[kTransport] = this;
    ws.on('message', onWsMessage);
    ws.on('close', onWsClose);
    ws.on('error', onWsError);
    quietRepeatedEnds(ws, socket);
    if (options.heartbeat !== undefined) {
      ws.on('pong', onWsAlive);
      ws.on('ping', onWsAlive);
    }
  }

  /** The negotiated WebSocket extensions (`permessage-deflate` or empty). */
  get extensions(): string {
    return this.ws.extensions;
  }

  override get isOpen(): boolean {
    // Also false between the peer's close frame and the socket closing.
    return super.isOpen && this.ws.readyState === WS_OPEN;
  }

  send(message: unknown[]): void {
    if (!this.isOpen) return;
    this.sendData(this.serializer.serialize(message), false);
  }

  sendSerialized(data: Uint8Array | string): void {
    if (!this.isOpen) return;
    this.sendData(data, true);
  }

  private sendData(data: Uint8Array | string, fanout: boolean): void {
    const binary = this.serializer.binary;
    if (this.direct && !this.batched) {
      let frame: Buffer;
      let length: number;
      if (fanout) {
        const cache = binary ? webSocketBinaryFanout : webSocketTextFanout;
        frame = cache.get(data);
        length = cache.length;
        if (length > this.maxMessageSize) throw new PayloadSizeError(length, this.maxMessageSize);
      } else {
        length = byteLength(data);
        if (length > this.maxMessageSize) throw new PayloadSizeError(length, this.maxMessageSize);
        frame = webSocketFrame(binary ? WS_OPCODE_BINARY : WS_OPCODE_TEXT, data, length);
      }
      this.queue(frame);
      return;
    }
    const length = byteLength(data);
    if (length > this.maxMessageSize) throw new PayloadSizeError(length, this.maxMessageSize);
    if (this.batched) {
      // Each element costs its length plus a 4-byte prefix (binary) or a 0x1E (JSON).
      const cost = length + (binary ? 4 : 1);
      if (this.batchBytes + cost > this.maxMessageSize) this.emitBatch();
      (this.batch ??= []).push(data);
      this.batchBytes += cost;
      this.scheduleFlush();
      return;
    }
    this.corkForTurn();
    this.ws.send(data, binary ? SEND_BINARY : SEND_TEXT);
  }

  /** Turn the pending batch into one WebSocket message. */
  private emitBatch(): void {
    const batch = this.batch;
    if (batch === undefined || batch.length === 0) return;
    const binary = this.serializer.binary;
    const joined = joinBatch(batch, binary);
    batch.length = 0;
    this.batchBytes = 0;
    if (this.direct) {
      const opcode = binary ? WS_OPCODE_BINARY : WS_OPCODE_TEXT;
      this.queue(webSocketFrame(opcode, joined, byteLength(joined)));
    } else {
      this.corkForTurn();
      this.ws.send(joined, binary ? SEND_BINARY : SEND_TEXT);
    }
  }

  protected override beforeFlush(): void {
    if (this.batchBytes !== 0) this.emitBatch();
  }

  close(code = 1000, reason = ''): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.flush();
    if (this.ws.readyState !== WS_OPEN) return;
    this.ws.close(isSendableCode(code) ? code : 1000, truncateReason(reason));
  }

  protected sendPing(): void {
    this.ws.ping();
  }

  protected abort(reason: string): void {
    if (this.closed) return;
    this.closing = true;
    this.closeReason ??= reason;
    this.ws.terminate();
  }

  /** @internal */
  markAlive(): void {
    this.seen = true;
  }

  /** @internal */
  onWsMessage(data: Buffer): void {
    this.seen = true;
    if (this.closing) return;
    const serializer = this.serializer;
    // Lenient about the frame type (the spec says text for JSON, binary otherwise): JSON
    // in a binary frame is still UTF-8 text to us, CBOR in a text frame still bytes.
    const payload = serializer.binary ? data : data.toString();
    try {
      if (!this.batched) this.deliver(this.decode(payload));
      else {
        let parts;
        try {
          parts = splitBatch(payload, serializer.binary);
        } catch (e) {
          throw new MessageDecodeError('malformed batch', { cause: e });
        }
        for (const part of parts) {
          if (!this.isOpen) break; // the owner closed the transport mid-batch
          this.deliver(this.decode(part));
        }
      }
    } catch (e) {
      this.deliverError(e instanceof Error ? e : new Error(String(e)));
      this.close(1002, 'protocol error');
    }
  }

  private decode(data: Uint8Array | string): unknown {
    try {
      return this.serializer.unserialize(data);
    } catch (e) {
      throw new MessageDecodeError(`cannot decode ${this.serializer.id} message`, { cause: e });
    }
  }

  /** @internal */
  onWsError(error: Error & { code?: string }): void {
    // `ws` reports what the peer did wrong and closes the connection itself (1002, 1007,
    // or 1009 for an oversized message, which it stops reading at the frame header).
    this.closing = true;
    this.deliverError(
      error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'
        ? new PayloadSizeError(this.maxMessageSize + 1, this.maxMessageSize)
        : error,
    );
  }

  /** @internal */
  onWsClose(code: number, reason: Buffer): void {
    this.closing = true;
    const text = this.closeReason ?? reason.toString();
    // 1006: the connection dropped without a close frame.
    const wasClean = code !== 1006 && this.closeReason === undefined;
    this.deliverClose(text === '' ? { wasClean, code } : { wasClean, code, reason: text });
  }
}
