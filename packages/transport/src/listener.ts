/**
 * One listener for everything a Crossbar.io transport config asks for: WebSocket on
 * configured paths, RawSocket, plain HTTP, or all of them on one port ("universal": a
 * first byte 0x7F selects RawSocket, anything else is HTTP) — over TCP, TLS (detected
 * after the TLS handshake, so universal works on TLS too) or a Unix socket.
 *
 * Per-connection bookkeeping is kept to set entries and shared listener functions (no
 * closures or timers per connection) so idle sessions stay small.
 * @module
 */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { RAWSOCKET_MAGIC, type Transport } from '@cdc/protocol';
import { bindServer, type Endpoint, type ListenerAddress } from './endpoint.js';
import { HandshakeWatch } from './handshake-watch.js';
import {
  AddressGate,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_PENDING_PER_ADDRESS,
  TLS_MIN_VERSION,
} from './limits.js';
import { peerOf, tlsDetails } from './peer.js';
import {
  RawSocketAcceptor,
  type ConnectionContext,
  type RawSocketOptions,
} from './rawsocket-server.js';
import type { StreamTransport } from './stream.js';
import { WebSocketEndpoint, respondAndClose, type WebSocketOptions } from './websocket-server.js';
import { loadWs } from './ws-module.js';

/** How a transport came in. */
export interface TransportMeta {
  kind: 'websocket' | 'rawsocket';
  /** The WebSocket path it was accepted on. */
  path?: string;
  /** The WebSocket opening request (URL, headers, cookies); read it synchronously. */
  request?: IncomingMessage;
}

export interface ListenOptions {
  endpoint: Endpoint;
  /** WebSocket endpoints by path (`/ws`; a missing leading slash is added). */
  websocket?: Record<string, WebSocketOptions>;
  rawsocket?: RawSocketOptions;
  /** Plain HTTP requests (anything not a WebSocket upgrade on a configured path). */
  http?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Each established transport; attach a handler to it. */
  onTransport(transport: Transport, meta: TransportMeta): void;
  /** Drop connections that have not completed a handshake or HTTP request in time; 10 s. */
  handshakeTimeoutMs?: number;
  /** Connections per source address still in their opening handshake; more are dropped. 256. */
  maxPendingPerAddress?: number;
}

export interface Listener {
  readonly address: ListenerAddress;
  /** Open connections (transports, HTTP and unfinished handshakes). */
  readonly connections: number;
  /**
   * A URL clients can connect to: WebSocket for a path (`ws://…/ws`, `wss://`,
   * `ws+unix:/sock:/ws`), RawSocket without one (`rs://`, `rss://`, `unix:/sock`).
   */
  url(path?: string): string;
  /**
   * Serve WebSocket on one more path, live (a `websocket` web service started on a running
   * transport). Connections arrive through the same `onTransport`.
   * @throws Error when the path is served already, or the listener has no HTTP side.
   */
  addWebSocketPath(path: string, options: WebSocketOptions): Promise<void>;
  /** Stop accepting WebSocket upgrades on a path (open connections stay); false if none. */
  removeWebSocketPath(path: string): boolean;
  /** Stop listening and close every connection (WebSocket: close code 1001). */
  close(): Promise<void>;
}

/** How long `close()` waits for closing handshakes before dropping connections. */
const CLOSE_GRACE_MS = 2000;
const kListener = Symbol('listener');
type TrackedSocket = Socket & { [kListener]: NodeListener };

function onTrackedClose(this: TrackedSocket): void {
  this[kListener].untrack(this);
}
function ignoreError(): void {
  // Socket errors surface as 'close'; without a listener they would be fatal.
}

function normalizePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

