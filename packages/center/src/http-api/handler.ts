/**
 * The HTTP API (SPEC §7) on the center's port: `POST /api/<procedure>` with a bearer token,
 * `GET /api/events/<topic>` (Server-Sent Events), `GET /api/openapi.json`. A call runs on
 * the token's WAMP session (`sessions.ts`) through the router, so roles, the §4.8 matrix and
 * the audit are those of WAMP; only the public procedures of management realms are reachable
 * (no `wamp.*`, no `crossbarfabriccenter.*`, no global realm procedures: 404).
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CdcErrors, procedureByUri } from '@cdc/api';
import type { ProcedureDef } from '@cdc/api';
import { WampErrors } from '@cdc/protocol';
import type { Logger } from '@cdc/protocol';
import type { AuthConfig, Router } from '@cdc/router';
import type { TokenAuthOptions } from '../tokens/authenticator.js';
import { parseToken } from '../tokens/secret.js';
import { BodyError, parseCallBody, readBody } from './body.js';
import { EventStreams } from './events.js';
import type { HttpApiLimits } from './limits.js';
import { RateLimiter } from './limits.js';
import { openApiDocument } from './openapi.js';
import { TokenSessions } from './sessions.js';
import type { TokenSession } from './sessions.js';
import { apiError, fromWamp, sendError, sendJson } from './status.js';
import type { ApiError } from './status.js';

export interface HttpApiOptions {
  router: Router;
  auth: () => AuthConfig;
  tokens: TokenAuthOptions;
  limits: HttpApiLimits;
  version: string;
  log: Logger;
}

/** Query parameters that look like a credential: refused, tokens go in a header only. */
const CREDENTIAL_PARAMS =
  /(^|&)(token|access_token|api_key|apikey|key|bearer|auth|authorization)=/i;
const EVENTS = '/api/events/';

export class HttpApi {
  readonly sessions: TokenSessions;
  private readonly streams = new EventStreams();
  private readonly limiter: RateLimiter;
  private readonly procedures: Map<string, ProcedureDef>;
  private openapi: string | undefined;

  constructor(private readonly o: HttpApiOptions) {
    this.sessions = new TokenSessions({ router: o.router, auth: o.auth, tokens: o.tokens });
    this.limiter = new RateLimiter(o.limits.ratePerS, o.limits.burst);
    this.procedures = new Map([...procedureByUri()].filter(([, d]) => d.group !== 'registration'));
  }

