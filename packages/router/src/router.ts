/**
 * The router: realms, and the sessions arriving on transports. Listeners hand every new
 * transport to {@link Router.accept} with the transport's authentication config.
 * @module
 */
import {
  CloseReasons,
  WampError,
  WampErrors,
  isValidRealmName,
  randomId,
  silentLogger,
} from '@cdc/protocol';
import type { Dict, Transport, Logger } from '@cdc/protocol';
import { buildAuthMethods } from './auth/index.js';
import type { AuthConfig, AuthMethodHandler, CookieSession } from './auth/types.js';
import type { RealmDirectory } from './auth/principal.js';
import { LimitKeeper } from './limits.js';
import type { RouterLimits } from './limits.js';
import type { ForwardHook } from './forward.js';
import { admit } from './handshake.js';
import { Realm } from './realm.js';
import { RouterSession } from './session.js';
import type { Principal, RealmConfig } from './types.js';

export interface RouterOptions {
  logger?: Logger;
  /** How long a connection may take to send HELLO and finish authentication. */
  helloTimeoutMs?: number;
  /** How long to wait for a GOODBYE echo after closing a session. */
  goodbyeTimeoutMs?: number;
  /** `agent` sent in WELCOME. */
  agent?: string;
  /** Caps on what one peer may cost (`limits.ts`); defaults apply to what is left out. */
  limits?: RouterLimits;
  /** Forward sessions for realms not served here to their owner (cluster mode, `forward.ts`). */
  forward?: ForwardHook;
}

export interface AcceptOptions {
  /** The transport's `auth` block (Crossbar.io format); none means anonymous only. */
  auth?: AuthConfig | undefined;
  /** The connection's tracking cookie (WebSocket transports with `cookie`). */
  cookie?: CookieSession | undefined;
  /** Log every message in and out at debug level (the transport's `debug`). */
  debug?: boolean | undefined;
}

const DEFAULT_AUTH: AuthConfig = { anonymous: { type: 'static', role: 'anonymous' } };

export class Router {
  readonly options: Required<Omit<RouterOptions, 'logger' | 'limits' | 'forward'>>;
  /** Where sessions for realms not served here go; settable once the cluster link is up. */
  forward: ForwardHook | undefined;
  readonly limits: LimitKeeper;
  readonly logger: Logger;
  private readonly realms = new Map<string, Realm>();
  private readonly sessions = new Set<RouterSession>();
  private readonly sessionIds = new Set<number>();
  /** What authenticators see: realms served here and realms forwarded to their owner. */
  private readonly directory: RealmDirectory = {
    hasRealm: (name) => this.realms.has(name) || this.forward?.forwards(name) === true,
    hasRole: (realm, role) =>
      this.realms.has(realm) ? this.hasRole(realm, role) : this.forward?.forwards(realm) === true,
  };
  /** Auth handlers per config object: built once per listener, not per connection. */
  private readonly authCache = new WeakMap<AuthConfig, Map<string, AuthMethodHandler>>();

  constructor(options: RouterOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.limits = new LimitKeeper(options.limits);
    this.forward = options.forward;
    this.options = {
      helloTimeoutMs: options.helloTimeoutMs ?? 10_000,
      goodbyeTimeoutMs: options.goodbyeTimeoutMs ?? 2_000,
      agent: options.agent ?? 'cdc-router',
    };
  }

  // --- realms -----------------------------------------------------------------------

  addRealm(config: RealmConfig): Realm {
    if (!isValidRealmName(config.name)) {
      throw WampError.of(WampErrors.INVALID_ARGUMENT, `invalid realm name "${config.name}"`);
    }
    if (this.realms.has(config.name)) {
      throw WampError.of(WampErrors.INVALID_ARGUMENT, `realm "${config.name}" already exists`);
    }
    const realm = new Realm(this, config);
    this.realms.set(config.name, realm);
    return realm;
  }

  /** Remove a realm, closing its sessions with `wamp.close.close_realm`. */
  removeRealm(name: string, message?: string): boolean {
    const realm = this.realms.get(name);
    if (realm === undefined) return false;
    this.realms.delete(name);
    realm.close(CloseReasons.CLOSE_REALM, message);
    return true;
  }

  getRealm(name: string): Realm | undefined {
    return this.realms.get(name);
  }

