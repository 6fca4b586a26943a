/**
 * Public option, detail and handle types of the client API. Options are camelCase here and
 * mapped to the wire's snake_case keys in one place per role.
 * @module
 */
import type { Args, Kwargs } from '@cdc/protocol';
import type { CallResult } from './result.js';

export type Dict = Record<string, unknown>;
export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';
export type InvokePolicy = 'single' | 'roundrobin' | 'random' | 'first' | 'last';
export type CancelMode = 'skip' | 'kill' | 'killnowait';

/**
 * Payload passthru mode [WAMP advanced §Payload Passthru Mode]: when `pptScheme` is set the
 * payload must be `args = [<bytes>]` and no kwargs; the router copies the options verbatim
 * and never looks inside. The client does not interpret them either.
 */
export interface PassthruOptions {
  pptScheme?: string | undefined;
  pptSerializer?: string | undefined;
  pptCipher?: string | undefined;
  pptKeyid?: string | undefined;
}

/** Options every request accepts. */
export interface WireOptions {
  /** Extra wire options merged verbatim into Options (e.g. `x_…` keys); typed options win. */
  extra?: Dict | undefined;
}

export interface CallOptions extends PassthruOptions, WireOptions {
  /** Ask the dealer to cancel the call after this many ms (`CALL.Options.timeout`). */
  timeout?: number | undefined;
  /** Receive progressive results (`receive_progress`); called for each `progress` RESULT. */
  onProgress?: ((result: CallResult) => void) | undefined;
  /** Abort to cancel the call (CANCEL with {@link CallOptions.cancelMode}). */
  signal?: AbortSignal | undefined;
  /**
   * How to cancel: `skip` (stop waiting), `kill` (interrupt the callee and wait for its
   * answer), `killnowait` (interrupt and stop waiting). Default `killnowait`.
   */
  cancelMode?: CancelMode | undefined;
  /** Ask the router to disclose the caller's identity to the callee. */
  discloseMe?: boolean | undefined;
}

export interface RegisterOptions extends WireOptions {
  match?: MatchPolicy | undefined;
  invoke?: InvokePolicy | undefined;
  /** Per-callee concurrency limit (Crossbar.io extension). */
  concurrency?: number | undefined;
  /** Ask the router to disclose every caller to this callee. */
  discloseCaller?: boolean | undefined;
  /** Take over the procedure from other callees (Crossbar.io extension). */
  forceReregister?: boolean | undefined;
  /** Ask the dealer to forward `CALL.Options.timeout` as `INVOCATION.Details.timeout`. */
  forwardTimeout?: boolean | undefined;
  /** Called when the router revokes the registration (`[67, 0, {registration, reason}]`). */
  onRevoke?: ((reason: string) => void) | undefined;
}

export interface PublishOptions extends PassthruOptions, WireOptions {
  /** Wait for PUBLISHED and resolve with the publication ID. */
  acknowledge?: boolean | undefined;
  /** Default true: the publisher does not receive its own event. */
  excludeMe?: boolean | undefined;
  exclude?: number[] | undefined;
  eligible?: number[] | undefined;
  excludeAuthid?: string[] | undefined;
  excludeAuthrole?: string[] | undefined;
  eligibleAuthid?: string[] | undefined;
  eligibleAuthrole?: string[] | undefined;
  /** Ask the broker to retain the event for later subscribers with `getRetained`. */
  retain?: boolean | undefined;
  discloseMe?: boolean | undefined;
}

export interface SubscribeOptions extends WireOptions {
  match?: MatchPolicy | undefined;
  /** Deliver the retained event (if any) right after subscribing. */
  getRetained?: boolean | undefined;
  /** Called when the router revokes the subscription (`[35, 0, {subscription, reason}]`). */
  onRevoke?: ((reason: string) => void) | undefined;
}

/** One chunk of a progressive call invocation, after the first one. */
export interface InvocationChunk {
  args: Args;
  kwargs: Kwargs;
  /** True for the caller's final chunk. */
  last: boolean;
}

export interface InvocationDetails {
  /** The concrete procedure called (differs from the registered URI for pattern matches). */
  procedure: string;
  caller?: number | undefined;
  callerAuthid?: string | undefined;
  callerAuthrole?: string | undefined;
  /** A forwarded `timeout` in ms, when the dealer forwards one. */
  timeout?: number | undefined;
  /**
   * Send a progressive result. Present only when the caller asked for progress; calls after
   * the invocation ended are ignored.
   */
  progress?: ((args?: Args, kwargs?: Kwargs, options?: PassthruOptions) => void) | undefined;
  /** Aborted when the router interrupts the invocation (call canceled or timed out). */
  signal: AbortSignal;
  /**
   * The caller's further chunks, when the call is a progressive call invocation; ends after
   * the chunk marked `last`.
   */
  input?: AsyncIterable<InvocationChunk> | undefined;
  /** Transparent payload bytes (autobahn `enc_*` form), in place of args. */
  payload?: Uint8Array | undefined;
  /** The INVOCATION `Details` as received (`ppt_*`, `trustlevel`, `x_…`). */
  raw: Dict;
}

/**
 * A procedure implementation. Return a value (sent as `args: [value]`; `undefined` sends
 * no args), a {@link CallResult} for several args/kwargs, or throw a `WampError` to send
 * its URI; any other error becomes `wamp.error.runtime_error` with the error's message.
 */
export type InvocationHandler = (args: Args, kwargs: Kwargs, details: InvocationDetails) => unknown;

export interface EventDetails {
  publication: number;
  /** The concrete topic (differs from the subscribed URI for pattern subscriptions). */
  topic: string;
  publisher?: number | undefined;
  publisherAuthid?: string | undefined;
  publisherAuthrole?: string | undefined;
  /** True for a retained event delivered on subscribe. */
  retained: boolean;
  /** Transparent payload bytes (autobahn `enc_*` form), in place of args. */
  payload?: Uint8Array | undefined;
  /** The EVENT `Details` as received. */
  raw: Dict;
}

export type EventHandler = (args: Args, kwargs: Kwargs, details: EventDetails) => unknown;

/** A procedure registered by this session. */
export interface Registration {
  readonly id: number;
  readonly procedure: string;
  /** False once unregistered or revoked. */
  readonly active: boolean;
  /** Unregister; resolves at once if already inactive. */
  unregister(): Promise<void>;
}

/** One local handler on a (possibly shared) router subscription. */
export interface Subscription {
  readonly id: number;
  readonly topic: string;
  readonly active: boolean;
  /**
   * Remove this handler. The router subscription is dropped (UNSUBSCRIBE) only when its
   * last local handler goes.
   */
  unsubscribe(): Promise<void>;
}

/** An acknowledged publication. */
export interface Publication {
  readonly id: number;
}

/** Why and how a session ended. */
export interface CloseInfo {
  /** The close reason URI: the GOODBYE/ABORT reason, or `wamp.close.transport_lost`. */
  reason: string;
  message?: string | undefined;
  /** Who ended it. */
  initiator: 'local' | 'router' | 'transport';
}
