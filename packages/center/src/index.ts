/**
 * @cdc/center — the DevOps Center: management realms with a backend process each, the
 * center's authenticator, storage, provisioning, health and metrics.
 * @module
 */
export { Center, CENTER_VERSION } from './center.js';
export type { CenterOptions } from './center.js';
export { centerAuthenticator } from './auth.js';
export { BackendSupervisor } from './supervisor.js';
export { addRealm, pairNode, pairKeysDir, grant, readPublicKey } from './provision.js';
export type { KeyInfo } from './provision.js';
export type { GlobalBackendOptions } from './registration/center-link.js';
export type { LimitsOverride } from './registration/limits.js';
export { RegistrationService } from './registration/service.js';
export type { Caller } from './registration/service.js';
export { createMailer, MailError } from './mail/mailer.js';
export type { Mailer, MailerOptions } from './mail/mailer.js';
export { HttpApi, limitsFromEnv, openApiDocument, httpProcedures } from './http-api/index.js';
export type { HttpApiLimits } from './http-api/index.js';
export { makeToken, parseToken, hashSecret } from './tokens/secret.js';
export { ClusterLink } from './cluster/link/index.js';
export type { ClusterLinkOptions, ClusterLinkStats } from './cluster/link/index.js';
