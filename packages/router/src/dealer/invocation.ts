/**
 * One call in flight: the caller's request, the callee's INVOCATION, and what the dealer
 * must do with whatever comes back (relay, drop after a cancel or timeout, re-route).
 * @module
 */
import type { Call, Dict } from '@cdc/protocol';
import type { WampError } from '@cdc/protocol';
import type { RouterSession } from '../session.js';
import type { CalleeEntry, Registration } from './registration.js';

/** The router itself calling (dynamic authenticators and authorizers). */
export interface InternalCall {
  resolve(result: { args: unknown[]; kwargs: Dict }): void;
  reject(error: WampError): void;
}

export class Invocation {
  /** Set when canceled (skip/killnowait) or timed out: later answers are dropped. */
  dropped = false;
  done = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Callees already tried when re-routing after `wamp.error.unavailable`. */
  tried: Set<CalleeEntry> | undefined;
  /** The caller is still streaming progressive call invocations. */
  streaming: boolean;

  constructor(
    readonly id: number,
    public callee: CalleeEntry,
    readonly registration: Registration,
    readonly caller: RouterSession | undefined,
    readonly callerRequestId: number,
    readonly internal: InternalCall | undefined,
    readonly call: Call,
    readonly receiveProgress: boolean,
    readonly timeoutMs: number,
  ) {
    this.streaming = call.options['progress'] === true;
  }
}
