/**
 * The router side of the RawSocket opening handshake: reads the client's 4 bytes (from
 * any number of chunks), refuses with an error reply (E=1 serializer unsupported, E=3
 * reserved bits, E=4 connection limit) or accepts with our own length limit, then hands
 * the socket to a {@link RawSocketTransport}.
 * @module
 */
import type { Socket } from 'node:net';
import {
  HANDSHAKE_LENGTH,
  HandshakeErrorCode,
  RAWSOCKET_MAX_LENGTH,
  RawSocketHandshakeError,
  SERIALIZERS,
  encodeHandshake,
  encodeHandshakeError,
  exponentToMaxLength,
  maxLengthToExponent,
  parseHandshakeRequest,
  serializerByRawSocketId,
  type SerializerId,
} from '@cdc/protocol';
import { Heartbeat } from './heartbeat.js';
import type { TlsDetails } from './peer.js';
import { RawSocketTransport } from './rawsocket-transport.js';
import { DEFAULT_MAX_WRITE_BUFFER } from './stream.js';

/** RawSocket settings of a listener (Crossbar.io's `rawsocket` transport options). */
export interface RawSocketOptions {
  /** Serializers to accept; default all (`json`, `msgpack`, `cbor`). */
  serializers?: readonly SerializerId[];
  /**
   * The largest message to accept, announced as the largest power of two not above it
   * (512 B … 16 MiB); default 16 MiB.
   */
  maxMessageSize?: number;
  /** Refuse further clients (E=4) while this many RawSocket connections are open. */
  maxConnections?: number;
  /** Send RawSocket PINGs to connections quiet this long (ms). Off by default: see module doc. */
  autoPingInterval?: number;
  /** Drop a connection that does not answer a ping within this long (ms); default 10 s. */
  autoPingTimeout?: number;
  /** Drop a peer that leaves more than this many bytes unread; default 64 MiB. */
  maxWriteBuffer?: number;
}

/** Where a connection comes from, as the listener determined it. */
export interface ConnectionContext {
  peer: string;
  tls: TlsDetails;
}

const EMPTY: Buffer = Buffer.alloc(0);

export class RawSocketAcceptor {
  private readonly serializers: ReadonlySet<SerializerId>;
  private readonly exponent: number;
  private readonly receiveLimit: number;
  private readonly heartbeat: Heartbeat | undefined;
  private readonly maxWriteBuffer: number;
  private readonly maxConnections: number;
  /** Open RawSocket transports accepted here. */
  readonly open = new Set<RawSocketTransport>();

  constructor(options: RawSocketOptions = {}) {
    this.serializers = new Set(options.serializers ?? (Object.keys(SERIALIZERS) as SerializerId[]));
    this.exponent = maxLengthToExponent(options.maxMessageSize ?? RAWSOCKET_MAX_LENGTH);
    this.receiveLimit = exponentToMaxLength(this.exponent);
    this.maxWriteBuffer = options.maxWriteBuffer ?? DEFAULT_MAX_WRITE_BUFFER;
    this.maxConnections = options.maxConnections ?? Infinity;
    this.heartbeat =
      options.autoPingInterval !== undefined && options.autoPingInterval > 0
        ? new Heartbeat(options.autoPingInterval, options.autoPingTimeout ?? 10_000)
        : undefined;
  }

  /**
   * Run the handshake on `socket`, whose first bytes (already read) are `initial`.
   * `onTransport` gets the transport once accepted; refused sockets are just closed.
   */
  accept(
    socket: Socket,
    initial: Buffer | undefined,
    context: ConnectionContext,
    onTransport: (transport: RawSocketTransport) => void,
  ): void {
    let got = initial ?? EMPTY;
    if (got.length >= HANDSHAKE_LENGTH) {
      this.complete(socket, got, context, onTransport);
      return;
    }
    const onData = (chunk: Buffer): void => {
      got = got.length === 0 ? chunk : Buffer.concat([got, chunk]);
      if (got.length < HANDSHAKE_LENGTH) return;
      socket.off('data', onData);
      this.complete(socket, got, context, onTransport);
    };
    socket.on('data', onData);
  }

  private complete(
    socket: Socket,
    got: Buffer,
    context: ConnectionContext,
    onTransport: (transport: RawSocketTransport) => void,
  ): void {
    let request;
    try {
      request = parseHandshakeRequest(got);
    } catch (e) {
      const code = e instanceof RawSocketHandshakeError ? e.code : undefined;
      this.refuse(socket, code);
      return;
    }
    const serializer = serializerByRawSocketId(request.serializer);
    if (serializer === undefined || !this.serializers.has(serializer.id)) {
      this.refuse(socket, HandshakeErrorCode.SERIALIZER_UNSUPPORTED);
      return;
    }
    if (this.open.size >= this.maxConnections) {
      this.refuse(socket, HandshakeErrorCode.MAX_CONNECTIONS);
      return;
    }
    socket.write(encodeHandshake(request.serializer, this.exponent));
    const transport = new RawSocketTransport(socket, {
      serializer,
      receiveLimit: this.receiveLimit,
      sendLimit: request.maxLength,
      maxWriteBuffer: this.maxWriteBuffer,
      heartbeat: this.heartbeat,
      info: {
        type: 'rawsocket',
        serializer: serializer.id,
        peer: context.peer,
        ...context.tls,
      },
    });
    transport.registry = this.open;
    this.open.add(transport);
    onTransport(transport);
    if (got.length > HANDSHAKE_LENGTH) transport.receive(got.subarray(HANDSHAKE_LENGTH));
  }

  /** Reply with error `code` and close, or just drop a non-RawSocket peer (no code). */
  private refuse(socket: Socket, code: number | undefined): void {
    if (code === undefined) socket.destroy();
    else socket.end(encodeHandshakeError(code));
  }
}
