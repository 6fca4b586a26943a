/**
 * What a role (caller, callee, publisher, subscriber) needs from its session. Roles keep
 * their own pending requests; the session owns the wire, the request-id counter and the
 * session lifecycle.
 * @module
 */
import type { WampError, WampMessage } from '@cdc/protocol';

export interface RoleContext {
  /** The next request ID from the session's single counter. */
  nextId(): number;
  /**
   * Send a message. Returns the error instead of throwing: a `SessionClosedError` when the
   * session can no longer send, `wamp.error.payload_size_exceeded` when too large.
   */
  send(message: WampMessage): WampError | undefined;
  /** Set when the session takes no new requests (leaving or closed). */
  closedError(): WampError | undefined;
  /** Whether the router announced `feature` for `role` in WELCOME. */
  routerHas(role: 'broker' | 'dealer', feature: string): boolean;
  /** The router broke the protocol: abort the session. */
  violation(message: string): void;
  /** An application callback failed where nobody awaits it (event handler, onProgress…). */
  reportError(error: unknown, where: string): void;
}

/** Settles one pending request. */
export interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** A pending request and its promise. */
export function deferred<T>(): Deferred<T> & { promise: Promise<T> } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