class NodeListener implements Listener {
  address!: ListenerAddress;
  private readonly server: Server;
  private readonly tls: boolean;
  /** Accepted TCP/Unix sockets (under TLS: the raw sockets below it). */
  private readonly sockets = new Set<Socket>();
  private readonly websockets = new Set<StreamTransport>();
  private readonly paths = new Map<string, WebSocketEndpoint>();
  private readonly raw: RawSocketAcceptor | undefined;
  private readonly httpServer: HttpServer | undefined;
  private readonly watch: HandshakeWatch;
  private readonly gate: AddressGate;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ListenOptions) {
    const endpoint = options.endpoint;
    const handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.watch = new HandshakeWatch(handshakeTimeoutMs);
    this.gate = new AddressGate(options.maxPendingPerAddress ?? DEFAULT_MAX_PENDING_PER_ADDRESS);
    for (const [path, ws] of Object.entries(options.websocket ?? {}))
      this.paths.set(normalizePath(path), new WebSocketEndpoint(normalizePath(path), ws));
    if (options.rawsocket !== undefined) this.raw = new RawSocketAcceptor(options.rawsocket);
    if (this.paths.size > 0 || options.http !== undefined || this.raw === undefined) {
      const http = createHttpServer();
      http.on('request', (req, res) => this.onRequest(req, res));
      http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
        this.onUpgrade(req, socket, head),
      );
      this.httpServer = http;
    }
    const tlsOptions = endpoint.type === 'tcp' ? endpoint.tls : undefined;
    this.tls = tlsOptions !== undefined;
    if (tlsOptions !== undefined) {
      const server = createTlsServer({
        handshakeTimeout: handshakeTimeoutMs,
        minVersion: TLS_MIN_VERSION,
        ...tlsOptions,
      });
      server.on('secureConnection', (s: TLSSocket) => this.dispatch(s));
      server.on('tlsClientError', ignoreError);
      this.server = server;
    } else this.server = createNetServer();
    this.server.on('connection', (s: Socket) => this.onConnection(s));
  }

  async open(): Promise<this> {
    this.address = await bindServer(this.server, this.options.endpoint);
    return this;
  }

  get connections(): number {
    return this.sockets.size;
  }

  url(path?: string): string {
    const a = this.address;
    if (a.type === 'unix')
      return path === undefined ? `unix:${a.path}` : `ws+unix:${a.path}:${normalizePath(path)}`;
    let host = a.host;
    if (host === '0.0.0.0') host = '127.0.0.1';
    else if (host === '::') host = '::1';
    if (host.includes(':')) host = `[${host}]`;
    if (path === undefined) return `${this.tls ? 'rss' : 'rs'}://${host}:${a.port}`;
    return `${this.tls ? 'wss' : 'ws'}://${host}:${a.port}${normalizePath(path)}`;
  }

  async addWebSocketPath(path: string, options: WebSocketOptions): Promise<void> {
    const p = normalizePath(path);
    if (this.httpServer === undefined) throw new Error('this listener serves RawSocket only');
    if (this.paths.has(p)) throw new Error(`WebSocket path ${p} is served already`);
    await loadWs();
    this.paths.set(p, new WebSocketEndpoint(p, options));
  }

  removeWebSocketPath(path: string): boolean {
    return this.paths.delete(normalizePath(path));
  }

  /** @internal A tracked socket closed. */
  untrack(socket: Socket): void {
    this.sockets.delete(socket);
    this.handshakeDone(socket);
  }

  private handshakeDone(socket: Socket): void {
    this.watch.release(socket);
    this.gate.leave(socket);
  }

  private onConnection(socket: Socket): void {
    if (this.closing !== undefined) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    (socket as TrackedSocket)[kListener] = this;
    socket.on('close', onTrackedClose);
    socket.on('error', ignoreError);
    socket.setNoDelay(true);
    if (!this.tls) this.dispatch(socket);
  }

  /** Route a connection (after TLS, if any) to RawSocket or HTTP. */
  private dispatch(socket: Socket): void {
    if (!this.gate.enter(socket)) {
      socket.destroy();
      return;
    }
    if (this.tls) {
      socket.on('error', ignoreError);
      // Plain sockets leave the gate in `untrack`; a TLS socket is not the tracked one.
      socket.once('close', () => this.gate.leave(socket));
    }
    this.watch.watch(socket);
    const http = this.httpServer;
    const raw = this.raw;
    if (raw === undefined) {
      http?.emit('connection', socket);
      return;
    }
    if (http === undefined) {
      raw.accept(socket, undefined, this.context(socket), (t) =>
        this.accepted(t, socket, { kind: 'rawsocket' }),
      );
      return;
    }
    // Universal: look at the first byte.
    socket.once('data', (chunk: Buffer) => {
      if (chunk[0] === RAWSOCKET_MAGIC) {
        raw.accept(socket, chunk, this.context(socket), (t) =>
          this.accepted(t, socket, { kind: 'rawsocket' }),
        );
        return;
      }
      // Give the bytes back and let the HTTP server take the socket. It reads further data
      // straight from the handle; resuming on the next tick feeds it the returned chunk
      // first, before any new data can arrive from the event loop.
      socket.pause();
      socket.unshift(chunk);
      http.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  }

  /** The WebSocket endpoint for a path; `*` is a catch-all (Crossbar.io's `websocket` transport takes any path). */
  private endpointFor(path: string): WebSocketEndpoint | undefined {
    return this.paths.get(path) ?? this.paths.get('/*');
  }

  private context(socket: Socket): ConnectionContext {
    const a = this.options.endpoint;
    return {
      peer: peerOf(socket, a.type === 'unix' ? a.path : undefined),
      tls: tlsDetails(socket, true),
    };
  }

  private accepted(transport: StreamTransport, socket: Socket, meta: TransportMeta): void {
    this.handshakeDone(socket);
    if (meta.kind === 'websocket') {
      transport.registry = this.websockets;
      this.websockets.add(transport);
    }
    if (this.closing !== undefined) transport.close(1001, 'server shutting down');
    try {
      this.options.onTransport(transport, meta);
    } catch {
      transport.close(1011, 'internal error');
    }
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // From here on the HTTP server's own keep-alive timeout governs the connection.
    this.handshakeDone(req.socket);
    const handler = this.options.http;
    if (handler !== undefined) {
      handler(req, res);
      return;
    }
    const ws = this.endpointFor(pathOf(req)) !== undefined;
    res.writeHead(ws ? 426 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(ws ? 'This is a WAMP WebSocket endpoint: upgrade to WebSocket.\n' : 'Not Found\n');
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const path = pathOf(req);
    const endpoint = this.endpointFor(path);
    if (endpoint === undefined || this.closing !== undefined) {
      respondAndClose(socket, endpoint === undefined ? 404 : 503, 'No WebSocket endpoint here.');
      return;
    }
    endpoint.handleUpgrade(req, socket, head, this.context(socket), (t) =>
      this.accepted(t, socket, { kind: 'websocket', path, request: req }),
    );
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.watch.stop();
      // Transports get a grace period for their closing handshakes; other plain
      // connections (HTTP, unfinished handshakes) go now, and everything after the grace.
      const busy = new Set<Socket>();
      for (const set of [this.websockets, this.raw?.open ?? new Set<StreamTransport>()]) {
        for (const t of set) {
          busy.add(t.rawSocket);
          t.close(1001, 'server shutting down');
        }
      }
      if (!this.tls) for (const s of this.sockets) if (!busy.has(s)) s.destroy();
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
        for (const t of busy) t.destroy();
      }, CLOSE_GRACE_MS).unref();
    });
    return this.closing;
  }
}

/** Open a listener. @throws ListenError when the endpoint cannot be bound (e.g. port in use). */
export async function listen(options: ListenOptions): Promise<Listener> {
  if (Object.keys(options.websocket ?? {}).length > 0) await loadWs();
  return new NodeListener(options).open();
}
