/**
 * The center's plain HTTP: `/health` (liveness and what is up), `/metrics` (Prometheus), and
 * `/` (the web UI, when built); `/api/` is the HTTP API's (`http-api/`).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { errorMessage } from '@cdc/protocol';
import { serveClaim } from './sign-in-links.js';
import type { SignInLinks } from './sign-in-links.js';
import type { WebHandler } from './web-ui.js';

export interface HttpContext {
  health(): Promise<{ ok: boolean; body: Record<string, unknown> }>;
  metrics: Registry;
  /** The HTTP API (`/api/…`, SPEC §7): true when it took the request. */
  api?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The web UI's files (`web-ui.ts`), when built. */
  web?: WebHandler | undefined;
  /** One-time sign-in links for the UI (`POST /ui/claim`). */
  signInLinks?: SignInLinks | undefined;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export function httpHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (ctx.api?.(req, res) === true) return;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/ui/claim' && req.method === 'POST' && ctx.signInLinks !== undefined) {
      serveClaim(ctx.signInLinks, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', 'Method Not Allowed\n');
      return;
    }
    if (path === '/health') {
      ctx.health().then(
        (h) =>
          send(res, h.ok ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(h.body)),
        (e: unknown) =>
          send(
            res,
            503,
            'application/json; charset=utf-8',
            JSON.stringify({ status: 'error', error: errorMessage(e) }),
          ),
      );
      return;
    }
    if (path === '/metrics') {
      ctx.metrics.metrics().then(
        (text) => send(res, 200, ctx.metrics.contentType, text),
        (e: unknown) =>
          send(res, 500, 'text/plain; charset=utf-8', `metrics failed: ${errorMessage(e)}\n`),
      );
      return;
    }
    if (ctx.web?.(req, res, path) === true) return;
    if (path === '/') {
      send(
        res,
        200,
        'text/html; charset=utf-8',
        '<!doctype html><html><head><meta charset="utf-8"><title>CDC</title></head><body><h1>CDC — DevOps Center</h1><p>WAMP at <code>/ws</code> (WebSocket) and on this port (RawSocket). Health at <a href="/health">/health</a>, metrics at <a href="/metrics">/metrics</a>. The web UI is not built (<code>npm run build</code>).</p></body></html>\n',
      );
      return;
    }
    send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
  };
}