  realmNames(): string[] {
    return [...this.realms.keys()];
  }

  hasRealm(name: string): boolean {
    return this.realms.has(name);
  }

  hasRole(realm: string, role: string): boolean {
    return this.realms.get(realm)?.authorizer.hasRole(role) === true;
  }

  // --- sessions ---------------------------------------------------------------------

  /** Take a new transport: a session is established on it when the client says HELLO. */
  accept(transport: Transport, options: AcceptOptions = {}): RouterSession {
    const auth = options.auth ?? DEFAULT_AUTH;
    let methods = this.authCache.get(auth);
    if (methods === undefined) {
      methods = buildAuthMethods(auth, this.directory, this);
      this.authCache.set(auth, methods);
    }
    const session = new RouterSession(this, transport, methods, options);
    this.sessions.add(session);
    const refused = this.limits.enter(session, transport.info.peer);
    if (refused !== undefined) session.abort(refused.uri, refused.message);
    return session;
  }

  /**
   * Take a session another router authenticated and forwards here (the realm's owner side
   * of forwarding): WELCOME at once, with a session ID assigned here, sent on `transport`;
   * ABORT `wamp.error.unavailable` when the realm is not (or no longer) served here.
   */
  acceptAuthenticated(transport: Transport, principal: Principal, hello: Dict): RouterSession {
    const session = new RouterSession(this, transport, new Map());
    this.sessions.add(session);
    session.state = 'authenticating';
    const roles = hello['roles'];
    if (typeof roles === 'object' && roles !== null && !Array.isArray(roles)) {
      session.clientRoles = roles as Dict;
    }
    const { realm, authrole: role } = principal;
    if (!this.realms.has(realm)) {
      // Forwarded here while the realm moves away: transient, so the client tries again
      // (no_such_realm would make it give up).
      session.abort(
        WampErrors.UNAVAILABLE,
        `realm "${realm}" is not served here (any more); try again`,
      );
      return session;
    }
    if (role !== 'anonymous' && !this.hasRole(realm, role)) {
      session.abort(WampErrors.NO_SUCH_ROLE, `no role "${role}" on realm "${realm}"`);
      return session;
    }
    admit(session, principal, this.newSessionId());
    return session;
  }

  /**
   * Log out of a tracking cookie (GOODBYE `wamp.close.logout`): the cookie forgets its
   * principal and every other session on it is closed, as Crossbar.io does.
   */
  logout(cookie: CookieSession, from: RouterSession): void {
    cookie.store.setAuth(cookie.id, null);
    for (const s of this.sessions) {
      if (s !== from && s.cookie?.id === cookie.id && s.cookie.store === cookie.store) {
        s.kill(CloseReasons.LOGOUT, 'logged out');
      }
    }
  }

  /** A session ID unique on this router. */
  newSessionId(): number {
    let id = randomId();
    while (this.sessionIds.has(id)) id = randomId();
    this.sessionIds.add(id);
    return id;
  }

  onSessionClosed(session: RouterSession): void {
    this.limits.leave(session);
    this.sessions.delete(session);
    this.sessionIds.delete(session.id);
  }

  /**
   * Give back an ID from {@link newSessionId} that no session holds any more (a handshake
   * that failed, a session that said GOODBYE and stays connected); kept, they piled up.
   */
  releaseSessionId(id: number): void {
    this.sessionIds.delete(id);
  }

  /** Session IDs in use (for tests: IDs must not leak). */
  get sessionIdCount(): number {
    return this.sessionIds.size;
  }

  /** Number of connections (established or not). */
  get connectionCount(): number {
    return this.sessions.size;
  }

  callInternal(realm: string, procedure: string, args: unknown[]): Promise<unknown[]> {
    const r = this.realms.get(realm);
    if (r === undefined) {
      return Promise.reject(
        WampError.of(WampErrors.NO_SUCH_REALM, `no realm "${realm}" on this router`),
      );
    }
    return r.callInternal(procedure, args).then((res) => res.args);
  }

  /** Close every session (`wamp.close.system_shutdown`) and drop every connection. */
  close(): void {
    for (const realm of this.realms.values()) realm.close(CloseReasons.SYSTEM_SHUTDOWN);
    for (const s of [...this.sessions]) s.transport.close();
  }
}
