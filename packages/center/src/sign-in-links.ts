/**
 * One-time sign-in links for the web UI (the quickstart's way in for the local owner): the
 * center makes a random token for a realm and role, good once and for a few minutes; the UI
 * opened at `/#claim=<token>` posts its browser key's public key with it to `POST /ui/claim`,
 * and the key is granted. Tokens live in memory only, so a restart forgets them, and only
 * their hashes are kept.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DomainStore, RealmRole } from '@cdc/store';
import { errorMessage } from '@cdc/protocol';

interface Link {
  realm: string;
  role: RealmRole;
  expires: number;
}

const PUBKEY = /^[0-9a-f]{64}$/;
const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

export class SignInLinks {
  readonly #links = new Map<string, Link>();

  constructor(private readonly domain: () => DomainStore) {}

  /** A token that grants one browser key `role` in `realm`, once, within `ttlMs`. */
  create(realm: string, role: RealmRole, ttlMs = 10 * 60_000): string {
    const token = randomBytes(24).toString('base64url');
    this.#links.set(hash(token), { realm, role, expires: Date.now() + ttlMs });
    return token;
  }

  /** Spend `token` on `pubkey`: the grant made, or why not. */
  async claim(token: string, pubkey: string): Promise<{ realm: string; role: string }> {
    const now = Date.now();
    for (const [h, l] of this.#links) if (l.expires < now) this.#links.delete(h);
    const key = hash(token);
    const link = this.#links.get(key);
    if (link === undefined)
      throw new ClaimError(404, 'this sign-in link is unknown, used or expired');
    if (!PUBKEY.test(pubkey)) throw new ClaimError(400, 'pubkey must be 64 hex digits');
    const found = await this.domain().lookupKey(pubkey);
    if (found.kind === 'node') throw new ClaimError(409, 'this is a paired node key');
    // Spent before the write: a second request with the same token cannot race it.
    this.#links.delete(key);
    await this.domain().grantAccess({
      realm: link.realm,
      pubkey,
      role: link.role,
      authid: found.kind === 'user' ? found.key.user : `browser-${pubkey.slice(0, 8)}`,
      label: 'web UI (sign-in link)',
    });
    return { realm: link.realm, role: link.role };
  }
}

export class ClaimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function reply(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** `POST /ui/claim` with `{token, pubkey}` (JSON, at most 4 KB). */
export function serveClaim(links: SignInLinks, req: IncomingMessage, res: ServerResponse): void {
  let size = 0;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > 4096) {
      reply(res, 413, { error: 'request too large' });
      req.destroy();
    } else chunks.push(c);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    let body: { token?: unknown; pubkey?: unknown } | null;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      reply(res, 400, { error: 'the body must be JSON: {"token": …, "pubkey": …}' });
      return;
    }
    if (
      typeof body !== 'object' ||
      body === null ||
      typeof body.token !== 'string' ||
      typeof body.pubkey !== 'string'
    ) {
      reply(res, 400, { error: 'the body must be JSON: {"token": …, "pubkey": …}' });
      return;
    }
    links.claim(body.token, body.pubkey.toLowerCase()).then(
      (grant) => reply(res, 200, grant),
      (e: unknown) =>
        reply(res, e instanceof ClaimError ? e.status : 500, { error: errorMessage(e) }),
    );
  });
}
