/**
 * One WAMP session on the router side of a transport: the session state machine, message
 * dispatch to the handshake, broker and dealer, and orderly closing.
 *
 * Messages of a session are handled strictly in order. When handling one has to wait
 * (an authenticator or a dynamic authorizer), later messages queue until it finishes.
 * @module
 */
import {
  CloseReasons,
  MessageType,
  PayloadSizeError,
  ProtocolError,
  WampErrors,
  decodeMessage,
  encodeMessage,
  hasFeature,
  errorMessage,
} from '@cdc/protocol';
import type { CloseDetails, Dict, Transport, TransportHandler, WampMessage } from '@cdc/protocol';
import type { Authorization, SessionDetails } from './types.js';
import type { Realm } from './realm.js';
import type { Router } from './router.js';
import type { Subscription } from './broker/subscription.js';
import type { Registration } from './dealer/registration.js';
import type { Invocation } from './dealer/invocation.js';
import { Handshake } from './handshake.js';
import type { Refusal } from './limits.js';
import { redactMessage } from './redact.js';
import { replyError } from './replies.js';
import type { AuthMethodHandler, CookieSession } from './auth/types.js';
import type { SessionForwarder } from './forward.js';

export type SessionState =
  | 'new'
  | 'authenticating'
  | 'established'
  | 'closing'
  | 'closed'
  /** Handed to a forwarder: this router only relays (`forward.ts`). */
  | 'forwarded';

/** Client features the router acts on, read once from HELLO. */
export interface PeerFeatures {
  calleeCanCancel: boolean;
  calleeRevocation: boolean;
  calleeProgressiveInvocations: boolean;
  callerProgressiveInvocations: boolean;
  subscriberRevocation: boolean;
  passthru: boolean;
}

export class RouterSession implements TransportHandler {
  id = 0;
  state: SessionState = 'new';
  realm: Realm | undefined;
  authid = '';
  authrole = '';
  authmethod = '';
  authprovider = '';
  authextra: Dict = {};
  clientRoles: Dict = {};
  features: PeerFeatures = {
    calleeCanCancel: false,
    calleeRevocation: false,
    calleeProgressiveInvocations: false,
    callerProgressiveInvocations: false,
    subscriberRevocation: false,
    passthru: false,
  };
  /** When the session was welcomed (ms since the epoch; 0 before). */
  private joinedMs = 0;

  /** Broker state: the subscriptions this session holds. */
  readonly subscriptions = new Set<Subscription>();
  /** Dealer state: registrations held, invocations to us as callee, calls made by us. */
  readonly registrations = new Set<Registration>();
  readonly invocations = new Map<number, Invocation>();
  readonly calls = new Map<number, Invocation>();
  nextInvocationId = 0;
  /** Highest CALL request ID seen, for progressive call invocations. */
  callWatermark = 0;
  authzCache: Map<string, Authorization> | undefined;
  /** Testaments to publish when the session goes away. */
  testaments: { detached: TestamentEntry[]; destroyed: TestamentEntry[] } | undefined;

  private handshake: Handshake | undefined;
  private busy = 0;
  private queue: WampMessage[] | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  private forwarder: SessionForwarder | undefined;

  /** The connection's tracking cookie, where the transport tracks them. */
  readonly cookie: CookieSession | undefined;
  /** The transport's `debug`: every message in and out is logged at debug level. */
  readonly debug: boolean;

  constructor(
    readonly router: Router,
    readonly transport: Transport,
    private readonly authMethods: Map<string, AuthMethodHandler>,
    options: { cookie?: CookieSession | undefined; debug?: boolean | undefined } = {},
  ) {
    this.cookie = options.cookie;
    this.debug = options.debug === true;
    this.helloTimer = setTimeout(() => {
      this.helloTimer = undefined;
      if (this.state === 'new' || this.state === 'authenticating') {
        this.abort(WampErrors.PROTOCOL_VIOLATION, 'no session was established in time');
      }
    }, router.options.helloTimeoutMs);
    this.helloTimer.unref();
    transport.attach(this);
  }

