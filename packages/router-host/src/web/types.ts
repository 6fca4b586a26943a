/**
 * A web service mounted at a path of a `web` or `universal` transport.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface WebService {
  readonly type: string;
  /** Serve a request; `rest` is the URL path below the mount point, without leading `/`. */
  handle(req: IncomingMessage, res: ServerResponse, rest: string): void | Promise<void>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(data),
  });
  res.end(data);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
