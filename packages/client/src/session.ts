/**
 * An established WAMP session [WAMP basic §Sessions]: the public API over the four client
 * roles, dispatch of router messages to them, and the closing handshake. Made by
 * `joinSession`; every request is correlated by its ID from one per-session counter.
 * @module
 */
import {
  CloseReasons,
  IdSequence,
  MessageType,
  PayloadSizeError,
  WampError,
  WampErrors,
  hasFeature,
  messageName,
  errorMessage,
} from '@cdc/protocol';
import type {
  Args,
  ErrorMessage,
  Goodbye,
  Kwargs,
  TransportInfo,
  WampMessage,
  Welcome,
} from '@cdc/protocol';
import { SessionClosedError, TransportLostError } from './errors.js';
import type { Link } from './link.js';
import type { CallResult } from './result.js';
import { Callee } from './roles/callee.js';
import { Caller } from './roles/caller.js';
import type { RoleContext } from './roles/context.js';
import { ProgressiveCall } from './roles/progressive-call.js';
import { Publisher } from './roles/publisher.js';
import { Subscriber } from './roles/subscriber.js';
import type {
  CallOptions,
  CloseInfo,
  Dict,
  EventHandler,
  InvocationHandler,
  Publication,
  PublishOptions,
  RegisterOptions,
  Registration,
  SubscribeOptions,
  Subscription,
} from './types.js';
import { str } from './validate.js';

/** Session behaviour that is not part of the handshake. */
export interface SessionOptions {
  /**
   * Receives errors nobody awaits: thrown by event handlers, `onProgress`, `onRevoke` or
   * `onLeave` listeners, and ERRORs for unacknowledged publications. Default `console.error`.
   */
  onError?: ((error: unknown, where: string) => void) | undefined;
  /** How long `leave()` waits for the router's GOODBYE before closing anyway (ms, default 10 000). */
  goodbyeTimeout?: number | undefined;
}

type State = 'established' | 'closing' | 'closed';

export class Session {
  /** The session ID the router assigned. */
  readonly id: number;
  /** The realm joined (WELCOME `realm`, else the one asked for). */
  readonly realm: string;
  readonly authid: string | undefined;
  readonly authrole: string | undefined;
  readonly authmethod: string | undefined;
  readonly authprovider: string | undefined;
  readonly authextra: Dict;
  /** The WELCOME `Details` as received (including `roles` and `x_…` keys). */
  readonly details: Dict;
  /** Settles when the session has ended, however it ended; never rejects. */
  readonly closed: Promise<CloseInfo>;

  private state: State = 'established';
  private closeInfo: CloseInfo | undefined;
  private resolveClosed!: (info: CloseInfo) => void;
  private readonly listeners = new Set<(info: CloseInfo) => void>();
  private readonly ids = new IdSequence();
  private readonly caller: Caller;
  private readonly callee: Callee;
  private readonly publisher: Publisher;
  private readonly subscriber: Subscriber;
  private leaving:
    { reason: string; message: string | undefined; done: Promise<string> } | undefined;
  private resolveLeave: ((reason: string) => void) | undefined;
  private goodbyeTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal Made by `joinSession` on WELCOME. */
  constructor(
    private readonly link: Link,
    welcome: Welcome,
    requestedRealm: string | null,
    private readonly options: SessionOptions = {},
  ) {
    const d = welcome.details;
    this.id = welcome.session;
    this.details = d;
    this.realm = str(d, 'realm') ?? requestedRealm ?? '';
    this.authid = str(d, 'authid');
    this.authrole = str(d, 'authrole');
    this.authmethod = str(d, 'authmethod');
    this.authprovider = str(d, 'authprovider');
    const extra = d['authextra'];
    this.authextra = typeof extra === 'object' && extra !== null ? (extra as Dict) : {};
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    const ctx = this.roleContext();
    this.caller = new Caller(ctx);
    this.callee = new Callee(ctx);
    this.publisher = new Publisher(ctx);
    this.subscriber = new Subscriber(ctx);
    link.setSink({
      onMessage: (m) => this.onMessage(m),
      onViolation: (message) => this.violation(message),
      onClose: () => this.shutdown({ reason: CloseReasons.TRANSPORT_LOST, initiator: 'transport' }),
    });
  }

  /** What the transport says about itself: type, serializer, peer, TLS. */
  get transportInfo(): TransportInfo {
    return this.link.transport.info;
  }

  /** True until the session starts leaving or ends. */
  get isOpen(): boolean {
    return this.state === 'established';
  }

  /** Whether the router announced a feature, e.g. `routerHas('dealer', 'call_canceling')`. */
  routerHas(role: 'broker' | 'dealer', feature: string): boolean {
    return hasFeature(this.details['roles'] as Dict | undefined, role, feature);
  }