  /** When the session was welcomed, as an ISO 8601 string ('' before). */
  get joinedAt(): string {
    return this.joinedMs === 0 ? '' : new Date(this.joinedMs).toISOString();
  }

  // --- TransportHandler -------------------------------------------------------------

  onMessage(raw: unknown): void {
    if (this.state === 'closed') return;
    if (this.forwarder !== undefined && this.busy === 0) return this.forwarder.send(raw);
    if (this.debug)
      this.router.logger.debug(
        { session: this.id, in: redactMessage(raw) },
        'WAMP message received',
      );
    let msg: WampMessage;
    try {
      msg = decodeMessage(raw);
    } catch (e) {
      this.protocolViolation(errorMessage(e));
      return;
    }
    if (this.busy > 0) (this.queue ??= []).push(msg);
    else this.dispatch(msg);
  }

  onProtocolError(error: Error): void {
    this.protocolViolation(error.message);
  }

  onClose(_details: CloseDetails): void {
    this.clearHelloTimer();
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.realm?.detach(this, CloseReasons.TRANSPORT_LOST);
    this.releaseHandshake();
    this.forwarder?.close('the client closed the connection');
    this.router.onSessionClosed(this);
  }

  /** A handshake that did not end in WELCOME gives its reserved session ID back. */
  private releaseHandshake(): void {
    const h = this.handshake;
    if (h === undefined) return;
    this.handshake = undefined;
    this.router.releaseSessionId(h.sessionId);
  }

  // --- dispatch ---------------------------------------------------------------------

  private dispatch(msg: WampMessage): void {
    try {
      switch (this.state) {
        case 'new':
          if (msg.type === MessageType.HELLO) return this.startHandshake(msg);
          if (msg.type === MessageType.ABORT) return this.transport.close();
          return this.protocolViolation(`${this.nameOf(msg)} received before HELLO`);
        case 'authenticating':
          if (msg.type === MessageType.AUTHENTICATE)
            return this.run(this.handshake?.authenticate(msg));
          if (msg.type === MessageType.ABORT) return this.drop();
          return this.protocolViolation(`${this.nameOf(msg)} received during authentication`);
        case 'established':
          return this.dispatchEstablished(msg);
        case 'closing':
          // We sent GOODBYE and wait for the echo; anything else is dropped.
          if (msg.type === MessageType.GOODBYE) this.finishClosing();
          return;
        case 'closed':
          return;
        case 'forwarded':
          // Queued while the handshake finished: relay in order.
          return this.forwarder?.send(encodeMessage(msg));
      }
    } catch (e) {
      if (e instanceof ProtocolError) this.protocolViolation(e.message);
      else {
        this.router.logger.error(
          { err: e, session: this.id },
          'internal error while handling a message',
        );
        this.abort(WampErrors.PROTOCOL_VIOLATION, 'internal router error');
      }
    }
  }

  private dispatchEstablished(msg: WampMessage): void {
    const realm = this.realm;
    if (realm === undefined) return;
    switch (msg.type) {
      case MessageType.PUBLISH:
        return this.run(realm.broker.publish(this, msg));
      case MessageType.SUBSCRIBE:
        if (this.refused(msg, this.router.limits.subscription(this.subscriptions.size))) return;
        return this.run(realm.broker.subscribe(this, msg));
      case MessageType.UNSUBSCRIBE:
        return realm.broker.unsubscribe(this, msg);
      case MessageType.CALL:
        return this.run(realm.dealer.call(this, msg));
      case MessageType.CANCEL:
        return realm.dealer.cancel(this, msg);
      case MessageType.REGISTER:
        if (this.refused(msg, this.router.limits.registration(this.registrations.size))) return;
        return this.run(realm.dealer.register(this, msg));
      case MessageType.UNREGISTER:
        return realm.dealer.unregister(this, msg);
      case MessageType.YIELD:
        return realm.dealer.yield(this, msg);
      case MessageType.ERROR:
        if (msg.requestType !== MessageType.INVOCATION) {
          return this.protocolViolation(
            `ERROR for request type ${msg.requestType} sent by a client`,
          );
        }
        return realm.dealer.calleeError(this, msg);
      case MessageType.GOODBYE:
        if (msg.reason === CloseReasons.LOGOUT && this.cookie !== undefined) {
          this.router.logout(this.cookie, this);
        }
        this.send([MessageType.GOODBYE, {}, CloseReasons.GOODBYE_AND_OUT]);
        return this.leaveRealm(msg.reason);
      case MessageType.ABORT:
        return this.drop();
      case MessageType.EVENT_RECEIVED:
        return; // acknowledged delivery is not routed back; accept and ignore
      case MessageType.HELLO:
        return this.protocolViolation('HELLO received on an established session');
      case MessageType.AUTHENTICATE:
        return this.protocolViolation('AUTHENTICATE received on an established session');
      default:
        return this.protocolViolation(`${this.nameOf(msg)} is not a message a client may send`);
    }
  }

