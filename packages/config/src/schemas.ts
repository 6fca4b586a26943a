/**
 * The config schemas by kind, and the ajv options they are compiled with (here and by the
 * build-time standalone generator, `scripts/gen-validators.mjs`).
 * @module
 */
import { nodeConfig, routerWorker, worker } from './schema-node.js';
import { component, realm, role, transport, webPath } from './schema-router.js';

export const SCHEMAS = {
  node: nodeConfig,
  routerWorker,
  worker,
  realm,
  role,
  transport,
  component,
  webPath,
} as const;

export type ConfigKind = keyof typeof SCHEMAS;

export const AJV_OPTIONS = { allErrors: true, discriminator: true, strict: false } as const;
