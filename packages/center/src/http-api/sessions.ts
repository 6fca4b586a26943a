/**
 * One WAMP session per API token in use over HTTP, joined through the router with the
 * token as its `ticket` (the center's own authenticator admits it, exactly as a WAMP
 * client's), so roles, the §4.8 matrix and the audit see the token's session. This is also
 * the token check's cache: after a join, a request's secret is compared in constant time
 * with the one the join verified, without hashing or reading the database again. Revoking
 * a token kills its sessions (`authextra.token_id`), which drops the entry here, and so does
 * its expiry (`../tokens/expiry.ts`); idle ones are closed after a while.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { AuthConfig, Router } from '@cdc/router';
import { createMemoryPair } from '@cdc/transport';
import { checkToken } from '../tokens/authenticator.js';
import type { TokenAuthOptions } from '../tokens/authenticator.js';
import { parseToken } from '../tokens/secret.js';

export interface TokenSession {
  tokenId: string;
  label: string;
  role: string;
  realm: string;
  session: Session;
  expiresAt: number | null;
  lastUse: number;
  /** The secret the join verified. */
  secret: Buffer;
  /** Open event streams (a session with any is never idle). */
  streams: number;
}

export interface TokenSessionsOptions {
  router: Router;
  /** The center's listener auth (with `ticket`), so these sessions join as any client's. */
  auth: () => AuthConfig;
  tokens: TokenAuthOptions;
  /** Close a session unused this long (ms). */
  idleMs?: number;
}

function refused(message: string): WampError {
  return WampError.of(WampErrors.AUTHENTICATION_FAILED, message);
}

export class TokenSessions {
  private readonly live = new Map<string, Promise<TokenSession>>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(private readonly o: TokenSessionsOptions) {
    const idle = o.idleMs ?? 300_000;
    this.sweeper = setInterval(() => this.sweep(idle), Math.min(idle, 60_000));
    this.sweeper.unref();
  }

  get size(): number {
    return this.live.size;
  }

  /**
   * The session of a bearer token, joining one when there is none.
   * @throws WampError `authentication_failed` (bad, unknown, revoked, expired token) or the
   *   join's ABORT reason (`backend_unavailable`, `database_unavailable`).
   */
  async get(token: string): Promise<TokenSession> {
    const parsed = parseToken(token);
    if (parsed === undefined) throw refused('the bearer token is not a CDC API token');
    let pending = this.live.get(parsed.token_id);
    if (pending === undefined) {
      pending = this.join(token);
      this.live.set(parsed.token_id, pending);
      pending.catch(() => {
        if (this.live.get(parsed.token_id) === pending) this.live.delete(parsed.token_id);
      });
    }
    const s = await pending;
    const given = Buffer.from(parsed.secret, 'utf8');
    if (given.length !== s.secret.length || !timingSafeEqual(given, s.secret))
      throw refused('unknown or revoked API token');
    const now = Date.now();
    if (s.expiresAt !== null && s.expiresAt <= now) {
      this.drop(s);
      throw refused(`the API token "${s.label}" has expired`);
    }
    s.lastUse = now;
    this.o.tokens.used?.(s.tokenId);
    return s;
  }

  private async join(token: string): Promise<TokenSession> {
    const t = await checkToken(this.o.tokens, token);
    const [client, server] = createMemoryPair({ serialize: false });
    this.o.router.accept(server, { auth: this.o.auth() });
    const session = await joinSession(client, {
      realm: t.realm,
      authid: t.label,
      ticket: token,
      agent: 'cdc-http-api',
    });
    const s: TokenSession = {
      tokenId: t.token_id,
      label: t.label,
      role: t.role,
      realm: t.realm,
      session,
      expiresAt: t.expires_at === null ? null : Date.parse(t.expires_at),
      lastUse: Date.now(),
      secret: Buffer.from(parseToken(token)?.secret ?? '', 'utf8'),
      streams: 0,
    };
    void session.closed.then(() => {
      void this.live.get(s.tokenId)?.then((x) => {
        if (x === s) this.live.delete(s.tokenId);
      });
    });
    // Revoked between our check and the join (its kill found no session of ours yet)?
    const still = await this.o.tokens
      .domain()
      .getToken(t.token_id)
      .catch(() => t);
    if (still === undefined) {
      await session.leave().catch(() => undefined);
      throw refused('unknown or revoked API token');
    }
    return s;
  }

  private drop(s: TokenSession): void {
    this.live.delete(s.tokenId);
    void s.session.leave().catch(() => undefined);
  }

  private sweep(idleMs: number): void {
    const cutoff = Date.now() - idleMs;
    for (const p of this.live.values()) {
      p.then(
        (s) => {
          if (s.lastUse < cutoff && s.streams === 0) this.drop(s);
        },
        () => undefined,
      );
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (s) => s.session.leave().catch(() => undefined),
          (e: unknown) => errorMessage(e),
        ),
      ),
    );
  }
}
