/**
 * Builds a web service from its Crossbar.io path config.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebPathConfig } from '@cdc/config';
import type { Router } from '@cdc/router';
import { CallerService, PublisherService } from './bridge.js';
import { JsonService, NodeInfoService, RedirectService } from './simple.js';
import { StaticService } from './static.js';
import { sendText } from './types.js';
import type { WebService } from './types.js';

/** A WebSocket path as seen by plain HTTP: the upgrade itself is handled by the listener. */
class WebSocketPathService implements WebService {
  readonly type = 'websocket';
  handle(_req: IncomingMessage, res: ServerResponse): void {
    sendText(res, 426, 'This is a WAMP WebSocket endpoint: upgrade to WebSocket.\n', {
      Upgrade: 'websocket',
    });
  }
}

export interface WebContext {
  router: Router;
  baseDir: string;
  nodeInfo: () => Record<string, unknown>;
}

export function createWebService(cfg: WebPathConfig, ctx: WebContext): WebService {
  switch (cfg.type) {
    case 'static':
      return new StaticService({
        directory: cfg.directory,
        baseDir: ctx.baseDir,
        cacheTimeout: cfg.options?.cache_timeout,
        defaultFile: cfg.options?.default_file,
        directoryListing: cfg.options?.enable_directory_listing,
      });
    case 'websocket':
      return new WebSocketPathService();
    case 'redirect':
      return new RedirectService(cfg.url, cfg.status);
    case 'nodeinfo':
      return new NodeInfoService(ctx.nodeInfo);
    case 'publisher':
      return new PublisherService(ctx.router, cfg.realm, cfg.role);
    case 'caller':
      return new CallerService(ctx.router, cfg.realm, cfg.role);
    case 'json':
      return new JsonService(cfg.value);
  }
}
