/**
 * @cdc/protocol — the pure WAMP core: messages, validation, URIs and matching,
 * serializers, RawSocket framing and the error catalogue. No I/O.
 * @module
 */
export { MessageType, messageName, ERROR_REQUEST_TYPES } from './codes.js';
export {
  WampErrors,
  CloseReasons,
  CrossbarErrors,
  LimitErrors,
  WAMP_ERROR_CATALOGUE,
  WampError,
  ProtocolError,
  errorMessage,
} from './errors.js';
export type { Args, Kwargs, WampErrorUri, CloseReasonUri } from './errors.js';
export type * from './messages/types.js';
export { encodeMessage } from './messages/encode.js';
export { decodeMessage } from './messages/decode.js';
export {
  MAX_ID,
  isDict,
  isId,
  MATCH_POLICIES,
  INVOKE_POLICIES,
  CANCEL_MODES,
} from './messages/fields.js';
export {
  isValidUri,
  isValidPattern,
  isValidRealmName,
  isReservedUri,
  wildcardMatches,
  compareWildcards,
  convertStarredUri,
} from './uri.js';
export type { MatchPolicy, UriCheck } from './uri.js';
export { UriIndex } from './matching.js';
export * from './serializers/index.js';
export * from './rawsocket/index.js';
export type * from './transport.js';
export { PayloadSizeError, serializedLength } from './transport.js';
export { randomId, IdSequence } from './ids.js';
export { silentLogger } from './log.js';
export type { Logger } from './log.js';
export { ROUTER_ROLES, CLIENT_ROLES, hasFeature } from './features.js';
export {
  normalizeScramKdf,
  saslprep,
  scramAuthMessage,
  SCRAM_ARGON2_DEFAULTS,
  SCRAM_PBKDF2_DEFAULT_ITERATIONS,
} from './scram.js';
export type { ScramKdf, ScramExchange } from './scram.js';