  /** Answer a request a limit refuses with ERROR; false when there is no refusal. */
  private refused(msg: { type: number; requestId: number }, r: Refusal | undefined): boolean {
    if (r === undefined) return false;
    replyError(this, msg.type, msg.requestId, r.uri, r.message);
    return true;
  }

  /** Hold later messages until `p` settles, so a session's messages stay in order. */
  private run(p: Promise<void> | undefined): void {
    if (p === undefined) return;
    this.busy++;
    p.catch((e: unknown) => {
      if (e instanceof ProtocolError) this.protocolViolation(e.message);
      else
        this.router.logger.error(
          { err: e, session: this.id },
          'internal error while handling a message',
        );
    }).finally(() => {
      this.busy--;
      if (this.busy === 0) this.drain();
    });
  }

  private drain(): void {
    const q = this.queue;
    while (q !== undefined && q.length > 0 && this.busy === 0) {
      const msg = q.shift();
      if (msg !== undefined) this.dispatch(msg);
    }
  }

  // --- establishing -----------------------------------------------------------------

  private startHandshake(msg: Extract<WampMessage, { type: 1 }>): void {
    this.state = 'authenticating';
    this.clientRoles = msg.details.roles;
    this.handshake = new Handshake(this, this.authMethods);
    this.run(this.handshake.hello(msg));
  }

  /**
   * Hand the authenticated session to a forwarder (its realm lives on another router): from
   * now on messages are relayed both ways, and either side closing closes the other.
   */
  handOver(forwarder: SessionForwarder): void {
    this.clearHelloTimer();
    this.router.limits.leave(this);
    this.releaseHandshake();
    this.state = 'forwarded';
    this.forwarder = forwarder;
    forwarder.start({
      send: (m) => {
        try {
          this.send(m);
        } catch (e) {
          if (!(e instanceof PayloadSizeError)) throw e;
          this.abort(WampErrors.PAYLOAD_SIZE_EXCEEDED, e.message);
        }
      },
      close: () => this.drop(),
      release: () => {
        if (this.forwarder !== forwarder || this.state !== 'forwarded') return;
        this.forwarder = undefined;
        this.state = 'new';
      },
    });
  }

  /** Called by the handshake once a principal is admitted to `realm`. */
  welcome(realm: Realm, sessionId: number, welcomeDetails: Dict): void {
    this.clearHelloTimer();
    this.router.limits.leave(this);
    this.handshake = undefined;
    this.id = sessionId;
    this.realm = realm;
    this.state = 'established';
    this.joinedMs = Date.now();
    const roles = this.clientRoles;
    this.features = {
      calleeCanCancel: hasFeature(roles, 'callee', 'call_canceling'),
      calleeRevocation: hasFeature(roles, 'callee', 'registration_revocation'),
      calleeProgressiveInvocations: hasFeature(roles, 'callee', 'progressive_call_invocations'),
      callerProgressiveInvocations: hasFeature(roles, 'caller', 'progressive_call_invocations'),
      subscriberRevocation: hasFeature(roles, 'subscriber', 'subscription_revocation'),
      passthru: ['publisher', 'subscriber', 'caller', 'callee'].some(
        (r) =>
          hasFeature(roles, r, 'payload_passthru_mode') ||
          hasFeature(roles, r, 'payload_transparency'),
      ),
    };
    try {
      this.send([MessageType.WELCOME, sessionId, welcomeDetails]);
    } catch (e) {
      if (!(e instanceof PayloadSizeError)) throw e;
      this.abort(
        WampErrors.PAYLOAD_SIZE_EXCEEDED,
        'WELCOME exceeds the largest message the client accepts',
      );
      return;
    }
    realm.attach(this);
  }

