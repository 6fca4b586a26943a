/**
 * The web UI's static files (`apps/web`, built into `apps/web/dist/ui`) at `/`: content types
 * by extension, hashed assets cached for a year and `index.html` revalidated, gzip when the
 * browser takes it (compressed once, kept), a browser navigating to any path without a file extension
 * answered with `index.html` (the UI routes by itself), and nothing outside the folder ever read.
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Where `npm run build` puts the UI in this checkout (`apps/web/dist/ui`). */
/** The policy of the UI's pages; `connect-src 'self'` covers the page's own `ws:`/`wss:`. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function defaultWebRoot(): string {
  // dist/src/web-ui.js → the repository root is four levels up.
  return fileURLToPath(new URL('../../../../apps/web/dist/ui/', import.meta.url));
}

interface File {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  immutable: boolean;
}

export type WebHandler = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

/**
 * A handler for the files under `root`, or `undefined` when there is no built UI there.
 * It answers GET/HEAD for `/` and below and returns false for what it does not serve.
 */
export function webUi(root: string): WebHandler | undefined {
  const base = resolve(root);
  if (!existsSync(join(base, 'index.html'))) return undefined;
  const cache = new Map<string, File>();
  const load = (file: string): File | undefined => {
    const hit = cache.get(file);
    if (hit !== undefined) return hit;
    try {
      if (!statSync(file).isFile()) return undefined;
    } catch {
      return undefined;
    }
    const body = readFileSync(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 512;
    const f: File = {
      body,
      gzip: compressible ? gzipSync(body, { level: 9 }) : undefined,
      type,
      // Vite names what it builds by content hash under assets/.
      immutable: file.startsWith(join(base, 'assets') + sep),
    };
    cache.set(file, f);
    return f;
  };
  return (req, res, path) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return false;
    }
    if (decoded.includes('\0')) return false;
    let file = resolve(base, '.' + decoded);
    // Nothing outside the folder: `..`, encoded or not, ends here.
    if (file !== base && !file.startsWith(base + sep)) return false;
    if (file === base || decoded.endsWith('/')) file = join(base, 'index.html');
    let f = load(file);
    if (f === undefined) {
      // A browser navigating to an app route (`/nodes/n1`) gets the page; a missing file,
      // or a program asking for something else, gets "not found".
      if (extname(decoded) !== '' || !/\btext\/html\b/.test(req.headers.accept ?? '')) return false;
      f = load(join(base, 'index.html'));
      if (f === undefined) return false;
    }
    const gzip = f.gzip !== undefined && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzip ? (f.gzip as Buffer) : f.body;
    res.writeHead(200, {
      'Content-Type': f.type,
      'Content-Length': body.length,
      'Cache-Control': f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
      ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
      ...(f.type.startsWith('text/html')
        ? {
            // Only the UI's own files run, no eval, nothing fetched from elsewhere, not framed
            // (the UI bundles the serializers' builds without eval: apps/web/vite.config.mjs).
            'Content-Security-Policy': CSP,
            'X-Frame-Options': 'DENY',
          }
        : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
