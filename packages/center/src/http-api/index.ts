/**
 * The HTTP API of the center (SPEC §7): the handler, its limits and the OpenAPI document.
 * @module
 */
export { HttpApi } from './handler.js';
export { DEFAULT_LIMITS, limitsFromEnv } from './limits.js';
export type { HttpApiLimits } from './limits.js';
export { openApiDocument, httpProcedures } from './openapi.js';
