/**
 * The router side of WAMP-over-WebSocket for one path: subprotocol negotiation in the
 * client's order of preference, `ws` in noServer mode for the opening handshake (and
 * permessage-deflate when enabled), and the resulting {@link WebSocketTransport}.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { PerMessageDeflateOptions, WebSocketServer } from 'ws';
import {
  RAWSOCKET_MAX_LENGTH,
  SERIALIZERS,
  parseSubprotocol,
  subprotocolName,
  type SerializerId,
} from '@cdc/protocol';
import { Heartbeat } from './heartbeat.js';
import { flattenHeaders } from './peer.js';
import type { ConnectionContext } from './rawsocket-server.js';
import { DEFAULT_MAX_WRITE_BUFFER } from './stream.js';
import { WebSocketTransport } from './websocket-transport.js';
import { ws } from './ws-module.js';

/** WebSocket settings for one path (Crossbar.io's `websocket` transport options). */
export interface WebSocketOptions {
  /** Serializers to speak; default all (`json`, `msgpack`, `cbor`). */
  serializers?: readonly SerializerId[];
  /** Also speak the `.batched` variants; default true. */
  batched?: boolean;
  /** The largest message accepted and sent, in bytes; default 16 MiB. */
  maxMessageSize?: number;
  /**
   * Negotiate permessage-deflate when the client offers it; default false. Compression
   * costs CPU and zlib state per connection: `true` means {@link COMPACT_DEFLATE}
   * (~135 KiB RSS per compressing connection, against ~260 KiB with zlib's defaults and
   * ~15–20 KiB without compression); pass `ws`'s options object for full control.
   */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Ping connections quiet for this long (ms); off by default. */
  autoPingInterval?: number;
  /** Drop a connection that does not answer a ping within this long (ms); default 10 s. */
  autoPingTimeout?: number;
  /** Drop a peer that leaves more than this many bytes unread; default 64 MiB. */
  maxWriteBuffer?: number;
  /**
   * Extra headers for the `101 Switching Protocols` answer to an opening request
   * (e.g. `Set-Cookie` for cookie tracking); called once per accepted upgrade.
   */
  upgradeHeaders?: (req: IncomingMessage) => string[];
  /**
   * Browser origins allowed to open a WebSocket (`*` matches anything, e.g.
   * `https://*.example.com`); requests without an `Origin` header (non-browser clients)
   * are not affected. Default: any origin.
   */
  allowedOrigins?: readonly string[];
  /** Whether `Origin: null` (file://, sandboxed pages) passes `allowedOrigins`; default true. */
  allowNullOrigin?: boolean;
  /** TCP_NODELAY on accepted connections; default true. */
  noDelay?: boolean;
}

