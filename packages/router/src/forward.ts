/**
 * Session forwarding (cluster mode, SPEC §9): a router that authenticated a client for a
 * realm it does not serve may hand the session to a forwarder, which carries it message for
 * message to the router that owns the realm (as Crossbar.io's proxy workers forward to
 * router workers). From then on this router only relays: what the client sends goes to the
 * forwarder undecoded, and what the forwarder gets back (WELCOME included, made by the
 * owner) goes to the client.
 * @module
 */
import type { Dict, TransportInfo } from '@cdc/protocol';
import type { Principal } from './types.js';

/** The client's side of a forwarded session, as the forwarder sees it. */
export interface ForwardSink {
  /** One message for the client (sent with the client's serializer). */
  send(message: unknown[]): void;
  /** The owner's side ended: close the client's connection (send GOODBYE/ABORT first). */
  close(): void;
  /**
   * The session ended by GOODBYE from the client (answered by the owner): the forwarder is
   * done and the connection may carry a new session, as on any router.
   */
  release(): void;
}

/** Carries one session to the realm's owner; made by {@link ForwardHook}. */
export interface SessionForwarder {
  /** Called once at hand-over: messages for the client go to `sink` from now on. */
  start(sink: ForwardSink): void;
  /** One message from the client, deserialized but not validated (the owner validates). */
  send(message: unknown): void;
  /** The client's connection closed (or was closed here); `reason` says why. */
  close(reason: string): void;
}

/** What the hook learns about the session it may take over. */
export interface ForwardRequest {
  /** Who authenticated, with the realm they asked for (not served here). */
  principal: Principal;
  /** The client's HELLO details (roles and features the owner must know). */
  hello: Dict;
  /** The client's transport (its peer string, serializer, TLS). */
  transport: TransportInfo;
}

/** How a router forwards: set as `RouterOptions.forward` (or `Router.forward`). */
export interface ForwardHook {
  /**
   * Whether sessions for `realm` (not served here) may be forwarded: the router's
   * authenticators then accept the realm, and roles on it are checked by its owner.
   */
  forwards(realm: string): boolean;
  /**
   * Take one authenticated session over: a forwarder carries it, `undefined` refuses it (the
   * client gets `wamp.error.no_such_realm` as without a hook).
   */
  open(request: ForwardRequest): SessionForwarder | undefined;
}
