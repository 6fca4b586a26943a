/**
 * Argument access for management procedures (shared with the center, so it lives in the client).
 * @module
 */
export { Params, invalidArgument } from '@cdc/client';
