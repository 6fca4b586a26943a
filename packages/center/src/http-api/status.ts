/**
 * WAMP error URIs to HTTP status codes (SPEC §7), and the JSON error body. One table, also
 * read by the OpenAPI document to list each procedure's error responses.
 * @module
 */
import type { ServerResponse } from 'node:http';
import { CdcErrors } from '@cdc/api';
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';

const BY_URI: Readonly<Record<string, number>> = {
  [WampErrors.INVALID_ARGUMENT]: 400,
  [CdcErrors.INVALID_CONFIG]: 400,
  [CdcErrors.INVALID_NAME]: 400,
  [WampErrors.AUTHENTICATION_FAILED]: 401,
  [WampErrors.NOT_AUTHORIZED]: 403,
  [WampErrors.NO_SUCH_PROCEDURE]: 404,
  [CdcErrors.NO_SUCH_NODE]: 404,
  [CdcErrors.NO_SUCH_WORKER]: 404,
  [CdcErrors.NO_SUCH_ROUTER]: 404,
  [CdcErrors.NO_SUCH_TOKEN]: 404,
  [CdcErrors.UNKNOWN_KEY]: 404,
  [CdcErrors.ROUTER_RUNNING]: 409,
  [CdcErrors.RESTART_REQUIRED]: 409,
  [CdcErrors.ALREADY_EXISTS]: 409,
  [CdcErrors.KEY_IN_USE]: 409,
  [CdcErrors.LAST_OWNER]: 409,
  [CdcErrors.RATE_LIMITED]: 429,
  [CdcErrors.NODE_OFFLINE]: 503,
  [CdcErrors.DATABASE_UNAVAILABLE]: 503,
  [CdcErrors.BACKEND_UNAVAILABLE]: 503,
};

/** What each status stands for in the OpenAPI document. */
export const STATUS_MEANING: Readonly<Record<number, string>> = {
  400: 'invalid argument or configuration, malformed JSON',
  401: 'no, unknown, revoked or expired token',
  403: "not authorized: the token's role may not call this",
  404: 'no such procedure, node, worker, router or token',
  409: 'state conflict (router_running, already_exists, …)',
  413: 'request body too large',
  429: 'rate limited; see Retry-After',
  500: 'any other error',
  503: 'node offline, database or realm backend unavailable; see Retry-After',
};

export function statusOf(uri: string): number {
  return BY_URI[uri] ?? 500;
}

/** Every URI answered with `status` (for the OpenAPI document). */
export function urisOf(status: number): string[] {
  return Object.entries(BY_URI)
    .filter(([, s]) => s === status)
    .map(([u]) => u);
}

export interface ApiError {
  status: number;
  error: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** Seconds, for 429 and 503. */
  retryAfter?: number;
}

export function apiError(
  status: number,
  error: string,
  message: string,
  retryAfter?: number,
): ApiError {
  return {
    status,
    error,
    args: [message],
    kwargs: {},
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

/** A WampError (or anything thrown) as the HTTP answer. */
export function fromWamp(e: unknown): ApiError {
  if (!(e instanceof WampError)) return apiError(500, WampErrors.RUNTIME_ERROR, errorMessage(e));
  const status = statusOf(e.uri);
  return {
    status,
    error: e.uri,
    args: e.args,
    kwargs: e.kwargs,
    ...(status === 503 ? { retryAfter: 5 } : {}),
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  e: ApiError,
  headers: Record<string, string> = {},
): void {
  const h = { ...headers };
  if (e.retryAfter !== undefined) h['Retry-After'] = String(Math.max(1, Math.ceil(e.retryAfter)));
  if (e.status === 401) h['WWW-Authenticate'] = 'Bearer realm="cdc"';
  sendJson(res, e.status, { error: e.error, args: e.args, kwargs: e.kwargs }, h);
}