  // --- closing ----------------------------------------------------------------------

  /** ABORT the session (before or after establishment) and close the transport. */
  abort(reason: string, message: string): void {
    if (this.state === 'closed') return;
    this.trySend([MessageType.ABORT, { message }, reason]);
    this.drop();
  }

  protocolViolation(message: string): void {
    this.router.logger.warn(
      { session: this.id, peer: this.transport.info.peer, message },
      'protocol violation',
    );
    this.abort(WampErrors.PROTOCOL_VIOLATION, message);
  }

  /** Close the session from the router side with GOODBYE (meta API kill, realm shutdown). */
  kill(reason: string = CloseReasons.KILLED, message?: string): void {
    if (this.state !== 'established') return;
    this.trySend([MessageType.GOODBYE, message !== undefined ? { message } : {}, reason]);
    this.state = 'closing';
    this.realm?.detach(this, reason);
    this.realm = undefined;
    // Give the client a moment to echo GOODBYE, then drop the connection regardless.
    setTimeout(() => this.finishClosing(), this.router.options.goodbyeTimeoutMs).unref();
  }

  private finishClosing(): void {
    if (this.state === 'closing') this.drop();
  }

  /** The client said GOODBYE: leave the realm; the transport may carry a new session. */
  private leaveRealm(reason: string): void {
    this.realm?.detach(this, reason);
    this.realm = undefined;
    this.state = 'new';
    this.router.releaseSessionId(this.id);
    this.id = 0;
  }

  /** Drop the session and its transport without further messages. */
  private drop(): void {
    this.clearHelloTimer();
    if (this.state === 'closed') return;
    const realm = this.realm;
    this.state = 'closed';
    this.realm = undefined;
    realm?.detach(this, CloseReasons.TRANSPORT_LOST);
    this.releaseHandshake();
    this.forwarder?.close('the session was closed by the accepting router');
    this.transport.close();
    this.router.onSessionClosed(this);
  }

  private clearHelloTimer(): void {
    if (this.helloTimer !== undefined) clearTimeout(this.helloTimer);
    this.helloTimer = undefined;
  }

  // --- sending ----------------------------------------------------------------------

  /** Send a wire array; throws PayloadSizeError when too large for the peer. */
  logSent(message: unknown[]): void {
    this.router.logger.debug(
      { session: this.id, out: redactMessage(message) },
      'WAMP message sent',
    );
  }

  send(message: unknown[]): void {
    if (this.debug) this.logSent(message);
    if (this.transport.isOpen) this.transport.send(message);
  }

  /** Send, swallowing size errors (for ABORT/GOODBYE, which carry little). */
  trySend(message: unknown[]): void {
    try {
      this.send(message);
    } catch {
      // nothing to do: the peer cannot take even this
    }
  }

  sendMessage(m: WampMessage): void {
    this.send(encodeMessage(m));
  }

  /** The session as the meta API, authenticators and authorizers describe it. */
  details(): SessionDetails {
    const t = this.transport.info;
    return {
      session: this.id,
      authid: this.authid,
      authrole: this.authrole,
      authmethod: this.authmethod,
      authprovider: this.authprovider,
      authextra: this.authextra,
      transport: {
        type: t.type,
        protocol: t.protocol ?? null,
        serializer: t.serializer,
        peer: t.peer,
        is_secure: t.tls,
        ...(t.clientCert !== undefined ? { client_cert: t.clientCert } : {}),
        ...(t.httpHeaders !== undefined ? { http_headers_received: t.httpHeaders } : {}),
      },
    };
  }

  private nameOf(msg: WampMessage): string {
    return (
      Object.entries(MessageType).find(([, v]) => v === msg.type)?.[0] ?? `message ${msg.type}`
    );
  }
}

export interface TestamentEntry {
  topic: string;
  args: unknown[];
  kwargs: Dict;
  options: Dict;
}
