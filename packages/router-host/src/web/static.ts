/**
 * `static`: files from a directory with the right content types, validators (ETag,
 * Last-Modified) and caching headers; an index file for directories, listings on request.
 * @module
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, join, resolve, sep } from 'node:path';
import { sendText } from './types.js';
import type { WebService } from './types.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.csv': 'text/csv; charset=utf-8',
};

export interface StaticOptions {
  directory: string;
  baseDir: string;
  cacheTimeout?: number | undefined;
  defaultFile?: string | undefined;
  directoryListing?: boolean | undefined;
}

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class StaticService implements WebService {
  readonly type = 'static';
  private readonly root: string;
  /** Crossbar.io's default cache timeout: 12 hours. */
  private readonly maxAge: number;

  constructor(private readonly opts: StaticOptions) {
    this.root = isAbsolute(opts.directory) ? opts.directory : resolve(opts.baseDir, opts.directory);
    this.maxAge = opts.cacheTimeout ?? 12 * 3600;
  }

  async handle(req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(rest);
    } catch {
      sendText(res, 400, 'Bad Request\n');
      return;
    }
    const path = resolve(this.root, '.' + sep + rel);
    if (rel.includes('\0') || (path !== this.root && !path.startsWith(this.root + sep))) {
      sendText(res, 403, 'Forbidden\n');
      return;
    }
    let st = await stat(path).catch(() => undefined);
    let file = path;
    if (st?.isDirectory() === true) {
      const index = join(path, this.opts.defaultFile ?? 'index.html');
      const ist = await stat(index).catch(() => undefined);
      if (ist?.isFile() === true) {
        file = index;
        st = ist;
      } else if (this.opts.directoryListing === true) {
        await this.listing(res, path, rel);
        return;
      } else st = undefined;
    }
    if (st === undefined || !st.isFile()) {
      sendText(res, 404, 'Not Found\n');
      return;
    }
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      'Content-Type': contentType(file),
      'Last-Modified': st.mtime.toUTCString(),
      ETag: etag,
      'Cache-Control': this.maxAge > 0 ? `public, max-age=${this.maxAge}` : 'no-cache',
    };
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const fresh =
      inm !== undefined
        ? inm.split(',').some((t) => t.trim() === etag)
        : ims !== undefined && Math.floor(st.mtimeMs / 1000) <= Math.floor(Date.parse(ims) / 1000);
    if (fresh) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    headers['Content-Length'] = st.size;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  private async listing(res: ServerResponse, dir: string, rel: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    const items = entries
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort()
      .map(
        (n) =>
          `<li><a href="${encodeURIComponent(n).replace(/%2F$/, '/')}">${escapeHtml(n)}</a></li>`,
      )
      .join('\n');
    const title = escapeHtml(`/${rel}`);
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><ul>\n${items}\n</ul></body></html>\n`;
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-cache',
    });
    res.end(html);
  }
}
