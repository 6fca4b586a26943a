/**
 * From a Crossbar.io transport config to a running listener whose connections become
 * router sessions under the settings of the path (or RawSocket) they came in on: auth,
 * cookie tracking, debug logging. WebSocket paths can be added and removed live.
 * @module
 */
import type {
  RawSocketServiceConfig,
  TransportConfig,
  WebPathConfig,
  WebSocketServiceConfig,
} from '@cdc/config';
import type { AcceptOptions, AuthConfig, Router } from '@cdc/router';
import { listen } from '@cdc/transport';
import type {
  ListenOptions,
  Listener,
  RawSocketOptions,
  TransportMeta,
  WebSocketOptions,
} from '@cdc/transport';
import { CookieTracker } from './cookies.js';
import { listenerLimits } from './limits.js';
import { toEndpoint } from './tls.js';
import { WebTree } from './web/tree.js';
import { createWebService } from './web/services.js';
import type { WebContext } from './web/services.js';

/** Accept any path for a plain `websocket` transport, as Crossbar.io does. */
export const ANY_PATH = '*';

type PerMessageDeflateOptions = Exclude<WebSocketOptions['perMessageDeflate'], boolean | undefined>;

/** Crossbar.io's `compression.deflate` settings as `ws` takes them. */
function deflateOptions(
  c: NonNullable<WebSocketServiceConfig['options']>['compression'],
): PerMessageDeflateOptions | boolean {
  const d = c?.deflate;
  if (d === undefined) return false;
  const o: PerMessageDeflateOptions = { threshold: 0 };
  if (d.no_context_takeover !== undefined) o.serverNoContextTakeover = d.no_context_takeover;
  if (d.request_no_context_takeover !== undefined)
    o.clientNoContextTakeover = d.request_no_context_takeover;
  if (d.max_window_bits !== undefined) o.serverMaxWindowBits = d.max_window_bits;
  if (d.request_max_window_bits !== undefined) o.clientMaxWindowBits = d.request_max_window_bits;
  if (d.memory_level !== undefined) o.zlibDeflateOptions = { memLevel: d.memory_level };
  // None set: the compact defaults (transport's COMPACT_DEFLATE).
  return Object.keys(o).length === 1 ? true : o;
}

export function webSocketOptions(cfg: WebSocketServiceConfig): WebSocketOptions {
  const o: WebSocketOptions = {};
  if (cfg.serializers !== undefined) o.serializers = cfg.serializers;
  const opts = cfg.options ?? {};
  if (opts.max_message_size !== undefined) o.maxMessageSize = opts.max_message_size;
  if (opts.auto_ping_interval !== undefined) o.autoPingInterval = opts.auto_ping_interval;
  if (opts.auto_ping_timeout !== undefined) o.autoPingTimeout = opts.auto_ping_timeout;
  if (opts.compression !== undefined) o.perMessageDeflate = deflateOptions(opts.compression);
  if (opts.enable_batched !== undefined) o.batched = opts.enable_batched;
  if (opts.allowed_origins !== undefined) o.allowedOrigins = opts.allowed_origins;
  if (opts.allow_null_origin !== undefined) o.allowNullOrigin = opts.allow_null_origin;
  if (opts.tcp_nodelay !== undefined) o.noDelay = opts.tcp_nodelay;
  return o;
}

export function rawSocketOptions(cfg: RawSocketServiceConfig): RawSocketOptions {
  const o: RawSocketOptions = {};
  if (cfg.serializers !== undefined) o.serializers = cfg.serializers;
  if (cfg.max_message_size !== undefined) o.maxMessageSize = cfg.max_message_size;
  return o;
}

/** What sessions arriving on one WebSocket path (or the RawSocket side) are accepted with. */
interface Service {
  auth: AuthConfig | undefined;
  debug: boolean;
  cookies: CookieTracker | undefined;
}

export interface StartedTransport {
  listener: Listener;
  /** The web paths of `web` and `universal` transports. */
  web: WebTree | undefined;
  /** Serve a `websocket` web service on a running transport. */
  addWebSocket(path: string, cfg: WebSocketServiceConfig): Promise<void>;
  /** Stop serving a WebSocket path (false if it was not served). */
  removeWebSocket(path: string): boolean;
  /** Stop everything the transport holds besides the listener (cookie store files). */
  dispose(): void;
}

function mount(path: string): string {
  return path === '/' ? '/' : `/${path.replace(/^\/+/, '')}`;
}

