/**
 * The WAMP, close and Crossbar.io node URIs of the one error catalogue (the center's own
 * errors live in `@cdc/api`), and the typed errors that carry them.
 * @module
 */

/** `wamp.error.*` and `wamp.close.*` URIs: basic and advanced profile plus de-facto ones. */
export const WampErrors = {
  // Basic profile [WAMP basic §URIs]
  INVALID_URI: 'wamp.error.invalid_uri',
  NO_SUCH_PROCEDURE: 'wamp.error.no_such_procedure',
  PROCEDURE_ALREADY_EXISTS: 'wamp.error.procedure_already_exists',
  NO_SUCH_REGISTRATION: 'wamp.error.no_such_registration',
  NO_SUCH_SUBSCRIPTION: 'wamp.error.no_such_subscription',
  INVALID_ARGUMENT: 'wamp.error.invalid_argument',
  CANCELED: 'wamp.error.canceled',
  PAYLOAD_SIZE_EXCEEDED: 'wamp.error.payload_size_exceeded',
  PROTOCOL_VIOLATION: 'wamp.error.protocol_violation',
  NOT_AUTHORIZED: 'wamp.error.not_authorized',
  AUTHORIZATION_FAILED: 'wamp.error.authorization_failed',
  NO_SUCH_REALM: 'wamp.error.no_such_realm',
  NO_SUCH_ROLE: 'wamp.error.no_such_role',
  // Advanced profile [WAMP advanced §URIs]
  NO_MATCHING_AUTH_METHOD: 'wamp.error.no_matching_auth_method',
  NO_SUCH_PRINCIPAL: 'wamp.error.no_such_principal',
  AUTHENTICATION_DENIED: 'wamp.error.authentication_denied',
  AUTHENTICATION_FAILED: 'wamp.error.authentication_failed',
  AUTHENTICATION_REQUIRED: 'wamp.error.authentication_required',
  AUTHORIZATION_DENIED: 'wamp.error.authorization_denied',
  AUTHORIZATION_REQUIRED: 'wamp.error.authorization_required',
  TIMEOUT: 'wamp.error.timeout',
  OPTION_NOT_ALLOWED: 'wamp.error.option_not_allowed',
  OPTION_DISALLOWED_DISCLOSE_ME: 'wamp.error.option_disallowed.disclose_me',
  NETWORK_FAILURE: 'wamp.error.network_failure',
  UNAVAILABLE: 'wamp.error.unavailable',
  NO_AVAILABLE_CALLEE: 'wamp.error.no_available_callee',
  FEATURE_NOT_SUPPORTED: 'wamp.error.feature_not_supported',
  NO_SUCH_SESSION: 'wamp.error.no_such_session',
  // De facto (autobahn, crossbar)
  NO_AUTH_METHOD: 'wamp.error.no_auth_method',
  PROCEDURE_EXISTS_WITH_DIFFERENT_INVOCATION_POLICY:
    'wamp.error.procedure_exists_with_different_invocation_policy',
  INVALID_PAYLOAD: 'wamp.error.invalid_payload',
  NO_ELIGIBLE_CALLEE: 'wamp.error.no_eligible_callee',
  TYPE_CHECK_ERROR: 'wamp.error.type_check_error',
  HISTORY_UNAVAILABLE: 'wamp.error.history_unavailable',
  TESTAMENT_ERROR: 'wamp.error.testament_error',
  UNREGISTERED: 'wamp.error.unregistered',
  RUNTIME_ERROR: 'wamp.error.runtime_error',
  /** Sent by a client that cannot answer a CHALLENGE (no credentials for the method). */
  CANNOT_AUTHENTICATE: 'wamp.error.cannot_authenticate',
} as const;

export const CloseReasons = {
  NORMAL: 'wamp.close.normal',
  SYSTEM_SHUTDOWN: 'wamp.close.system_shutdown',
  CLOSE_REALM: 'wamp.close.close_realm',
  GOODBYE_AND_OUT: 'wamp.close.goodbye_and_out',
  KILLED: 'wamp.close.killed',
  LOGOUT: 'wamp.close.logout',
  AUTH_CHANGED: 'wamp.close.auth-changed',
  TRANSPORT_LOST: 'wamp.close.transport_lost',
} as const;

