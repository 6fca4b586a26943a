/**
 * Small web services: `redirect`, `json` (a fixed value) and `nodeinfo`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './types.js';
import type { WebService } from './types.js';

export class RedirectService implements WebService {
  readonly type = 'redirect';
  constructor(
    private readonly url: string,
    private readonly status = 302,
  ) {}
  handle(_req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(this.status, { Location: this.url, 'Content-Length': 0 });
    res.end();
  }
}

export class JsonService implements WebService {
  readonly type = 'json';
  constructor(private readonly value: unknown) {}
  handle(_req: IncomingMessage, res: ServerResponse): void {
    sendJson(res, 200, this.value);
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Node and worker information: JSON for programs, a small page for people. */
export class NodeInfoService implements WebService {
  readonly type = 'nodeinfo';
  constructor(private readonly info: () => Record<string, unknown>) {}
  handle(req: IncomingMessage, res: ServerResponse): void {
    const info = this.info();
    const wantsJson =
      (req.headers.accept ?? '').includes('application/json') ||
      (req.url ?? '').includes('format=json');
    if (wantsJson) {
      sendJson(res, 200, info);
      return;
    }
    const rows = Object.entries(info)
      .map(
        ([k, v]) =>
          `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`,
      )
      .join('\n');
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Node info</title></head><body><h1>Node info</h1><table>\n${rows}\n</table></body></html>\n`;
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
    });
    res.end(html);
  }
}
