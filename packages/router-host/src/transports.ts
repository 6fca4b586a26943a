/**
 * From a Crossbar.io transport config to a running listener whose connections become
 * router sessions under the auth config of the path (or RawSocket) they came in on.
 * @module
 */
import type {
  RawSocketServiceConfig,
  TransportConfig,
  WebPathConfig,
  WebSocketServiceConfig,
} from '@cdc/config';
import type { AuthConfig, Router } from '@cdc/router';
import { listen } from '@cdc/transport';
import type { ListenOptions, Listener, RawSocketOptions, WebSocketOptions } from '@cdc/transport';
import { toEndpoint } from './tls.js';
import { WebTree } from './web/tree.js';
import { createWebService } from './web/services.js';
import type { WebContext } from './web/services.js';

/** Accept any path for a plain `websocket` transport, as Crossbar.io does. */
export const ANY_PATH = '*';

export function webSocketOptions(cfg: WebSocketServiceConfig): WebSocketOptions {
  const o: WebSocketOptions = {};
  if (cfg.serializers !== undefined) o.serializers = cfg.serializers;
  const opts = cfg.options ?? {};
  if (opts.max_message_size !== undefined) o.maxMessageSize = opts.max_message_size;
  if (opts.auto_ping_interval !== undefined) o.autoPingInterval = opts.auto_ping_interval;
  if (opts.auto_ping_timeout !== undefined) o.autoPingTimeout = opts.auto_ping_timeout;
  if (opts.compression !== undefined) o.perMessageDeflate = 'deflate' in opts.compression;
  if (opts.enable_batched !== undefined) o.batched = opts.enable_batched;
  return o;
}

export function rawSocketOptions(cfg: RawSocketServiceConfig): RawSocketOptions {
  const o: RawSocketOptions = {};
  if (cfg.serializers !== undefined) o.serializers = cfg.serializers;
  if (cfg.max_message_size !== undefined) o.maxMessageSize = cfg.max_message_size;
  return o;
}

export interface StartedTransport {
  listener: Listener;
  /** The web paths of `web` and `universal` transports. */
  web: WebTree | undefined;
}

function mount(path: string): string {
  return path === '/' ? '/' : `/${path.replace(/^\/+/, '')}`;
}

export async function startTransport(
  router: Router,
  cfg: TransportConfig,
  ctx: WebContext,
): Promise<StartedTransport> {
  const endpoint = toEndpoint(cfg.endpoint, ctx.baseDir);
  const wsAuth = new Map<string, AuthConfig | undefined>();
  let rawAuth: AuthConfig | undefined;
  let web: WebTree | undefined;
  const opts: ListenOptions = {
    endpoint,
    onTransport: (t, meta) => {
      const auth =
        meta.kind === 'rawsocket' ? rawAuth : (wsAuth.get(meta.path ?? '') ?? wsAuth.get(ANY_PATH));
      router.accept(t, { auth });
    },
  };
  const addWeb = (paths: Record<string, WebPathConfig>): void => {
    web = new WebTree();
    const tree = web;
    opts.websocket ??= {};
    for (const [path, p] of Object.entries(paths)) {
      tree.set(path, createWebService(p, ctx), p);
      if (p.type === 'websocket') {
        opts.websocket[mount(path)] = webSocketOptions(p);
        wsAuth.set(mount(path), p.auth);
      }
    }
    opts.http = (req, res) => tree.handle(req, res);
  };
  switch (cfg.type) {
    case 'websocket':
      opts.websocket = { [ANY_PATH]: webSocketOptions(cfg) };
      wsAuth.set(ANY_PATH, cfg.auth);
      break;
    case 'rawsocket':
      opts.rawsocket = rawSocketOptions(cfg);
      rawAuth = cfg.auth;
      break;
    case 'universal':
      if (cfg.rawsocket !== undefined) {
        opts.rawsocket = rawSocketOptions(cfg.rawsocket);
        rawAuth = cfg.rawsocket.auth;
      }
      addWeb(cfg.web?.paths ?? {});
      for (const [path, ws] of Object.entries(cfg.websocket ?? {})) {
        opts.websocket = { ...opts.websocket, [mount(path)]: webSocketOptions(ws) };
        wsAuth.set(mount(path), ws.auth);
      }
      break;
    case 'web':
      addWeb(cfg.paths);
      break;
  }
  const listener = await listen(opts);
  return { listener, web };
}