/** Errors raised by node controllers and workers (Crossbar.io's names). */
export const CrossbarErrors = {
  MAX_CONCURRENCY_REACHED: 'crossbar.error.max_concurrency_reached',
  INVALID_CONFIGURATION: 'crossbar.error.invalid_configuration',
  NO_SUCH_OBJECT: 'crossbar.error.no_such_object',
  ALREADY_EXISTS: 'crossbar.error.already_exists',
  ALREADY_RUNNING: 'crossbar.error.already_running',
  NOT_RUNNING: 'crossbar.error.not_running',
  CANNOT_LISTEN: 'crossbar.error.cannot_listen',
  CANNOT_START: 'crossbar.error.cannot_start',
  CANNOT_STOP: 'crossbar.error.cannot_stop',
  NO_SUCH_WORKER: 'crossbar.error.no_such_worker',
  WORKER_ALREADY_RUNNING: 'crossbar.error.worker_already_running',
  WORKER_NOT_RUNNING: 'crossbar.error.worker_not_running',
  FEATURE_UNAVAILABLE: 'crossbar.error.feature_unavailable',
  CLASS_IMPORT_FAILED: 'crossbar.error.class_import_failed',
  CANNOT_CONNECT: 'crossbar.error.cannot_connect',
  RUNTIME_ERROR: 'crossbar.error.runtime_error',
} as const;

/** A router's limits on hostile or runaway peers (docs/RELIABILITY.md, "Limits and hostile input"). */
export const LimitErrors = {
  /** Too many registrations or subscriptions held by one session. */
  LIMIT_EXCEEDED: 'com.crossbario.cdc.error.limit_exceeded',
  /** Too many failed authentications from a source address or for an authid; wait and retry. */
  AUTHENTICATION_THROTTLED: 'com.crossbario.cdc.error.authentication_throttled',
  /** Too many connections from one source address that have not authenticated yet. */
  TOO_MANY_CONNECTIONS: 'com.crossbario.cdc.error.too_many_connections',
} as const;

export type WampErrorUri = (typeof WampErrors)[keyof typeof WampErrors];
export type CloseReasonUri = (typeof CloseReasons)[keyof typeof CloseReasons];

/**
 * Every protocol and node URI with a one-line meaning. With the center's own errors
 * (`@cdc/api`) it makes the one catalogue that `docs/errors.md` is generated from.
 */