  /**
   * Call a procedure.
   * @example const r = await session.call('com.example.add', [1, 2]); r.args[0] === 3
   * @throws (rejects) WampError with the callee's or router's URI; `wamp.error.invalid_uri`
   *   or `wamp.error.invalid_argument` for bad arguments, before sending anything.
   */
  call(
    procedure: string,
    args?: Args | null,
    kwargs?: Kwargs | null,
    options: CallOptions = {},
  ): Promise<CallResult> {
    return this.caller.call(procedure, args, kwargs, options);
  }

  /**
   * Start a progressive call invocation: send the arguments in chunks with
   * `handle.send(args, kwargs, { last })`, then await `handle.result`.
   * @throws WampError `wamp.error.feature_not_supported` when the dealer does not announce
   *   `progressive_call_invocations`; the errors of {@link Session.call} for bad arguments.
   */
  callProgressive(procedure: string, options: CallOptions = {}): ProgressiveCall {
    if (!this.routerHas('dealer', 'progressive_call_invocations')) {
      throw WampError.of(
        WampErrors.FEATURE_NOT_SUPPORTED,
        'the dealer does not support progressive call invocations',
      );
    }
    const prepared = this.caller.prepare(procedure, options);
    if (prepared instanceof WampError) throw prepared;
    return new ProgressiveCall(
      this.caller,
      prepared.requestId,
      procedure,
      prepared.options,
      prepared.result,
    );
  }

  /**
   * Register a procedure.
   * @example await session.register('com.example.add', ([a, b]) => Number(a) + Number(b));
   */
  register(
    procedure: string,
    handler: InvocationHandler,
    options: RegisterOptions = {},
  ): Promise<Registration> {
    return this.callee.register(procedure, handler, options);
  }

  /**
   * Publish an event. Resolves with the publication when `acknowledge` is set (after the
   * broker's PUBLISHED), else with `undefined` once sent.
   */
  publish(
    topic: string,
    args: Args | null | undefined,
    kwargs: Kwargs | null | undefined,
    options: PublishOptions & { acknowledge: true },
  ): Promise<Publication>;
  publish(
    topic: string,
    args?: Args | null,
    kwargs?: Kwargs | null,
    options?: PublishOptions,
  ): Promise<Publication | undefined>;
  publish(
    topic: string,
    args?: Args | null,
    kwargs?: Kwargs | null,
    options: PublishOptions = {},
  ): Promise<Publication | undefined> {
    return this.publisher.publish(topic, args, kwargs, options);
  }

  /**
   * Subscribe a handler to a topic. Several handlers on one topic share one router
   * subscription.
   * @example const sub = await session.subscribe('com.example.tick', ([n]) => console.log(n));
   */
  subscribe(
    topic: string,
    handler: EventHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    return this.subscriber.subscribe(topic, handler, options);
  }

  /**
   * Leave with GOODBYE and wait for the router's GOODBYE; resolves with its reason
   * (`wamp.close.transport_lost` if the transport went first or it did not answer in time).
   * Idempotent.
   */
  leave(reason: string = CloseReasons.NORMAL, message?: string): Promise<string> {
    if (this.leaving !== undefined) return this.leaving.done;
    if (this.state === 'closed') return Promise.resolve(this.closeInfo?.reason ?? reason);
    const done = new Promise<string>((resolve) => (this.resolveLeave = resolve));
    this.leaving = { reason, message, done };
    this.state = 'closing';
    const details: Dict = message !== undefined ? { message } : {};
    try {
      this.link.send({ type: MessageType.GOODBYE, details, reason });
    } catch {
      // Nothing reached the router; end locally.
      this.resolveLeave?.(CloseReasons.TRANSPORT_LOST);
      this.shutdown({ reason, message, initiator: 'local' });
      return done;
    }
    this.goodbyeTimer = setTimeout(() => {
      this.resolveLeave?.(CloseReasons.TRANSPORT_LOST);
      this.shutdown({ reason, message, initiator: 'local' });
    }, this.options.goodbyeTimeout ?? 10_000);
    return done;
  }

