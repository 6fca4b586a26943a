/**
 * The HTTP bridge: `publisher` (HTTP POST → publish) and `caller` (HTTP POST → call, the
 * result as JSON), acting on a realm under a configured role, whose permissions apply.
 * Request bodies: `{"topic", "args", "kwargs", "options"}` and `{"procedure", "args", "kwargs"}`.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WampError, WampErrors, isDict, isValidUri, errorMessage } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import type { Router } from '@cdc/router';
import { sendJson } from './types.js';
import type { WebService } from './types.js';

const BODY_LIMIT = 1024 * 1024;

function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(
          new WampError(WampErrors.PAYLOAD_SIZE_EXCEEDED, [`request body over ${limit} bytes`]),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(
          WampError.of(WampErrors.INVALID_ARGUMENT, `request body is not JSON: ${errorMessage(e)}`),
        );
      }
    });
    req.on('error', reject);
  });
}

const STATUS: Record<string, number> = {
  [WampErrors.INVALID_ARGUMENT]: 400,
  [WampErrors.INVALID_URI]: 400,
  [WampErrors.PAYLOAD_SIZE_EXCEEDED]: 413,
  [WampErrors.NOT_AUTHORIZED]: 403,
  [WampErrors.NO_SUCH_PROCEDURE]: 404,
  [WampErrors.NO_SUCH_REALM]: 503,
};

function sendError(res: ServerResponse, e: unknown): void {
  const err = e instanceof WampError ? e : WampError.of(WampErrors.RUNTIME_ERROR, errorMessage(e));
  sendJson(res, STATUS[err.uri] ?? 500, { error: err.uri, args: err.args, kwargs: err.kwargs });
}

interface Body {
  args: unknown[];
  kwargs: Dict;
  options: Dict;
  uri: string;
}

function parseBody(body: unknown, uriField: 'topic' | 'procedure'): Body {
  if (!isDict(body))
    throw WampError.of(WampErrors.INVALID_ARGUMENT, 'request body must be a JSON object');
  const uri = body[uriField];
  if (typeof uri !== 'string' || !isValidUri(uri)) {
    throw WampError.of(WampErrors.INVALID_URI, `"${uriField}" must be a valid URI`);
  }
  const args = body['args'] ?? [];
  const kwargs = body['kwargs'] ?? {};
  const options = body['options'] ?? {};
  if (!Array.isArray(args))
    throw WampError.of(WampErrors.INVALID_ARGUMENT, '"args" must be a list');
  if (!isDict(kwargs))
    throw WampError.of(WampErrors.INVALID_ARGUMENT, '"kwargs" must be an object');
  if (!isDict(options))
    throw WampError.of(WampErrors.INVALID_ARGUMENT, '"options" must be an object');
  return { uri, args, kwargs, options };
}

abstract class BridgeService implements WebService {
  abstract readonly type: string;
  constructor(
    protected readonly router: Router,
    protected readonly realmName: string,
    protected readonly role: string,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' });
      res.end();
      return;
    }
    try {
      const body = await readJson(req, BODY_LIMIT);
      sendJson(res, 200, await this.act(body));
    } catch (e) {
      sendError(res, e);
    }
  }

  protected realm() {
    const realm = this.router.getRealm(this.realmName);
    if (realm === undefined)
      throw WampError.of(WampErrors.NO_SUCH_REALM, `no realm "${this.realmName}"`);
    return realm;
  }

  /** The bridge acts as a session with the configured role; its permissions decide. */
  protected async authorize(uri: string, action: 'publish' | 'call', options: Dict): Promise<void> {
    const realm = this.realm();
    const subject = {
      id: 0,
      authid: `http-${this.type}`,
      authrole: this.role,
      details: () => ({
        session: 0,
        authid: `http-${this.type}`,
        authrole: this.role,
        authmethod: 'http',
        authprovider: 'static',
        authextra: {},
        transport: { type: 'http' },
      }),
    };
    const a = await realm.authorizer.authorize(subject, uri, action, options);
    if (!a.allow)
      throw WampError.of(
        WampErrors.NOT_AUTHORIZED,
        `role "${this.role}" may not ${action} "${uri}"`,
      );
  }

  protected abstract act(body: unknown): Promise<unknown>;
}

export class PublisherService extends BridgeService {
  readonly type = 'publisher';
  protected async act(raw: unknown): Promise<unknown> {
    const b = parseBody(raw, 'topic');
    await this.authorize(b.uri, 'publish', b.options);
    const { acknowledge: _a, exclude_me: _e, ...options } = b.options;
    const id = this.realm().broker.publishInternal(b.uri, {
      args: b.args,
      kwargs: b.kwargs,
      options,
    });
    return { id };
  }
}

export class CallerService extends BridgeService {
  readonly type = 'caller';
  protected async act(raw: unknown): Promise<unknown> {
    const b = parseBody(raw, 'procedure');
    await this.authorize(b.uri, 'call', b.options);
    const r = await this.realm().callInternal(b.uri, b.args, b.kwargs);
    return { args: r.args, kwargs: r.kwargs };
  }
}