export const WAMP_ERROR_CATALOGUE: Readonly<Record<string, string>> = {
  [WampErrors.INVALID_URI]: 'A URI does not follow the URI rules in force (strict or loose).',
  [WampErrors.NO_SUCH_PROCEDURE]: 'No registration matches the called procedure.',
  [WampErrors.PROCEDURE_ALREADY_EXISTS]: 'The procedure is already registered (invoke: single).',
  [WampErrors.NO_SUCH_REGISTRATION]: 'The registration ID is unknown to the session.',
  [WampErrors.NO_SUCH_SUBSCRIPTION]: 'The subscription ID is unknown to the session.',
  [WampErrors.INVALID_ARGUMENT]: 'An argument has the wrong type or value.',
  [WampErrors.CANCELED]: 'The call was canceled by the caller, the callee or the router.',
  [WampErrors.PAYLOAD_SIZE_EXCEEDED]: 'A message is larger than the transport allows.',
  [WampErrors.PROTOCOL_VIOLATION]: 'The peer broke the protocol; the session is aborted.',
  [WampErrors.NOT_AUTHORIZED]: 'The session may not perform this action, or authentication failed.',
  [WampErrors.AUTHORIZATION_FAILED]: 'The authorizer itself failed while deciding.',
  [WampErrors.NO_SUCH_REALM]: 'The realm asked for does not exist on this router.',
  [WampErrors.NO_SUCH_ROLE]: 'The role given by authentication does not exist on the realm.',
  [WampErrors.NO_MATCHING_AUTH_METHOD]: 'None of the offered authentication methods is accepted.',
  [WampErrors.NO_SUCH_PRINCIPAL]: 'The authid is unknown to the authentication method.',
  [WampErrors.AUTHENTICATION_DENIED]: 'The authenticator refused the principal.',
  [WampErrors.AUTHENTICATION_FAILED]:
    'The credentials given were wrong (ticket, secret, signature).',
  [WampErrors.AUTHENTICATION_REQUIRED]: 'This transport needs authentication but none was offered.',
  [WampErrors.AUTHORIZATION_DENIED]: 'The authorizer denied the action.',
  [WampErrors.AUTHORIZATION_REQUIRED]: 'The action needs an authorization that is not configured.',
  [WampErrors.TIMEOUT]: 'The call did not finish within its timeout.',
  [WampErrors.OPTION_NOT_ALLOWED]: 'An option is not allowed here.',
  [WampErrors.OPTION_DISALLOWED_DISCLOSE_ME]: 'The caller asked to be disclosed but may not be.',
  [WampErrors.NETWORK_FAILURE]: 'The network failed while the request was in flight.',
  [WampErrors.UNAVAILABLE]: 'The callee is unavailable and asks the router to try another.',
  [WampErrors.NO_AVAILABLE_CALLEE]: 'No callee was available to take the call.',
  [WampErrors.FEATURE_NOT_SUPPORTED]: 'A peer involved does not support the feature asked for.',
  [WampErrors.NO_SUCH_SESSION]: 'No session with that ID exists on the realm.',
  [WampErrors.NO_AUTH_METHOD]: 'None of the offered authentication methods is configured.',
  [WampErrors.PROCEDURE_EXISTS_WITH_DIFFERENT_INVOCATION_POLICY]:
    'A shared registration exists with another invocation policy.',
  [WampErrors.INVALID_PAYLOAD]: 'The payload could not be processed.',
  [WampErrors.NO_ELIGIBLE_CALLEE]: 'No callee is eligible for the call.',
  [WampErrors.TYPE_CHECK_ERROR]: 'Arguments failed a type check.',
  [WampErrors.HISTORY_UNAVAILABLE]: 'Event history is not kept for the subscription.',
  [WampErrors.TESTAMENT_ERROR]: 'A testament could not be added or flushed.',
  [WampErrors.UNREGISTERED]: 'The registration was removed by the router.',
  [WampErrors.RUNTIME_ERROR]: 'The callee failed with an error that had no URI of its own.',
  [WampErrors.CANNOT_AUTHENTICATE]:
    "The client has no credentials to answer the router's challenge.",
  [CloseReasons.NORMAL]: 'Normal close.',
  [CloseReasons.SYSTEM_SHUTDOWN]: 'The router is shutting down.',
  [CloseReasons.CLOSE_REALM]: 'The realm is being closed.',
  [CloseReasons.GOODBYE_AND_OUT]: 'Reply to a GOODBYE.',
  [CloseReasons.KILLED]: 'The session was killed through the meta API.',
  [CloseReasons.LOGOUT]: 'The session logged out.',
  [CloseReasons.AUTH_CHANGED]: 'The credentials of the session were revoked or changed.',
  [CloseReasons.TRANSPORT_LOST]: 'The transport closed without a GOODBYE.',
  [LimitErrors.LIMIT_EXCEEDED]:
    'A session holds as many registrations or subscriptions as the router allows; the message names the limit.',
  [LimitErrors.AUTHENTICATION_THROTTLED]:
    'Too many failed authentications from this source address or for this authid; the message says when to try again.',
  [LimitErrors.TOO_MANY_CONNECTIONS]:
    'Too many connections from this source address have not authenticated yet; the new one is refused.',
  [CrossbarErrors.MAX_CONCURRENCY_REACHED]: 'The callee has reached its concurrency limit.',
  [CrossbarErrors.INVALID_CONFIGURATION]:
    'A configuration failed validation; the message names the path.',
  [CrossbarErrors.NO_SUCH_OBJECT]: 'No realm, role, transport, service or component with that ID.',
  [CrossbarErrors.ALREADY_EXISTS]: 'An object with that ID or name exists already.',
  [CrossbarErrors.ALREADY_RUNNING]: 'The object is running already.',
  [CrossbarErrors.NOT_RUNNING]: 'The object is not running.',
  [CrossbarErrors.CANNOT_LISTEN]: 'The transport could not listen (e.g. the port is in use).',
  [CrossbarErrors.CANNOT_START]: 'The object could not be started.',
  [CrossbarErrors.CANNOT_STOP]: 'The object could not be stopped.',
  [CrossbarErrors.NO_SUCH_WORKER]: 'No worker with that ID runs on the node.',
  [CrossbarErrors.WORKER_ALREADY_RUNNING]: 'A worker with that ID runs already.',
  [CrossbarErrors.WORKER_NOT_RUNNING]: 'The worker is not running.',
  [CrossbarErrors.FEATURE_UNAVAILABLE]: 'The feature is not available on this node or worker.',
  [CrossbarErrors.CLASS_IMPORT_FAILED]: 'A component module could not be loaded.',
  [CrossbarErrors.CANNOT_CONNECT]: 'A component could not connect to its router.',
  [CrossbarErrors.RUNTIME_ERROR]: 'An unexpected failure in the node or a worker.',
};

export type Args = unknown[];
export type Kwargs = Record<string, unknown>;

/** An application-level WAMP error: a URI plus optional payload, as carried by ERROR. */
export class WampError extends Error {
  override name = 'WampError';
  readonly uri: string;
  readonly args: Args;
  readonly kwargs: Kwargs;

  constructor(uri: string, args: Args = [], kwargs: Kwargs = {}, options?: ErrorOptions) {
    const first = args[0];
    super(typeof first === 'string' ? `${uri}: ${first}` : uri, options);
    this.uri = uri;
    this.args = args;
    this.kwargs = kwargs;
  }

  /** An error with a human-readable message as its first argument. */
  static of(uri: string, message: string, kwargs: Kwargs = {}): WampError {
    return new WampError(uri, [message], kwargs);
  }
}

/** A protocol violation: the peer sent something the protocol forbids. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  readonly uri: string = WampErrors.PROTOCOL_VIOLATION;
}

/** The message of anything thrown: an Error's message, else its string form. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
