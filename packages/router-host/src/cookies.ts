/**
 * Cookie tracking on a WebSocket service (Crossbar.io's `cookie` block): every opening
 * handshake without a known, unexpired cookie is answered with a new one
 * (`Set-Cookie: cbtid=…;max-age=…`), and the router remembers who authenticated on a
 * cookie so that `cookie` authentication admits the same principal next time.
 *
 * The `file` store appends a JSON line per change (creation, authentication, logout) and
 * replays the file at start, so cookies survive a router restart; the file is compacted
 * to the live cookies when it is loaded. Lines have Crossbar.io's fields.
 * @module
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { CookieConfig } from '@cdc/config';
import type { CookieAuth, CookieSession, CookieStore } from '@cdc/router';
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';

interface Entry {
  /** Creation time, ms since the epoch. */
  created: number;
  /** Lifetime, seconds. */
  maxAge: number;
  auth: CookieAuth | null;
}

const DEFAULT_MAX_AGE = 7 * 86400;
const DEFAULT_LENGTH = 24;

/** `a=b; c=d` → { a: 'b', c: 'd' } (the first value of a name wins). */
function parseCookieHeader(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export class CookieTracker implements CookieStore {
  readonly name: string;
  private readonly length: number;
  private readonly maxAge: number;
  private readonly entries = new Map<string, Entry>();
  private readonly byRequest = new WeakMap<IncomingMessage, CookieSession>();
  private fd: number | undefined;

  constructor(
    config: CookieConfig,
    baseDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.name = config.name ?? 'cbtid';
    this.length = config.length ?? DEFAULT_LENGTH;
    this.maxAge = config.max_age ?? DEFAULT_MAX_AGE;
    const store = config.store ?? { type: 'memory' };
    if (store.type === 'file') {
      const file = store.filename ?? 'cookies.dat';
      this.open(isAbsolute(file) ? file : resolve(baseDir, file), store.purge_on_startup === true);
    }
  }

  /** Load the file (unless purging), compact it to the live cookies and keep it open for appends. */
  private open(path: string, purge: boolean): void {
    try {
      if (!purge && existsSync(path)) {
        for (const line of readFileSync(path, 'utf8').split('\n')) {
          if (line.trim() !== '') this.replay(JSON.parse(line) as Record<string, unknown>);
        }
      }
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, [...this.entries].map(([id, e]) => this.line(id, e)).join(''), {
        mode: 0o600,
      });
      renameSync(tmp, path);
      this.fd = openSync(path, 'a', 0o600);
    } catch (e) {
      throw WampError.of(
        CrossbarErrors.INVALID_CONFIGURATION,
        `cookie store file "${path}": ${errorMessage(e)}`,
      );
    }
  }

  private replay(r: Record<string, unknown>): void {
    const id = r['id'];
    const when = r['created'] ?? r['modified'];
    if (typeof id !== 'string' || typeof when !== 'string') return;
    const e: Entry = {
      created: Date.parse(when),
      maxAge: typeof r['max_age'] === 'number' ? r['max_age'] : this.maxAge,
      auth:
        typeof r['authid'] === 'string' && typeof r['authrealm'] === 'string'
          ? {
              realm: r['authrealm'],
              authid: r['authid'],
              authrole: String(r['authrole']),
              authmethod: String(r['authmethod']),
              ...(typeof r['authextra'] === 'object' && r['authextra'] !== null
                ? { authextra: r['authextra'] as Record<string, unknown> }
                : {}),
            }
          : null,
    };
    if (this.expired(e)) this.entries.delete(id);
    else this.entries.set(id, e);
  }

  private line(id: string, e: Entry): string {
    const a = e.auth;
    return (
      JSON.stringify({
        id,
        created: new Date(e.created).toISOString(),
        max_age: e.maxAge,
        authid: a?.authid ?? null,
        authrole: a?.authrole ?? null,
        authmethod: a?.authmethod ?? null,
        authrealm: a?.realm ?? null,
        authextra: a?.authextra ?? null,
      }) + '\n'
    );
  }

  private persist(id: string, e: Entry): void {
    if (this.fd !== undefined) writeSync(this.fd, this.line(id, e));
  }

  private expired(e: Entry): boolean {
    return this.now() >= e.created + e.maxAge * 1000;
  }

  /**
   * For the `101` answer to an opening handshake: take the client's cookie if it is known
   * and unexpired, else make a new one and set it. Remembered for {@link sessionFor}.
   */
  upgradeHeaders(req: IncomingMessage): string[] {
    const sent = parseCookieHeader(req.headers.cookie).get(this.name);
    let note: string | undefined;
    if (sent !== undefined) {
      const e = this.entries.get(sent);
      if (e === undefined) note = `the ${this.name} cookie sent is not known here`;
      else if (this.expired(e)) {
        note = `the ${this.name} cookie sent has expired`;
        this.entries.delete(sent);
      } else {
        this.byRequest.set(req, { id: sent, store: this });
        return [];
      }
    }
    const id = randomBytes(Math.ceil((this.length * 3) / 4))
      .toString('base64url')
      .slice(0, this.length);
    const e: Entry = { created: this.now(), maxAge: this.maxAge, auth: null };
    this.entries.set(id, e);
    this.persist(id, e);
    this.byRequest.set(req, { id, store: this, note });
    // No `secure` attribute: it describes the page that opened the WebSocket, not the
    // WebSocket itself (as Crossbar.io says).
    return [`Set-Cookie: ${this.name}=${id};max-age=${this.maxAge}`];
  }

  /** The cookie decided for an accepted opening request. */
  sessionFor(req: IncomingMessage | undefined): CookieSession | undefined {
    return req === undefined ? undefined : this.byRequest.get(req);
  }

  getAuth(id: string): CookieAuth | undefined {
    const e = this.entries.get(id);
    if (e === undefined || e.auth === null) return undefined;
    return this.expired(e) ? undefined : e.auth;
  }

  setAuth(id: string, auth: CookieAuth | null): void {
    const e = this.entries.get(id);
    if (e === undefined) return;
    e.auth = auth;
    this.persist(id, e);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
