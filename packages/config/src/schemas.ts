/**
 * The config schemas by kind, and how they are compiled (here and by the build-time
 * standalone generator, `scripts/gen-validators.mjs`).
 *
 * The schema modules compose plain objects, so `auth` appears six times inside a transport
 * and a transport inside every router worker. Compiled as they are, ajv would inline every
 * use (megabytes of generated code, several MB of memory in every worker process). So the
 * big shared parts are compiled once, under an `$id`, and referenced with `$ref` elsewhere.
 * @module
 */
import { nodeConfig, routerWorker, worker } from './schema-node.js';
import {
  auth,
  clientTransport,
  component,
  cookie,
  endpoint,
  permission,
  realm,
  role,
  transport,
  webPath,
  websocketOptions,
} from './schema-router.js';

type Schema = Record<string, unknown>;

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

export const AJV_OPTIONS = {
  allErrors: true,
  discriminator: true,
  strict: false,
  // Referenced schemas stay functions of their own instead of being copied into callers.
  inlineRefs: false,
} as const;

/** The parts compiled once and referenced: `cdc:<name>`. */
const SHARED: Record<string, Schema> = {
  permission,
  role,
  realm,
  endpoint,
  auth,
  websocketOptions,
  cookie,
  webPath,
  transport,
  clientTransport,
  component,
  routerWorker,
};

const refOf = new Map<unknown, string>(
  Object.entries(SHARED).map(([name, s]) => [s, `cdc:${name}`]),
);

/** A copy of `s` with every nested shared part replaced by a `$ref` to it. */
function withRefs(s: unknown, top: boolean): unknown {
  if (!top) {
    const ref = refOf.get(s);
    if (ref !== undefined) return { $ref: ref };
  }
  if (Array.isArray(s)) return s.map((x) => withRefs(x, false));
  if (typeof s !== 'object' || s === null) return s;
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, withRefs(v, false)]));
}

/** The shared parts by name (for tools that walk the schemas). */
export function sharedParts(): Readonly<Record<string, Schema>> {
  return SHARED;
}

/** The shared parts, each under its `$id`, to add to an ajv instance before compiling. */
export function sharedSchemas(): Schema[] {
  return Object.entries(SHARED).map(([name, s]) => ({
    ...(withRefs(s, true) as Schema),
    $id: `cdc:${name}`,
  }));
}

/** The schema of a kind as compiled: its shared parts referenced, not inlined. */
export function rootSchema(kind: ConfigKind): Schema {
  return withRefs(SCHEMAS[kind], true) as Schema;
}
