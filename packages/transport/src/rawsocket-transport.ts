/**
 * A WAMP-over-RawSocket connection after its handshake, on TCP, TLS or a Unix socket;
 * the same class serves router and client side. PINGs are answered with PONGs; PINGs are
 * only sent when auto-ping is configured, since autobahn-python's Twisted RawSocket
 * (an Int32StringReceiver) reads the frame type bits as part of the length.
 * @module
 */
import type { Socket } from 'node:net';
import {
  FrameDecoder,
  FrameType,
  PayloadSizeError,
  type FrameSink,
  type Serializer,
  type TransportInfo,
} from '@cdc/protocol';
import { MessageDecodeError } from './errors.js';
import { byteLength, rawSocketFanout, rawSocketFrame } from './framing.js';
import { StreamTransport, type StreamTransportOptions } from './stream.js';

/** How long a closing connection may wait for the peer's FIN before it is dropped. */
const CLOSE_TIMEOUT_MS = 5000;
const EMPTY: Buffer = Buffer.alloc(0);
const kTransport = Symbol('transport');
type OwnedSocket = Socket & { [kTransport]: RawSocketTransport };

function onSocketData(this: OwnedSocket, chunk: Buffer): void {
  this[kTransport].receive(chunk);
}
function onSocketClose(this: OwnedSocket, hadError: boolean): void {
  this[kTransport].onSocketClose(hadError);
}
function ignoreError(): void {
  // Reported through 'close' (hadError); the listener keeps the error from being fatal.
}

export interface RawSocketTransportOptions extends StreamTransportOptions {
  serializer: Serializer;
  info: TransportInfo;
  /** The largest message we accept: what we announced in the handshake. */
  receiveLimit: number;
  /** The largest message the peer accepts: what it announced. */
  sendLimit: number;
}

export class RawSocketTransport extends StreamTransport implements FrameSink {
  readonly info: TransportInfo;
  /** The largest message the peer accepts. */
  readonly sendLimit: number;
  private readonly decoder: FrameDecoder;
  private closeReason: string | undefined;

  constructor(socket: Socket, options: RawSocketTransportOptions) {
    super(options.serializer, socket, options);
    this.info = options.info;
    this.sendLimit = options.sendLimit;
    this.decoder = new FrameDecoder(options.receiveLimit, this);
    // Shared listener functions find their transport through the socket: no closures.
    (socket as OwnedSocket)[kTransport] = this;
    socket.on('data', onSocketData);
    socket.on('close', onSocketClose);
    socket.on('error', ignoreError);
  }

  /** Feed received bytes (the socket's data, or what followed the handshake). */
  receive(chunk: Uint8Array): void {
    this.seen = true;
    if (this.closing) return;
    try {
      this.decoder.push(chunk);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** @internal FrameSink: one frame from the decoder. */
  onFrame(type: FrameType, payload: Uint8Array): void {
    if (type === FrameType.WAMP) {
      if (this.closing) return;
      let message: unknown;
      try {
        message = this.serializer.unserialize(payload);
      } catch (e) {
        throw new MessageDecodeError(`cannot decode ${this.serializer.id} message`, { cause: e });
      }
      this.deliver(message);
    } else if (type === FrameType.PING) {
      this.queue(rawSocketFrame(FrameType.PONG, payload, payload.length));
    }
    // PONG: `seen` is already set, which is all auto-ping needs.
  }

  send(message: unknown[]): void {
    if (!this.isOpen) return;
    const data = this.serializer.serialize(message);
    const length = byteLength(data);
    if (length > this.sendLimit) throw new PayloadSizeError(length, this.sendLimit);
    this.queue(rawSocketFrame(FrameType.WAMP, data, length));
  }

  sendSerialized(data: Uint8Array | string): void {
    if (!this.isOpen) return;
    const frame = rawSocketFanout.get(data);
    const length = rawSocketFanout.length;
    if (length > this.sendLimit) throw new PayloadSizeError(length, this.sendLimit);
    this.queue(frame);
  }

  /** Send a PING (the peer must answer with a PONG echoing `payload`). */
  ping(payload: Uint8Array = EMPTY): void {
    if (!this.isOpen) return;
    this.queue(rawSocketFrame(FrameType.PING, payload, payload.length));
  }

  /** Write what is queued and end the connection; RawSocket has no close code or reason. */
  close(_code?: number, _reason?: string): void {
    if (this.closing || this.closed) return;
    this.closing = true;
    this.flush();
    this.socket.end();
    this.socket.setTimeout(CLOSE_TIMEOUT_MS, () => this.socket.destroy());
  }

  protected sendPing(): void {
    this.ping();
    this.flush();
  }

  protected abort(reason: string): void {
    if (this.closed) return;
    this.closing = true;
    this.closeReason ??= reason;
    this.socket.destroy();
  }

  private fail(error: Error): void {
    this.deliverError(error);
    this.closeReason ??= error.message;
    this.close();
  }

  /** @internal */
  onSocketClose(hadError: boolean): void {
    this.closing = true;
    const reason = this.closeReason;
    const wasClean = !hadError && reason === undefined && !this.decoder.midFrame;
    this.deliverClose(reason === undefined ? { wasClean } : { wasClean, reason });
  }
}
