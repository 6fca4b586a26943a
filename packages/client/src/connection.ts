/**
 * A self-healing session: connects through a transport factory, joins, and after a lost
 * transport, a refused join or a router-ended session tries again with exponential backoff
 * and full jitter, until `close()`.
 * @module
 */
import { CloseReasons, WampError, WampErrors } from '@cdc/protocol';
import type { Transport } from '@cdc/protocol';
import { RETRY_DEFAULTS, retryDelay } from './backoff.js';
import type { RetryOptions, RetryPolicy } from './backoff.js';
import { CANNOT_AUTHENTICATE, SessionClosedError, TransportLostError } from './errors.js';
import { joinSession } from './join.js';
import type { JoinOptions } from './join.js';
import { Listeners } from './listeners.js';
import { deferred } from './roles/context.js';
import type { Deferred } from './roles/context.js';
import type { Session } from './session.js';
import type { CloseInfo } from './types.js';

/** Timer functions, injectable for tests. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Failures that retrying cannot fix: the router refused who we are or where we want to go,
 * or our own arguments are wrong. Everything else (transport errors, timeouts, other ABORT
 * reasons such as `com.crossbario.cdc.error.node_unpaired` for a node awaiting pairing,
 * sessions ended by the router) is retried.
 */
export const FATAL_JOIN_ERRORS: ReadonlySet<string> = new Set([
  WampErrors.NOT_AUTHORIZED,
  WampErrors.NO_SUCH_REALM,
  WampErrors.NO_SUCH_ROLE,
  WampErrors.NO_SUCH_PRINCIPAL,
  WampErrors.AUTHENTICATION_FAILED,
  WampErrors.AUTHENTICATION_DENIED,
  WampErrors.NO_AUTH_METHOD,
  WampErrors.NO_MATCHING_AUTH_METHOD,
  WampErrors.INVALID_URI,
  WampErrors.INVALID_ARGUMENT,
  CANNOT_AUTHENTICATE,
]);

/** The default retry policy: retry unless the error's URI is in {@link FATAL_JOIN_ERRORS}. */
export function defaultShouldRetry(error: unknown): boolean {
  return !(error instanceof WampError && FATAL_JOIN_ERRORS.has(error.uri));
}

export interface ConnectionOptions extends JoinOptions, RetryOptions {
  /** Makes a new open transport for each attempt (WebSocket, RawSocket, memory…). */
  transport: () => Promise<Transport>;
  /**
   * Whether to try again after `error`: a failed connect or join (AbortError,
   * TransportLostError, timeout…) or the end of a joined session (SessionClosedError with
   * the close reason). Default {@link defaultShouldRetry}.
   */
  shouldRetry?: ((error: unknown) => boolean) | undefined;
  clock?: Clock | undefined;
  /** Returns [0, 1); for the jitter (default `Math.random`). */
  random?: (() => number) | undefined;
}

/** Why a connection stopped for good. */
export interface ConnectionCloseInfo {
  /** `closed` (by `close()` or a local `session.leave()`), `gave_up` or `refused`. */
  reason: 'closed' | 'gave_up' | 'refused';
  /** The last failure, when there was one. */
  error?: unknown;
}

type State = 'idle' | 'connecting' | 'waiting' | 'joined' | 'closed';

/**
 * @example
 * const connection = new Connection({ transport: () => connectWebSocket(url), realm: 'realm1' });
 * connection.onJoin((session) => void session.subscribe('com.example.tick', onTick));
 * const session = await connection.open();
 * // …
 * await connection.close();
 */
export class Connection {
  private state: State = 'idle';
  /** Bumped by `close()`: outcomes of older attempts are discarded. */
  private generation = 0;
  /** Failed attempts since the last successful join. */
  private attempt = 0;
  private timer: unknown;
  private pendingTransport: Transport | undefined;
  private current: Session | undefined;
  private waiters: Deferred<Session>[] = [];
  private readonly retry: RetryPolicy;
  private readonly clock: Clock;
  private readonly joinListeners: Listeners<[Session]>;
  private readonly leaveListeners: Listeners<[CloseInfo]>;
  private readonly retryListeners: Listeners<[number, number, unknown]>;
  private readonly closeListeners: Listeners<[ConnectionCloseInfo]>;

  constructor(private readonly options: ConnectionOptions) {
    this.retry = {
      initialDelay: options.initialDelay ?? RETRY_DEFAULTS.initialDelay,
      factor: options.factor ?? RETRY_DEFAULTS.factor,
      maxDelay: options.maxDelay ?? RETRY_DEFAULTS.maxDelay,
      maxRetries: options.maxRetries ?? RETRY_DEFAULTS.maxRetries,
      jitter: options.jitter ?? RETRY_DEFAULTS.jitter,
    };
    this.clock = options.clock ?? systemClock;
    const report = (where: string) => (e: unknown) =>
      options.onError !== undefined
        ? options.onError(e, where)
        : console.error(`[@cdc/client] error in ${where}:`, e);
    this.joinListeners = new Listeners(report('onJoin'));
    this.leaveListeners = new Listeners(report('onLeave'));
    this.retryListeners = new Listeners(report('onRetry'));
    this.closeListeners = new Listeners(report('onClose'));
  }

