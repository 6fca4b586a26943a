/**
 * @cdc/client — a WAMP client for Node and browsers: `joinSession` over any `Transport`,
 * the `Session` API (call, register, publish, subscribe with the Advanced Profile
 * features), and an auto-reconnecting `Connection`.
 * @module
 */
export { joinSession, DEFAULT_AGENT } from './join.js';
export type { JoinOptions } from './join.js';
export { Session } from './session.js';
export type { SessionOptions } from './session.js';
export { Connection, defaultShouldRetry, FATAL_JOIN_ERRORS } from './connection.js';
export type { Clock, ConnectionOptions, ConnectionCloseInfo } from './connection.js';
export { Failover, UnreachableError, addressList } from './failover.js';
export { retryDelay, retryCap, RETRY_DEFAULTS } from './backoff.js';
export type { RetryOptions, RetryPolicy } from './backoff.js';
export { CallResult } from './result.js';
export { ProgressiveCall } from './roles/progressive-call.js';
export type { ChunkOptions } from './roles/progressive-call.js';
export {
  AbortError,
  SessionClosedError,
  TransportLostError,
  CanceledError,
  CANNOT_AUTHENTICATE,
} from './errors.js';
export { WampError } from '@cdc/protocol';
export type { Args, Kwargs } from '@cdc/protocol';
export { deriveCraKey, craSignature } from './auth/wampcra.js';
export type { ChallengeSigner, ChannelBinding } from './auth/cryptosign.js';
export type { AuthOptions, ChallengeHandler, TicketProvider } from './auth/methods.js';
export type {
  CallOptions,
  CancelMode,
  CloseInfo,
  Dict,
  EventDetails,
  EventHandler,
  InvocationChunk,
  InvocationDetails,
  InvocationHandler,
  InvokePolicy,
  MatchPolicy,
  PassthruOptions,
  Publication,
  PublishOptions,
  RegisterOptions,
  Registration,
  SubscribeOptions,
  Subscription,
  WireOptions,
} from './types.js';
export { Params, invalidArgument } from './params.js';
export { deriveScramCredential } from './auth/scram.js';
export type { ScramCredentialJson } from './auth/scram.js';