/** The listener's opening-handshake deadline: the shortest `open_handshake_timeout` asked for. */
function handshakeTimeout(services: WebSocketServiceConfig[]): number | undefined {
  const ms = services
    .map((s) => s.options?.open_handshake_timeout)
    .filter((v): v is number => v !== undefined && v > 0);
  return ms.length > 0 ? Math.min(...ms) : undefined;
}

export async function startTransport(
  router: Router,
  cfg: TransportConfig,
  ctx: WebContext,
): Promise<StartedTransport> {
  const endpoint = toEndpoint(cfg.endpoint, ctx.baseDir);
  const ws = new Map<string, Service>();
  let raw: Service | undefined;
  let web: WebTree | undefined;
  const wsConfigs: WebSocketServiceConfig[] = [];
  const limits = listenerLimits(router);

  const service = (s: WebSocketServiceConfig): Service => ({
    auth: s.auth,
    debug: s.debug === true,
    cookies: s.cookie !== undefined ? new CookieTracker(s.cookie, ctx.baseDir) : undefined,
  });
  const wsOptions = (s: WebSocketServiceConfig, svc: Service): WebSocketOptions => {
    const o = webSocketOptions(s);
    if (limits.maxWriteBuffer !== undefined) o.maxWriteBuffer = limits.maxWriteBuffer;
    const cookies = svc.cookies;
    if (cookies !== undefined) o.upgradeHeaders = (req) => cookies.upgradeHeaders(req);
    return o;
  };
  const onTransport: ListenOptions['onTransport'] = (t, meta: TransportMeta) => {
    const svc = meta.kind === 'rawsocket' ? raw : (ws.get(meta.path ?? '') ?? ws.get(ANY_PATH));
    const accept: AcceptOptions = { auth: svc?.auth, debug: svc?.debug };
    if (meta.kind === 'websocket') accept.cookie = svc?.cookies?.sessionFor(meta.request);
    router.accept(t, accept);
  };
  const opts: ListenOptions = {
    endpoint,
    onTransport,
    maxPendingPerAddress: limits.maxPendingPerAddress,
  };
  const rawOptions = (c: RawSocketServiceConfig): RawSocketOptions => {
    const o = rawSocketOptions(c);
    if (limits.maxWriteBuffer !== undefined) o.maxWriteBuffer = limits.maxWriteBuffer;
    return o;
  };
  const addWs = (path: string, s: WebSocketServiceConfig): void => {
    const svc = service(s);
    ws.set(path, svc);
    wsConfigs.push(s);
    opts.websocket = { ...opts.websocket, [path]: wsOptions(s, svc) };
  };
  const addWeb = (paths: Record<string, WebPathConfig>): void => {
    web = new WebTree();
    const tree = web;
    opts.websocket ??= {};
    for (const [path, p] of Object.entries(paths)) {
      tree.set(path, createWebService(p, ctx), p);
      if (p.type === 'websocket') addWs(mount(path), p);
    }
    opts.http = (req, res) => tree.handle(req, res);
  };
  switch (cfg.type) {
    case 'websocket':
      addWs(ANY_PATH, cfg);
      break;
    case 'rawsocket':
      opts.rawsocket = rawOptions(cfg);
      raw = { auth: cfg.auth, debug: cfg.debug === true, cookies: undefined };
      break;
    case 'universal':
      if (cfg.rawsocket !== undefined) {
        opts.rawsocket = rawOptions(cfg.rawsocket);
        raw = { auth: cfg.rawsocket.auth, debug: cfg.rawsocket.debug === true, cookies: undefined };
      }
      addWeb(cfg.web?.paths ?? {});
      for (const [path, s] of Object.entries(cfg.websocket ?? {})) addWs(mount(path), s);
      break;
    case 'web':
      addWeb(cfg.paths);
      break;
  }
  const timeout = handshakeTimeout(wsConfigs);
  if (timeout !== undefined) opts.handshakeTimeoutMs = timeout;
  const dispose = (): void => {
    for (const s of ws.values()) s.cookies?.close();
  };
  let listener: Listener;
  try {
    listener = await listen(opts);
  } catch (e) {
    dispose();
    throw e;
  }
  return {
    listener,
    web,
    async addWebSocket(path, s) {
      const p = mount(path);
      const svc = service(s);
      try {
        await listener.addWebSocketPath(p, wsOptions(s, svc));
      } catch (e) {
        svc.cookies?.close();
        throw e;
      }
      ws.set(p, svc);
    },
    removeWebSocket(path) {
      const p = mount(path);
      ws.get(p)?.cookies?.close();
      ws.delete(p);
      return listener.removeWebSocketPath(p);
    },
    dispose,
  };
}