  /** The joined session, if there is one right now. */
  get session(): Session | undefined {
    return this.current;
  }

  /** Whether a session is joined right now. */
  get isJoined(): boolean {
    return this.state === 'joined';
  }

  /**
   * Start connecting (if not already) and resolve with the next joined session. Rejects
   * when the connection stops for good first (`close()`, retries exhausted, a refusal that
   * `shouldRetry` rejects).
   */
  open(): Promise<Session> {
    if (this.state === 'joined' && this.current !== undefined) {
      return Promise.resolve(this.current);
    }
    const d = deferred<Session>();
    // Callers that only use onJoin need not handle the rejection; `await` still sees it.
    d.promise.catch(() => undefined);
    this.waiters.push(d);
    if (this.state === 'idle' || this.state === 'closed') {
      this.state = 'connecting';
      this.attempt = 0;
      void this.connect(this.generation);
    }
    return d.promise;
  }

  /** Stop reconnecting and leave the current session (if any); resolves once it is over. */
  async close(reason: string = CloseReasons.NORMAL, message?: string): Promise<void> {
    if (this.state === 'closed' || this.state === 'idle') return;
    this.generation++;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingTransport?.close();
    this.pendingTransport = undefined;
    const session = this.current;
    this.stop({ reason: 'closed' });
    if (session !== undefined) await session.leave(reason, message);
  }

  /** Called with every newly joined session. */
  onJoin(listener: (session: Session) => void): () => void {
    return this.joinListeners.add(listener);
  }

  /** Called when a joined session ends. */
  onLeave(listener: (info: CloseInfo) => void): () => void {
    return this.leaveListeners.add(listener);
  }

  /** Called before each retry with its delay (ms), its number (1-based) and the failure. */
  onRetry(listener: (delay: number, attempt: number, error: unknown) => void): () => void {
    return this.retryListeners.add(listener);
  }

  /** Called when the connection stops for good. */
  onClose(listener: (info: ConnectionCloseInfo) => void): () => void {
    return this.closeListeners.add(listener);
  }

  private async connect(gen: number): Promise<void> {
    this.state = 'connecting';
    let session: Session;
    try {
      const transport = await this.options.transport();
      if (gen !== this.generation) {
        transport.close();
        return;
      }
      this.pendingTransport = transport;
      session = await joinSession(transport, this.options);
    } catch (e) {
      if (gen === this.generation) this.failed(e);
      return;
    } finally {
      if (gen === this.generation) this.pendingTransport = undefined;
    }
    if (gen !== this.generation) {
      void session.leave();
      return;
    }
    this.joined(session, gen);
  }

  private joined(session: Session, gen: number): void {
    this.state = 'joined';
    this.attempt = 0;
    this.current = session;
    session.onLeave((info) => this.lost(session, info, gen));
    for (const w of this.waiters.splice(0)) w.resolve(session);
    this.joinListeners.emit(session);
  }

  private lost(session: Session, info: CloseInfo, gen: number): void {
    if (this.current === session) this.current = undefined;
    this.leaveListeners.emit(info);
    if (gen !== this.generation || this.state === 'closed') return;
    // Our own application left: that is a decision to stop, not a failure.
    if (info.initiator === 'local' && info.reason !== WampErrors.PROTOCOL_VIOLATION) {
      this.generation++;
      return this.stop({ reason: 'closed' });
    }
    const error =
      info.reason === CloseReasons.TRANSPORT_LOST
        ? new TransportLostError()
        : new SessionClosedError(info.reason, info.message);
    this.failed(error);
  }

  private failed(error: unknown): void {
    const shouldRetry = this.options.shouldRetry ?? defaultShouldRetry;
    let retry: boolean;
    try {
      retry = shouldRetry(error);
    } catch {
      retry = false;
    }
    if (!retry) return this.stop({ reason: 'refused', error });
    this.attempt++;
    const max = this.retry.maxRetries;
    if (max >= 0 && this.attempt > max) return this.stop({ reason: 'gave_up', error });
    const delay = retryDelay(this.attempt, this.retry, this.options.random);
    this.state = 'waiting';
    const gen = this.generation;
    this.retryListeners.emit(delay, this.attempt, error);
    if (gen !== this.generation) return; // a listener closed us
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (gen === this.generation) void this.connect(gen);
    }, delay);
  }

  private stop(info: ConnectionCloseInfo): void {
    this.state = 'closed';
    this.generation++;
    const error =
      info.error ?? new SessionClosedError(CloseReasons.NORMAL, 'the connection was closed');
    for (const w of this.waiters.splice(0)) w.reject(error);
    this.closeListeners.emit(info);
  }
}
