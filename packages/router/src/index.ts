/**
 * @cdc/router — a WAMP router: realms, broker and dealer (Advanced Profile), meta API,
 * authentication (anonymous, ticket, wampcra, cryptosign; static and dynamic) and
 * authorization (Crossbar.io static roles and dynamic authorizers).
 * @module
 */
export { Router } from './router.js';
export type { RouterOptions, AcceptOptions } from './router.js';
export { DEFAULT_LIMITS, limitsFromConfig } from './limits.js';
export type { RouterLimits, RouterLimitsConfig } from './limits.js';
export { Realm } from './realm.js';
export { RouterSession } from './session.js';
export { CallResult } from './dealer/calls.js';
export type { BuiltinProcedure } from './dealer/calls.js';
export { StaticRole } from './authorization/static-role.js';
export {
  RealmAuthorizer,
  TRUSTED_ROLE,
  parseAuthorizerResult,
} from './authorization/authorizer.js';
export type * from './types.js';
export type * from './auth/types.js';
export type { ForwardHook, ForwardRequest, ForwardSink, SessionForwarder } from './forward.js';