/** A test for the `Origin` header, or undefined when any origin may connect. */
function originCheck(options: WebSocketOptions): ((origin: string) => boolean) | undefined {
  const allowed = options.allowedOrigins;
  if (allowed === undefined) return undefined;
  const res = allowed.map(
    (p) =>
      new RegExp(
        `^${p
          .split('*')
          .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      ),
  );
  const allowNull = options.allowNullOrigin ?? true;
  return (origin) => (origin === 'null' ? allowNull : res.some((re) => re.test(origin)));
}

/**
 * permessage-deflate tuned for many long-lived connections: small windows (2 KiB), a low
 * zlib memLevel and 1 KiB output chunks cut per-connection zlib memory roughly in half,
 * at a small cost in ratio for WAMP-sized messages; messages under 512 bytes go
 * uncompressed.
 */
export const COMPACT_DEFLATE: PerMessageDeflateOptions = {
  serverMaxWindowBits: 11,
  clientMaxWindowBits: 11,
  zlibDeflateOptions: { memLevel: 4, chunkSize: 1024 },
  zlibInflateOptions: { chunkSize: 1024 },
  threshold: 512,
};

/** The subprotocols a configuration speaks. */
export function supportedSubprotocols(options: WebSocketOptions = {}): string[] {
  const ids = options.serializers ?? (Object.keys(SERIALIZERS) as SerializerId[]);
  const out = ids.map((id) => subprotocolName(id));
  if (options.batched ?? true) for (const id of ids) out.push(subprotocolName(id, true));
  return out;
}

/** The first subprotocol the client offers (in its order) that we speak. */
export function chooseSubprotocol(
  offered: Iterable<string>,
  supported: ReadonlySet<string>,
): string | undefined {
  for (const p of offered) if (supported.has(p)) return p;
  return undefined;
}

/** Parse a `Sec-WebSocket-Protocol` header into its names, in order. */
export function parseProtocolHeader(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Answer an HTTP request on a raw socket with `status` and a text body, and close. */
export function respondAndClose(socket: Socket, status: number, message: string): void {
  const body = Buffer.from(message + '\n');
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n` +
      body.toString(),
  );
}

export class WebSocketEndpoint {
  readonly subprotocols: readonly string[];
  private readonly supported: ReadonlySet<string>;
  private readonly wss: WebSocketServer;
  private readonly maxMessageSize: number;
  private readonly maxWriteBuffer: number;
  private readonly heartbeat: Heartbeat | undefined;
  private readonly originAllowed: ((origin: string) => boolean) | undefined;
  private readonly noDelay: boolean;

  constructor(
    readonly path: string,
    options: WebSocketOptions = {},
  ) {
    this.subprotocols = supportedSubprotocols(options);
    this.supported = new Set(this.subprotocols);
    this.maxMessageSize = options.maxMessageSize ?? RAWSOCKET_MAX_LENGTH;
    this.maxWriteBuffer = options.maxWriteBuffer ?? DEFAULT_MAX_WRITE_BUFFER;
    this.heartbeat =
      options.autoPingInterval !== undefined && options.autoPingInterval > 0
        ? new Heartbeat(options.autoPingInterval, options.autoPingTimeout ?? 10_000)
        : undefined;
    this.originAllowed = originCheck(options);
    this.noDelay = options.noDelay ?? true;
    const supported = this.supported;
    // The listener has loaded `ws` before it makes endpoints.
    this.wss = new (ws().WebSocketServer)({
      noServer: true,
      clientTracking: false,
      maxPayload: this.maxMessageSize,
      perMessageDeflate:
        options.perMessageDeflate === true ? COMPACT_DEFLATE : (options.perMessageDeflate ?? false),
      // `ws` passes the offered names as a Set in the client's order.
      handleProtocols: (offered: Set<string>) => chooseSubprotocol(offered, supported) ?? false,
    });
    const extra = options.upgradeHeaders;
    if (extra !== undefined) {
      this.wss.on('headers', (headers: string[], req: IncomingMessage) =>
        headers.push(...extra(req)),
      );
    }
  }

  /** Complete a WebSocket upgrade, or refuse a client that offers no subprotocol we speak. */
  handleUpgrade(
    req: IncomingMessage,
    socket: Socket,
    head: Buffer,
    context: ConnectionContext,
    onTransport: (transport: WebSocketTransport) => void,
  ): void {
    const origin = req.headers.origin;
    if (origin !== undefined && this.originAllowed !== undefined && !this.originAllowed(origin)) {
      respondAndClose(socket, 403, `WebSocket connections from origin ${origin} are not allowed.`);
      return;
    }
    if (!this.noDelay) socket.setNoDelay(false);
    const offered = parseProtocolHeader(req.headers['sec-websocket-protocol']);
    const chosen = chooseSubprotocol(offered, this.supported);
    const subprotocol = chosen === undefined ? undefined : parseSubprotocol(chosen);
    if (subprotocol === undefined) {
      const what = offered.length === 0 ? 'no subprotocol' : `only ${offered.join(', ')}`;
      respondAndClose(
        socket,
        400,
        `This is a WAMP endpoint; the client offered ${what}. ` +
          `Supported subprotocols: ${this.subprotocols.join(', ')}.`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WebSocketTransport(ws, socket, {
        serializer: subprotocol.serializer,
        batched: subprotocol.batched,
        // Our own framing unless a compression extension was negotiated.
        direct: ws.extensions === '',
        maxMessageSize: this.maxMessageSize,
        maxWriteBuffer: this.maxWriteBuffer,
        heartbeat: this.heartbeat,
        info: {
          type: 'websocket',
          serializer: subprotocol.serializer.id,
          protocol: chosen,
          peer: context.peer,
          ...context.tls,
          httpHeaders: flattenHeaders(req.headers),
        },
      });
      onTransport(transport);
    });
  }
}