  /** Call `listener` when the session ends; returns a function that removes it. */
  onLeave(listener: (info: CloseInfo) => void): () => void {
    const info = this.closeInfo;
    if (info !== undefined) {
      queueMicrotask(() => this.notify(listener, info));
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private onMessage(m: WampMessage): void {
    switch (m.type) {
      case MessageType.RESULT:
        return this.caller.onResult(m);
      case MessageType.ERROR:
        return this.onError(m);
      case MessageType.REGISTERED:
        return this.callee.onRegistered(m);
      case MessageType.UNREGISTERED:
        return this.callee.onUnregistered(m);
      case MessageType.INVOCATION:
        return this.callee.onInvocation(m);
      case MessageType.INTERRUPT:
        return this.callee.onInterrupt(m);
      case MessageType.SUBSCRIBED:
        return this.subscriber.onSubscribed(m);
      case MessageType.UNSUBSCRIBED:
        return this.subscriber.onUnsubscribed(m);
      case MessageType.EVENT:
        return this.subscriber.onEvent(m);
      case MessageType.PUBLISHED:
        return this.publisher.onPublished(m);
      case MessageType.GOODBYE:
        return this.onGoodbye(m);
      case MessageType.ABORT: {
        const message = str(m.details, 'message');
        return this.shutdown({ reason: m.reason, message, initiator: 'router' });
      }
      default:
        return this.violation(`${messageName(m.type)} is not expected by an established client`);
    }
  }

  private onError(m: ErrorMessage): void {
    switch (m.requestType) {
      case MessageType.CALL:
        return this.caller.onError(m);
      case MessageType.REGISTER:
      case MessageType.UNREGISTER:
        return this.callee.onError(m);
      case MessageType.SUBSCRIBE:
      case MessageType.UNSUBSCRIBE:
        return this.subscriber.onError(m);
      case MessageType.PUBLISH:
        return this.publisher.onError(m);
      default:
        return this.violation(`ERROR for ${messageName(m.requestType)} is not sent to clients`);
    }
  }

  /** [WAMP basic §Session Closing]: echo a router's GOODBYE, or finish our own leave. */
  private onGoodbye(m: Goodbye): void {
    if (this.leaving !== undefined) {
      this.resolveLeave?.(m.reason);
      const { reason, message } = this.leaving;
      return this.shutdown({ reason, message, initiator: 'local' });
    }
    try {
      this.link.send({
        type: MessageType.GOODBYE,
        details: {},
        reason: CloseReasons.GOODBYE_AND_OUT,
      });
    } catch {
      // The router is closing us anyway.
    }
    this.shutdown({ reason: m.reason, message: str(m.details, 'message'), initiator: 'router' });
  }

  private violation(message: string): void {
    if (this.state === 'closed') return;
    this.link.abort(WampErrors.PROTOCOL_VIOLATION, message);
    this.shutdown({ reason: WampErrors.PROTOCOL_VIOLATION, message, initiator: 'local' });
  }

  /** Ends the session once: rejects what is pending, closes the transport, tells listeners. */
  private shutdown(info: CloseInfo): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeInfo = info;
    if (this.goodbyeTimer !== undefined) clearTimeout(this.goodbyeTimer);
    // Made only if something is pending: an Error (with its stack) is costly, and most
    // sessions end with nothing pending.
    let made: WampError | undefined;
    const error = (): WampError =>
      (made ??=
        info.reason === CloseReasons.TRANSPORT_LOST
          ? new TransportLostError()
          : new SessionClosedError(info.reason, info.message));
    this.caller.close(error);
    this.callee.close(error);
    this.publisher.close(error);
    this.subscriber.close(error);
    this.link.close();
    // A leave still waiting for GOODBYE ends with whatever ended the session.
    this.resolveLeave?.(info.reason);
    this.resolveClosed(info);
    for (const listener of [...this.listeners]) this.notify(listener, info);
    this.listeners.clear();
  }

  private notify(listener: (info: CloseInfo) => void, info: CloseInfo): void {
    try {
      listener(info);
    } catch (e) {
      this.reportError(e, 'onLeave');
    }
  }

  private reportError(error: unknown, where: string): void {
    const sink = this.options.onError;
    if (sink !== undefined) sink(error, where);
    else console.error(`[@cdc/client] error in ${where}:`, error);
  }

  private roleContext(): RoleContext {
    return {
      nextId: () => this.ids.next(),
      send: (message) => {
        if (this.state === 'closed' || !this.link.isOpen) {
          return new SessionClosedError(this.closeInfo?.reason, 'the session has ended');
        }
        try {
          this.link.send(message);
          return undefined;
        } catch (e) {
          if (e instanceof PayloadSizeError) {
            return WampError.of(WampErrors.PAYLOAD_SIZE_EXCEEDED, e.message);
          }
          return new TransportLostError(errorMessage(e));
        }
      },
      closedError: () => {
        if (this.state === 'established') return undefined;
        const reason = this.closeInfo?.reason ?? this.leaving?.reason;
        return new SessionClosedError(reason, 'the session has ended or is leaving');
      },
      routerHas: (role, feature) => this.routerHas(role, feature),
      violation: (message) => this.violation(message),
      reportError: (error, where) => this.reportError(error, where),
    };
  }
}