  /** Serve a request under `/api/`; false for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path !== '/api' && !path.startsWith('/api/')) return false;
    const cors = this.cors(req);
    this.serve(req, res, path, q < 0 ? '' : url.slice(q + 1), cors).catch((e: unknown) => {
      this.o.log.error({ err: (e as Error).message, path }, 'HTTP API request failed');
      sendError(res, fromWamp(e), cors);
    });
    return true;
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: string,
    cors: Record<string, string>,
  ): Promise<void> {
    const fail = (e: ApiError, extra: Record<string, string> = {}): void =>
      sendError(res, e, { ...cors, ...extra });
    if (req.method === 'OPTIONS') {
      if (cors['Access-Control-Allow-Origin'] === undefined)
        return fail(
          apiError(
            405,
            WampErrors.INVALID_ARGUMENT,
            this.o.limits.corsOrigins.length === 0
              ? 'CORS is not enabled on this center'
              : `origin ${JSON.stringify(req.headers.origin ?? null)} may not call this API (CDC_HTTP_CORS_ORIGINS)`,
          ),
        );
      res.writeHead(204, {
        ...cors,
        'Access-Control-Allow-Methods': 'GET, POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (CREDENTIAL_PARAMS.test(query))
      return fail(
        apiError(
          400,
          WampErrors.INVALID_ARGUMENT,
          'tokens go in the Authorization header only, never in the URL',
        ),
      );
    if (path === '/api/openapi.json') {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return fail(apiError(405, WampErrors.INVALID_ARGUMENT, 'use GET'), { Allow: 'GET' });
      this.openapi ??= JSON.stringify(openApiDocument(this.o.version));
      res.writeHead(200, {
        ...cors,
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(this.openapi)),
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : this.openapi);
      return;
    }
    const events = path.startsWith(EVENTS);
    if (events ? req.method !== 'GET' : req.method !== 'POST')
      return fail(apiError(405, WampErrors.INVALID_ARGUMENT, `use ${events ? 'GET' : 'POST'}`), {
        Allow: events ? 'GET' : 'POST',
      });
    let name: string;
    try {
      name = decodeURIComponent(path.slice(events ? EVENTS.length : '/api/'.length));
    } catch {
      return fail(
        apiError(404, WampErrors.NO_SUCH_PROCEDURE, 'the path is not valid percent-encoding'),
      );
    }
    const def = events ? undefined : this.procedures.get(name);
    if (!events && def === undefined)
      return fail(
        apiError(
          404,
          WampErrors.NO_SUCH_PROCEDURE,
          `no public procedure "${name}" (see /api/openapi.json)`,
        ),
      );
    const token = bearer(req);
    if (token === undefined)
      return fail(
        apiError(
          401,
          WampErrors.AUTHENTICATION_FAILED,
          'send an API token: "Authorization: Bearer <token>"',
        ),
      );
    const parsed = parseToken(token);
    if (parsed === undefined)
      return fail(
        apiError(401, WampErrors.AUTHENTICATION_FAILED, 'the bearer token is not a CDC API token'),
      );
    const wait = this.limiter.take(parsed.token_id);
    if (wait > 0)
      return fail(
        apiError(
          429,
          CdcErrors.RATE_LIMITED,
          `too many requests with this token; retry in ${Math.ceil(wait)} s`,
          wait,
        ),
      );
    let body = { args: [] as unknown[], kwargs: {} as Record<string, unknown> };
    if (!events) {
      const read = await this.body(req).catch((e: unknown) => e);
      if (read instanceof BodyError) {
        fail(read.answer, { Connection: 'close' });
        req.socket.destroySoon();
        return;
      }
      if (!(read instanceof Buffer)) throw read;
      try {
        body = parseCallBody(read);
      } catch (e) {
        if (e instanceof BodyError) return fail(e.answer);
        throw e;
      }
    }
    let s: TokenSession;
    try {
      s = await this.sessions.get(token);
    } catch (e) {
      return fail(fromWamp(e));
    }
    if (events) return this.streams.stream(req, res, s, name, cors);
    try {
      const r = await s.session.call(name, body.args, body.kwargs);
      sendJson(res, 200, { args: r.args, kwargs: r.kwargs }, cors);
    } catch (e) {
      const answer = fromWamp(e);
      // The contract has it, the realm's backend has not registered it: it is restarting.
      if (answer.error === WampErrors.NO_SUCH_PROCEDURE)
        return fail(
          apiError(
            503,
            CdcErrors.BACKEND_UNAVAILABLE,
            'the management realm backend is not serving right now',
            5,
          ),
        );
      fail(answer);
    }
  }

  /** The body, within the size cap and the request deadline. */
  private async body(req: IncomingMessage): Promise<Buffer> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new BodyError(
              apiError(
                408,
                WampErrors.TIMEOUT,
                `the request did not arrive within ${this.o.limits.requestTimeoutMs} ms`,
              ),
            ),
          ),
        this.o.limits.requestTimeoutMs,
      );
    });
    try {
      return await Promise.race([readBody(req, this.o.limits.maxBodyBytes), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private cors(req: IncomingMessage): Record<string, string> {
    const allowed = this.o.limits.corsOrigins;
    const origin = req.headers.origin;
    if (allowed.length === 0 || origin === undefined) return {};
    if (!allowed.includes('*') && !allowed.includes(origin)) return {};
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  }

  async close(): Promise<void> {
    this.streams.close();
    await this.sessions.close();
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(h);
  return m?.[1];
}
