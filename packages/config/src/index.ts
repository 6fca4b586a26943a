/**
 * @cdc/config — Crossbar.io node config (version 2) schemas, validation with paths, and
 * the ID and name rules.
 * @module
 */
export { ConfigError, pointerToPath } from './errors.js';
export type { ConfigIssue } from './errors.js';
export {
  check,
  checked,
  validateNodeConfig,
  validateRouterWorker,
  routerWorkersFromConfig,
  assignIds,
} from './validate.js';
export type { ConfigKind, ConfigTypes } from './validate.js';
export { ID_PATTERN, REALM_NAME_PATTERN, ID_RE, REALM_NAME_RE, isValidId } from './patterns.js';
export { webPathsOf, withWebPaths } from './web-paths.js';
export type * from './types.js';
