/**
 * An in-memory `Transport` pair for component tests: asynchronous delivery
 * (queueMicrotask), order preserved, and by default a serialize/unserialize round trip so
 * that everything sent is really representable on the wire.
 */
import {
  PayloadSizeError,
  SERIALIZERS,
  serializedLength,
  type CloseDetails,
  type Serializer,
  type SerializerId,
  type Transport,
  type TransportHandler,
  type TransportInfo,
} from '@cdc/protocol';

export interface PairOptions {
  serializer?: SerializerId;
  /** Serialize and unserialize every message (default true). */
  roundTrip?: boolean;
  /** Largest serialized message either side accepts (bytes); default unlimited. */
  maxMessageSize?: number;
  /** Overrides for the client side's info (e.g. `tls`, `channelId`). */
  clientInfo?: Partial<TransportInfo>;
}

type Item = { kind: 'message'; data: unknown } | { kind: 'close'; details: CloseDetails };

export class MemoryTransport implements Transport {
  readonly serializer: Serializer;
  isOpen = true;
  peer!: MemoryTransport;
  private handler: TransportHandler | undefined;
  private readonly backlog: Item[] = [];
  private closeDelivered = false;

  constructor(
    readonly info: TransportInfo,
    private readonly options: PairOptions,
  ) {
    this.serializer = SERIALIZERS[info.serializer];
  }

  attach(handler: TransportHandler): void {
    if (this.handler !== undefined) throw new Error('attach() called twice');
    this.handler = handler;
    const items = this.backlog.splice(0);
    for (const item of items) queueMicrotask(() => this.dispatch(item));
  }

  send(message: unknown[]): void {
    if (!this.isOpen) throw new Error('transport closed');
    let data: unknown = message;
    if (this.options.roundTrip !== false) {
      const bytes = this.serializer.serialize(message);
      const size = serializedLength(bytes);
      const limit = this.options.maxMessageSize;
      if (limit !== undefined && size > limit) throw new PayloadSizeError(size, limit);
      data = this.serializer.unserialize(bytes);
    }
    const peer = this.peer;
    queueMicrotask(() => peer.receive({ kind: 'message', data }));
  }

  sendSerialized(data: Uint8Array | string): void {
    const value = this.serializer.unserialize(data);
    const peer = this.peer;
    queueMicrotask(() => peer.receive({ kind: 'message', data: value }));
  }

  close(code = 1000, reason?: string): void {
    this.shutdown({ wasClean: true, code, reason });
  }

  /** Simulates a dropped connection: both sides see an unclean close. */
  drop(): void {
    this.shutdown({ wasClean: false, code: 1006 });
  }

  private shutdown(details: CloseDetails): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.peer.isOpen = false;
    const peer = this.peer;
    queueMicrotask(() => {
      this.receive({ kind: 'close', details });
      peer.receive({ kind: 'close', details });
    });
  }

  private receive(item: Item): void {
    if (this.handler === undefined) this.backlog.push(item);
    else this.dispatch(item);
  }

  private dispatch(item: Item): void {
    if (this.closeDelivered) return;
    if (item.kind === 'close') {
      this.closeDelivered = true;
      this.handler?.onClose(item.details);
    } else {
      this.handler?.onMessage(item.data);
    }
  }
}

/** A connected pair: `[client, router]`. */
export function transportPair(options: PairOptions = {}): [MemoryTransport, MemoryTransport] {
  const serializer = options.serializer ?? 'json';
  const base: TransportInfo = { type: 'memory', serializer, peer: 'memory', tls: false };
  const client = new MemoryTransport({ ...base, ...options.clientInfo }, options);
  const router = new MemoryTransport(base, options);
  client.peer = router;
  router.peer = client;
  return [client, router];
}
