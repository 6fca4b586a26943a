/**
 * Session establishment [WAMP basic §Session Establishment]: pick the first of the
 * client's `authmethods` this transport accepts, run it (with CHALLENGE/AUTHENTICATE
 * rounds as needed) and admit the principal with WELCOME, or refuse with ABORT.
 * @module
 */
import { MessageType, ROUTER_ROLES, WampErrors } from '@cdc/protocol';
import type { Authenticate, Dict, Hello } from '@cdc/protocol';
import type { AuthMethodHandler, AuthResult, HelloContext } from './auth/types.js';
import type { RouterSession } from './session.js';
import type { Principal } from './types.js';

type Pending = Extract<AuthResult, { kind: 'challenge' }>;

export class Handshake {
  private ctx: HelloContext | undefined;
  private pending: Pending | undefined;
  /** The client's HELLO details (for a forwarder: the owner needs the client's roles). */
  private helloDetails: Dict = {};

  /** The session ID reserved for this handshake (0 before HELLO). */
  get sessionId(): number {
    return this.ctx?.sessionId ?? 0;
  }

  constructor(
    private readonly session: RouterSession,
    private readonly methods: Map<string, AuthMethodHandler>,
  ) {}

  /**
   * Answer HELLO. Static methods decide synchronously and are applied at once; only
   * authenticators that must wait (dynamic ones) return a promise, which holds the
   * session's later messages until it settles. (The all-async version cost a chain of
   * promises per handshake, visible in handshake profiles: docs/PERFORMANCE.md.)
   */
  hello(msg: Hello): Promise<void> | undefined {
    const d = msg.details;
    this.helloDetails = d;
    const offered =
      d.authmethods !== undefined && d.authmethods.length > 0 ? d.authmethods : ['anonymous'];
    // autobahn-cpp sends authid "" for "none".
    const authid = d.authid === undefined || d.authid === '' ? undefined : d.authid;
    const ctx: HelloContext = {
      realm: msg.realm,
      authid,
      authrole: d.authrole,
      authextra: d.authextra ?? {},
      sessionId: this.session.router.newSessionId(),
      transport: this.session.transport.info,
      cookie: this.session.cookie,
    };
    this.ctx = ctx;
    const throttled = this.session.router.limits.throttled(ctx.transport.peer, this.who());
    if (throttled !== undefined) {
      this.session.abort(throttled.uri, throttled.message);
      return undefined;
    }
    const skipped: string[] = [];
    for (const method of offered) {
      const handler = this.methods.get(method);
      if (handler === undefined) continue;
      const why = handler.skip?.(ctx);
      if (why !== undefined) {
        skipped.push(`${method}: ${why}`);
        continue;
      }
      return this.step(() => handler.hello(ctx));
    }
    this.session.abort(
      WampErrors.NO_AUTH_METHOD,
      `none of the offered authentication methods (${offered.join(', ')}) is accepted here; ` +
        `this transport accepts: ${[...this.methods.keys()].join(', ') || 'none'}` +
        (skipped.length > 0 ? ` (skipped ${skipped.join('; ')})` : ''),
    );
    return undefined;
  }

  authenticate(msg: Authenticate): Promise<void> | undefined {
    const pending = this.pending;
    if (pending === undefined) {
      this.session.protocolViolation('AUTHENTICATE without a CHALLENGE');
      return undefined;
    }
    this.pending = undefined;
    return this.step(() => pending.verify(msg));
  }

  /** Who is authenticating, for throttling failures: the authid, else a cryptosign key. */
  private who(): string | undefined {
    const ctx = this.ctx;
    if (ctx === undefined) return undefined;
    const pubkey = ctx.authextra['pubkey'];
    return ctx.authid ?? (typeof pubkey === 'string' ? pubkey : undefined);
  }

  /** Run one authentication step and apply its result: now if it is ready, else when it is. */
  private step(f: () => Promise<AuthResult> | AuthResult): Promise<void> | undefined {
    let res: Promise<AuthResult> | AuthResult;
    try {
      res = f();
    } catch (e) {
      this.apply(this.failed(e));
      return undefined;
    }
    if (!(res instanceof Promise)) {
      this.apply(res);
      return undefined;
    }
    return res.then(
      (r) => this.apply(r),
      (e: unknown) => this.apply(this.failed(e)),
    );
  }

  private failed(e: unknown): AuthResult {
    this.session.router.logger.error({ err: e }, 'authentication failed with an internal error');
    return {
      kind: 'deny',
      uri: WampErrors.AUTHENTICATION_FAILED,
      message: 'authentication failed',
    };
  }

  private apply(res: AuthResult): void {
    const s = this.session;
    if (s.state !== 'authenticating' || this.ctx === undefined) return; // dropped meanwhile
    switch (res.kind) {
      case 'deny':
        s.router.limits.denied(this.ctx.transport.peer, this.who(), res.uri);
        s.abort(res.uri, res.message);
        return;
      case 'challenge':
        this.pending = res;
        s.send([MessageType.CHALLENGE, res.authmethod, res.extra]);
        return;
      case 'welcome': {
        const p = res.principal;
        if (!s.router.hasRealm(p.realm)) {
          const forwarder = s.router.forward?.open({
            principal: p,
            hello: this.helloDetails,
            transport: s.transport.info,
          });
          if (forwarder !== undefined) {
            s.router.limits.succeeded(this.who());
            s.handOver(forwarder);
            return;
          }
        }
        if (!admit(s, p, this.ctx.sessionId)) return;
        s.router.limits.succeeded(this.who());
        // A tracked cookie remembers who authenticated on its connection (Crossbar.io).
        if (s.cookie !== undefined && p.authprovider !== 'cookie' && s.realm !== undefined) {
          s.cookie.store.setAuth(s.cookie.id, {
            realm: p.realm,
            authid: p.authid,
            authrole: p.authrole,
            authmethod: p.authmethod,
            authextra: p.authextra,
          });
        }
        return;
      }
    }
  }
}

/**
 * Admit an authenticated principal: WELCOME with `sessionId` and join the realm, or ABORT
 * with `wamp.error.no_such_realm` (false) when the realm is not served here.
 */
export function admit(s: RouterSession, p: Principal, sessionId: number): boolean {
  const realm = s.router.getRealm(p.realm);
  if (realm === undefined) {
    s.abort(WampErrors.NO_SUCH_REALM, `no realm "${p.realm}" on this router`);
    return false;
  }
  s.authid = p.authid;
  s.authrole = p.authrole;
  s.authmethod = p.authmethod;
  s.authprovider = p.authprovider;
  s.authextra = p.authextra ?? {};
  const details: Dict = {
    realm: p.realm,
    authid: p.authid,
    authrole: p.authrole,
    authmethod: p.authmethod,
    authprovider: p.authprovider,
    authextra: s.authextra,
    roles: ROUTER_ROLES,
    agent: s.router.options.agent,
  };
  s.welcome(realm, sessionId, details);
  return true;
}
