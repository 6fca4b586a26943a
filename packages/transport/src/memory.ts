/**
 * An in-memory transport pair for component tests: what one side sends, the other
 * receives, asynchronously (on a microtask) and in order, optionally through a real
 * serialize/unserialize round trip so serializer bugs show up.
 * @module
 */
import {
  SERIALIZERS,
  expandJsonPayload,
  type CloseDetails,
  type SerializerId,
  type Transport,
  type TransportInfo,
} from '@cdc/protocol';
import { BaseTransport } from './base.js';

export interface MemoryPairOptions {
  /** Default `json`. */
  serializer?: SerializerId;
  /**
   * Serialize every message and unserialize it on the other side (default true). When
   * false, the receiver gets the sender's array itself.
   */
  serialize?: boolean;
}

type Item = { kind: 'data'; value: unknown } | { kind: 'close'; details: CloseDetails };

class MemoryTransport extends BaseTransport {
  readonly info: TransportInfo;
  peer!: MemoryTransport;
  private open = true;
  private readonly inbox: Item[] = [];
  private draining = false;

  constructor(
    serializerId: SerializerId,
    private readonly serialize: boolean,
  ) {
    super(SERIALIZERS[serializerId]);
    this.info = { type: 'memory', serializer: serializerId, peer: 'memory', tls: false };
  }

  get isOpen(): boolean {
    return this.open;
  }

  send(message: unknown[]): void {
    if (!this.open) return;
    this.peer.post({
      kind: 'data',
      value: this.serialize ? this.serializer.serialize(message) : expandJsonPayload(message),
    });
  }

  sendSerialized(data: Uint8Array | string): void {
    if (!this.open) return;
    this.peer.post({
      kind: 'data',
      value: this.serialize ? data : this.serializer.unserialize(data),
    });
  }

  close(code?: number, reason?: string): void {
    if (!this.open) return;
    const details: CloseDetails = { wasClean: true, code: code ?? 1000 };
    if (reason !== undefined) details.reason = reason;
    this.open = false;
    this.peer.open = false;
    // Each side learns of the close after everything sent to it before.
    this.post({ kind: 'close', details });
    this.peer.post({ kind: 'close', details });
  }

  private post(item: Item): void {
    this.inbox.push(item);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => this.drain());
    }
  }

  private drain(): void {
    this.draining = false;
    // Deliver one by one, so items posted while delivering keep their place in the queue.
    let item: Item | undefined;
    while ((item = this.inbox.shift()) !== undefined) {
      if (item.kind === 'close') {
        this.deliverClose(item.details);
        continue;
      }
      if (this.closed) continue;
      let message: unknown;
      try {
        message = this.serialize
          ? this.serializer.unserialize(item.value as Uint8Array | string)
          : item.value;
      } catch (e) {
        this.deliverError(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      try {
        this.deliver(message);
      } catch (e) {
        // A throwing handler must not lose the rest of the queue.
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }
}

/** Two connected in-memory transports: `[clientSide, serverSide]`. */
export function createMemoryPair(options: MemoryPairOptions = {}): [Transport, Transport] {
  const id = options.serializer ?? 'json';
  const serialize = options.serialize ?? true;
  const a = new MemoryTransport(id, serialize);
  const b = new MemoryTransport(id, serialize);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
