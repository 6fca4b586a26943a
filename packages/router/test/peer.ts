/**
 * Transcript-style test peer: a fake client on an in-memory transport that sends raw wire
 * arrays and reads what the router sends, one message at a time. Every message goes
 * through a real serializer round trip, so what the router sends must be serializable.
 */
import {
  CLIENT_ROLES,
  MessageType,
  PayloadSizeError,
  SERIALIZERS,
  messageName,
  serializedLength,
} from '@cdc/protocol';
import type {
  CloseDetails,
  Serializer,
  SerializerId,
  Transport,
  TransportHandler,
  TransportInfo,
} from '@cdc/protocol';
import type { AcceptOptions, Router } from '../src/index.js';

class RouterSide implements Transport {
  isOpen = true;
  handler: TransportHandler | undefined;
  constructor(
    readonly info: TransportInfo,
    readonly serializer: Serializer,
    private readonly peer: Peer,
    private readonly limit = Infinity,
  ) {}
  attach(h: TransportHandler): void {
    this.handler = h;
  }
  send(message: unknown[]): void {
    const data = this.serializer.serialize(message);
    const size = serializedLength(data);
    if (size > this.limit) throw new PayloadSizeError(size, this.limit);
    this.sendSerialized(data);
  }
  sendSerialized(data: Uint8Array | string): void {
    if (!this.isOpen) return;
    const copy = typeof data === 'string' ? data : new Uint8Array(data);
    queueMicrotask(() => this.peer.receive(this.serializer.unserialize(copy) as unknown[]));
  }
  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    queueMicrotask(() => {
      this.peer.onClosed({ wasClean: true });
      this.handler?.onClose({ wasClean: true });
    });
  }
}

export interface PeerOptions extends AcceptOptions {
  serializer?: SerializerId;
  /** The largest message this peer accepts (as a RawSocket peer announces one). */
  maxMessageSize?: number;
  info?: Partial<TransportInfo>;
}

export class Peer {
  readonly transport: RouterSide;
  private readonly inbox: unknown[][] = [];
  private waiter: (() => void) | undefined;
  closed = false;
  sessionId = 0;
  private closeWaiters: (() => void)[] = [];

  constructor(router: Router, options: PeerOptions = {}) {
    const ser = SERIALIZERS[options.serializer ?? 'json'];
    const info: TransportInfo = {
      type: 'memory',
      serializer: ser.id,
      peer: 'memory',
      tls: false,
      ...options.info,
    };
    this.transport = new RouterSide(info, ser, this, options.maxMessageSize);
    router.accept(this.transport, options);
  }

  receive(msg: unknown[]): void {
    this.inbox.push(msg);
    this.waiter?.();
  }

  onClosed(_d: CloseDetails): void {
    this.closed = true;
    for (const w of this.closeWaiters) w();
    this.waiter?.();
  }

  /** Send a wire array to the router (serialized, as a real client would). */
  send(msg: unknown[]): void {
    const ser = this.transport.serializer;
    const data = ser.serialize(msg);
    queueMicrotask(() => this.transport.handler?.onMessage(ser.unserialize(data)));
  }

  /** Send raw bytes that may not even decode (bad input). */
  sendRaw(value: unknown): void {
    queueMicrotask(() => this.transport.handler?.onMessage(value));
  }

  /** Drop the connection without GOODBYE. */
  drop(): void {
    this.transport.isOpen = false;
    queueMicrotask(() => this.transport.handler?.onClose({ wasClean: false }));
  }

  async next(timeoutMs = 2000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.closed) throw new Error('peer closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a message');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.inbox.shift()!;
  }

  /** The next message, which must be of `type`. */
  async expect(type: number, timeoutMs = 2000): Promise<unknown[]> {
    const m = await this.next(timeoutMs);
    if (m[0] !== type) {
      throw new Error(`expected ${messageName(type)}, got ${JSON.stringify(m)}`);
    }
    return m;
  }

  /** Assert nothing arrives for a while. */
  async nothing(ms = 50): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.inbox.length > 0)
      throw new Error(`unexpected message ${JSON.stringify(this.inbox[0])}`);
  }

  waitClosed(timeoutMs = 2000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** HELLO → WELCOME; returns the WELCOME details. */
  async join(
    realm: string | null,
    details: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    this.send([MessageType.HELLO, realm, { roles: CLIENT_ROLES, ...details }]);
    const w = await this.expect(MessageType.WELCOME);
    this.sessionId = w[1] as number;
    return w[2] as Record<string, unknown>;
  }

  private requestId = 0;
  nextId(): number {
    return ++this.requestId;
  }

  async register(procedure: string, options: Record<string, unknown> = {}): Promise<number> {
    const id = this.nextId();
    this.send([MessageType.REGISTER, id, options, procedure]);
    const m = await this.expect(MessageType.REGISTERED);
    return m[2] as number;
  }

  async subscribe(topic: string, options: Record<string, unknown> = {}): Promise<number> {
    const id = this.nextId();
    this.send([MessageType.SUBSCRIBE, id, options, topic]);
    const m = await this.expect(MessageType.SUBSCRIBED);
    return m[2] as number;
  }

  /** CALL and wait for RESULT or ERROR. */
  async call(
    procedure: string,
    args: unknown[] = [],
    kwargs: Record<string, unknown> = {},
    options: Record<string, unknown> = {},
  ): Promise<unknown[]> {
    const id = this.nextId();
    this.send([MessageType.CALL, id, options, procedure, args, kwargs]);
    const m = await this.next();
    if (m[0] !== MessageType.RESULT && m[0] !== MessageType.ERROR) {
      throw new Error(`expected RESULT or ERROR, got ${JSON.stringify(m)}`);
    }
    return m;
  }
}

/** Roles of a client that announces nothing beyond the basic profile. */
export const BASIC_ROLES = { caller: {}, callee: {}, publisher: {}, subscriber: {} };

/** A realm config whose `anonymous` role may do everything. */
export function openRealm(name = 'realm1'): {
  name: string;
  roles: {
    name: string;
    permissions: {
      uri: string;
      match: 'prefix';
      allow: Record<string, boolean>;
      disclose: Record<string, boolean>;
    }[];
  }[];
} {
  return {
    name,
    roles: [
      {
        name: 'anonymous',
        permissions: [
          {
            uri: '',
            match: 'prefix',
            allow: { call: true, register: true, publish: true, subscribe: true },
            disclose: { caller: false, publisher: false },
          },
        ],
      },
    ],
  };
}
