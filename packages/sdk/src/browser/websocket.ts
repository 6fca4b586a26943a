/**
 * WAMP over the browser's `WebSocket` (any object with its API will do: the `ws` package's
 * in Node tests), as the protocol package's `Transport`. The serializers are the pure ones
 * of `@cdc/protocol` (JSON, MessagePack, CBOR), offered in the order given.
 * @module
 */
import { SERIALIZERS, parseSubprotocol, subprotocolName } from '@cdc/protocol';
import type {
  CloseDetails,
  Serializer,
  SerializerId,
  Transport,
  TransportHandler,
  TransportInfo,
} from '@cdc/protocol';

/** The part of the WebSocket API used here. */
export interface WebSocketLike {
  readonly protocol: string;
  readonly readyState: number;
  binaryType: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string | ArrayBufferView | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols: string[]) => WebSocketLike;

export interface BrowserWebSocketOptions {
  /** Serializers to offer, most preferred first (default `json`, `msgpack`, `cbor`). */
  serializers?: readonly SerializerId[] | undefined;
  /** Give up on the opening handshake after this long (ms, default 10 000). */
  timeoutMs?: number | undefined;
  /** The WebSocket class (default the global one). */
  WebSocket?: WebSocketConstructor | undefined;
}

const OPEN = 1;

class BrowserWebSocketTransport implements Transport {
  readonly info: TransportInfo;
  private handler: TransportHandler | undefined;
  private early: (['m', unknown] | ['c', CloseDetails])[] = [];
  private closed = false;

  constructor(
    private readonly ws: WebSocketLike,
    readonly serializer: Serializer,
    url: string,
  ) {
    this.info = {
      type: 'websocket',
      serializer: serializer.id,
      protocol: ws.protocol,
      peer: url,
      tls: url.startsWith('wss:'),
    };
    ws.onmessage = (ev) => this.received(ev.data);
    ws.onclose = (ev) => this.ended({ wasClean: ev.wasClean, code: ev.code, reason: ev.reason });
    ws.onerror = () => undefined; // a close event follows
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === OPEN;
  }

  attach(handler: TransportHandler): void {
    if (this.handler !== undefined) throw new Error('transport handler already attached');
    this.handler = handler;
    for (const e of this.early.splice(0)) {
      if (e[0] === 'm') handler.onMessage(e[1]);
      else handler.onClose(e[1]);
    }
  }

  send(message: unknown[]): void {
    this.sendSerialized(this.serializer.serialize(message));
  }

  sendSerialized(data: Uint8Array | string): void {
    if (this.isOpen) this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    if (this.closed) return;
    // Browsers accept only 1000 and 3000-4999 from applications.
    const ok = code === 1000 || (code !== undefined && code >= 3000 && code <= 4999);
    if (ok) this.ws.close(code, reason);
    else this.ws.close();
  }

  private received(data: unknown): void {
    let message: unknown;
    try {
      const frame =
        typeof data === 'string'
          ? data
          : data instanceof ArrayBuffer
            ? new Uint8Array(data)
            : ArrayBuffer.isView(data)
              ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
              : undefined;
      if (frame === undefined) throw new Error('a WebSocket frame of an unknown kind');
      message = this.serializer.unserialize(frame);
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (this.handler !== undefined) this.handler.onProtocolError(error);
      this.close(1002);
      return;
    }
    if (this.handler !== undefined) this.handler.onMessage(message);
    else this.early.push(['m', message]);
  }

  private ended(details: CloseDetails): void {
    if (this.closed) return;
    this.closed = true;
    if (this.handler !== undefined) this.handler.onClose(details);
    else this.early.push(['c', details]);
  }
}

/** Open a WebSocket to `url` and negotiate a WAMP subprotocol. */
export function connectWebSocket(
  url: string,
  options: BrowserWebSocketOptions = {},
): Promise<Transport> {
  const Ctor =
    options.WebSocket ??
    (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket ??
    undefined;
  if (Ctor === undefined) return Promise.reject(new Error('this runtime has no WebSocket'));
  const offered = (options.serializers ?? ['json', 'msgpack', 'cbor']).map((s) =>
    subprotocolName(s),
  );
  return new Promise((resolve, reject) => {
    let ws: WebSocketLike;
    try {
      ws = new Ctor(url, offered);
    } catch (e) {
      reject(
        new Error(`invalid WebSocket URL ${url}: ${e instanceof Error ? e.message : String(e)}`),
      );
      return;
    }
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      fail(`no answer within ${options.timeoutMs ?? 10_000} ms`);
    }, options.timeoutMs ?? 10_000);
    const fail = (why: string): void => {
      clearTimeout(timer);
      ws.onopen = ws.onclose = ws.onerror = null;
      try {
        ws.close();
      } catch {
        // never opened
      }
      reject(new Error(`WebSocket connection to ${url} failed: ${why}`));
    };
    ws.onerror = () => undefined;
    ws.onclose = (ev) => fail(`closed (${ev.code}${ev.reason !== '' ? ` ${ev.reason}` : ''})`);
    ws.onopen = () => {
      clearTimeout(timer);
      const sub = parseSubprotocol(ws.protocol);
      if (sub === undefined || sub.batched) {
        fail(`the server chose no WAMP subprotocol (${ws.protocol})`);
        return;
      }
      ws.onopen = null;
      resolve(new BrowserWebSocketTransport(ws, SERIALIZERS[sub.serializer.id], url));
    };
  });
}
