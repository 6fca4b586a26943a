/**
 * The two ends of a channel: on the accepting instance a {@link ForwardChannel} (the
 * router's SessionForwarder, relaying the client's session into the link), on the owner a
 * {@link ChannelTransport} (a Transport handed to the owner's router, which sees the
 * forwarded session as any other).
 * @module
 */
import { MessageType, WampErrors, errorMessage, msgpackSerializer } from '@cdc/protocol';
import type {
  Serializer,
  SerializerId,
  Transport,
  TransportHandler,
  TransportInfo,
  TransportType,
} from '@cdc/protocol';
import type { ForwardRequest, ForwardSink, SessionForwarder } from '@cdc/router';
import type { ChannelHandler, LinkConnection } from './connection.js';
import { FrameKind } from './frames.js';
import type { CloseBody, OpenBody } from './frames.js';

/** The accepting instance's end: relays one client session to the realm's owner. */
export class ForwardChannel implements SessionForwarder, ChannelHandler {
  private sink: ForwardSink | undefined;
  private channel = 0;
  private welcomed = false;
  private closed = false;
  /** The client said GOODBYE: the owner's GOODBYE answer ends the channel. */
  private leaving = false;

  constructor(
    private readonly link: LinkConnection,
    private readonly request: ForwardRequest,
    private readonly done: (c: ForwardChannel) => void,
  ) {}

  get realm(): string {
    return this.request.principal.realm;
  }

  start(sink: ForwardSink): void {
    this.sink = sink;
    const p = this.request.principal;
    const t = this.request.transport;
    const open: OpenBody = {
      realm: p.realm,
      authid: p.authid,
      authrole: p.authrole,
      authmethod: p.authmethod,
      authprovider: p.authprovider,
      authextra: p.authextra ?? {},
      hello: this.request.hello,
      peer: t.peer,
      type: t.type,
      serializer: t.serializer,
      tls: t.tls,
    };
    try {
      this.channel = this.link.open(this, open);
    } catch (e) {
      this.onClosed({ message: errorMessage(e), reason: WampErrors.UNAVAILABLE });
    }
  }

  /** A message from the client: encoded once into the link. */
  send(message: unknown): void {
    if (this.closed) return;
    const m = message as unknown[];
    if (m[0] === MessageType.GOODBYE && this.welcomed) this.leaving = true;
    const data = msgpackSerializer.serialize(m) as Uint8Array;
    this.link.send(FrameKind.MSG, this.channel, data);
  }

  /** The client's connection closed: close the channel (the owner's session ends). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.link.closeChannel(this.channel, { message: reason });
    this.done(this);
  }

  /** End the session from this side (realm moved): the client is told, the owner too. */
  end(reason: string, message: string): void {
    if (this.closed) return;
    this.link.closeChannel(this.channel, { message });
    this.onClosed({ message, reason });
  }

  onFrame(body: Uint8Array): void {
    let m: unknown[];
    try {
      m = msgpackSerializer.unserialize(body) as unknown[];
    } catch (e) {
      this.end(
        WampErrors.PROTOCOL_VIOLATION,
        `undecodable message from the owner: ${errorMessage(e)}`,
      );
      return;
    }
    if (m[0] === MessageType.WELCOME) this.welcomed = true;
    this.sink?.send(m);
    if (m[0] === MessageType.GOODBYE && this.leaving && !this.closed) {
      // The session ended as on any router: the connection stays for a new HELLO.
      this.closed = true;
      this.link.closeChannel(this.channel, { message: 'the client left' });
      this.done(this);
      this.sink?.release();
    }
  }

  onClosed(body: CloseBody): void {
    if (this.closed) return;
    this.closed = true;
    this.done(this);
    const sink = this.sink;
    if (sink === undefined) return;
    if (body.reason !== undefined) {
      // The owner's session did not end it: say why, so the client knows to reconnect.
      sink.send(
        this.welcomed
          ? [MessageType.GOODBYE, { message: body.message }, body.reason]
          : [MessageType.ABORT, { message: body.message }, WampErrors.UNAVAILABLE],
      );
    }
    sink.close();
  }
}

/** The owner's end: the forwarded session's transport, as the owner's router sees it. */
export class ChannelTransport implements Transport, ChannelHandler {
  readonly serializer: Serializer = msgpackSerializer;
  readonly info: TransportInfo;
  isOpen = true;
  private handler: TransportHandler | undefined;
  private early: unknown[] = [];

  constructor(
    private readonly link: LinkConnection,
    private readonly channel: number,
    readonly open: OpenBody,
    private readonly done: (t: ChannelTransport) => void,
  ) {
    // The client's own transport, as the meta API reports it.
    this.info = {
      type: open.type as TransportType,
      serializer: open.serializer as SerializerId,
      peer: open.peer,
      tls: open.tls,
    };
  }

  attach(handler: TransportHandler): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const m of early) handler.onMessage(m);
  }

  send(message: unknown[]): void {
    this.sendSerialized(this.serializer.serialize(message));
  }

  sendSerialized(data: Uint8Array | string): void {
    if (!this.isOpen) return;
    this.link.send(FrameKind.MSG, this.channel, data as Uint8Array);
  }

  /** The owner's session ended (after its GOODBYE or ABORT): close the channel. */
  close(): void {
    this.end({ message: 'closed by the realm owner' });
  }

  /** End the channel; with a `reason`, the accepting instance tells the client why. */
  end(body: CloseBody): void {
    if (!this.isOpen) return;
    this.link.closeChannel(this.channel, body);
    this.onClosed(body);
  }

  onFrame(body: Uint8Array): void {
    if (!this.isOpen) return;
    let m: unknown;
    try {
      m = this.serializer.unserialize(body);
    } catch (e) {
      this.handler?.onProtocolError(e as Error);
      return;
    }
    if (this.handler === undefined) this.early.push(m);
    else this.handler.onMessage(m);
  }

  onClosed(body: CloseBody): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.done(this);
    const h = this.handler;
    if (h !== undefined) queueMicrotask(() => h.onClose({ wasClean: false, reason: body.message }));
  }
}
