/**
 * Validation of node and router configs: JSON Schema first (every error with its path),
 * then the checks a schema cannot express (unique IDs and names).
 * @module
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ConfigError, pointerToPath } from './errors.js';
import type { ConfigIssue } from './errors.js';
import { AJV_OPTIONS, rootSchema, sharedSchemas } from './schemas.js';
import { isValidId } from './patterns.js';
import type { ConfigKind } from './schemas.js';
import type {
  ComponentConfig,
  NodeConfig,
  RouterWorkerConfig,
  TransportConfig,
  WebPathConfig,
  WorkerConfig,
  WorkerRealmConfig,
  WorkerRoleConfig,
} from './types.js';

export type { ConfigKind } from './schemas.js';

/** What a value of each config kind is, once it passed its schema. */
export interface ConfigTypes {
  node: NodeConfig;
  routerWorker: RouterWorkerConfig;
  worker: WorkerConfig;
  realm: WorkerRealmConfig;
  role: WorkerRoleConfig;
  transport: TransportConfig;
  component: ComponentConfig;
  webPath: WebPathConfig;
}

const require = createRequire(import.meta.url);
let ajv: Ajv | undefined;
const validators = new Map<ConfigKind, ValidateFunction>();

/**
 * The validator for a kind: precompiled at build time (`scripts/gen-validators.mjs`), since
 * compiling the schemas costs about a second, too much for every worker process start;
 * compiled on demand when the build step has not run.
 */
function validator(kind: ConfigKind): ValidateFunction {
  let v = validators.get(kind);
  if (v !== undefined) return v;
  try {
    const mod = require(`./validator-${kind}.generated.cjs`) as {
      default?: ValidateFunction;
    } & ValidateFunction;
    v = mod.default ?? mod;
  } catch {
    ajv ??= new Ajv({ ...AJV_OPTIONS, schemas: sharedSchemas() });
    v = ajv.compile(rootSchema(kind));
  }
  validators.set(kind, v);
  return v;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing required field "${String(p['missingProperty'])}"`;
    case 'additionalProperties':
      return `unknown field "${String(p['additionalProperty'])}"`;
    case 'enum':
      return `must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p['allowedValue'])}`;
    case 'pattern':
      return `does not match ${String(p['pattern'])}`;
    case 'discriminator':
      return p['error'] === 'mapping'
        ? `"${String(p['tag'])}" has an unknown value`
        : `"${String(p['tag'])}" is missing or not a string`;
    case 'not':
      // `unsupported(…)` in the schemas: a Crossbar.io key CDC does not implement.
      return /\/properties\/[^/]+\/not$/.test(e.schemaPath)
        ? 'is not supported by CDC'
        : 'has fields that exclude each other (e.g. "permissions" and "authorizer")';
    default:
      return e.message ?? e.keyword;
  }
}

function issuesOf(errors: ErrorObject[] | null | undefined, base: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // Inside a discriminated oneOf, ajv also reports the oneOf itself; the branch errors say more.
    if (e.keyword === 'oneOf' || e.keyword === 'if') continue;
    let path = pointerToPath(e.instancePath);
    if (e.keyword === 'discriminator') {
      const tag = (e.params as { tag: string }).tag;
      path = path === '' ? tag : `${path}.${tag}`;
    }
    const full =
      base === ''
        ? path
        : path === ''
          ? base
          : path.startsWith('[')
            ? `${base}${path}`
            : `${base}.${path}`;
    const message = describe(e);
    const key = `${full}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: full, message });
  }
  return out;
}

/**
 * Validate `value` against one of the config schemas; throws ConfigError naming every bad
 * path. Past the call, `value` is typed as what the schema admits.
 */
export function check<K extends ConfigKind>(
  kind: K,
  value: unknown,
  opts: { base?: string; source?: string } = {},
): asserts value is ConfigTypes[K] {
  const v = validator(kind);
  if (!v(value)) throw new ConfigError(issuesOf(v.errors, opts.base ?? ''), opts.source);
}

/** {@link check} as an expression: the value itself, typed. */
export function checked<K extends ConfigKind>(
  kind: K,
  value: unknown,
  opts: { base?: string; source?: string } = {},
): ConfigTypes[K] {
  check(kind, value, opts);
  return value;
}

function duplicates(values: (string | undefined)[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) {
    if (v === undefined) continue;
    if (seen.has(v)) dup.add(v);
    seen.add(v);
  }
  return dup;
}

function checkRouterSemantics(w: RouterWorkerConfig, base: string, issues: ConfigIssue[]): void {
  const pre = base === '' ? '' : `${base}.`;
  for (const name of duplicates((w.realms ?? []).map((r) => r.name))) {
    issues.push({ path: `${pre}realms`, message: `realm "${name}" is defined twice` });
  }
  for (const rid of duplicates((w.realms ?? []).map((r) => r.id))) {
    issues.push({ path: `${pre}realms`, message: `realm ID "${rid}" is used twice` });
  }
  (w.realms ?? []).forEach((r, i) => {
    for (const name of duplicates((r.roles ?? []).map((x) => x.name))) {
      issues.push({ path: `${pre}realms[${i}].roles`, message: `role "${name}" is defined twice` });
    }
  });
  for (const tid of duplicates((w.transports ?? []).map((t) => t.id))) {
    issues.push({ path: `${pre}transports`, message: `transport ID "${tid}" is used twice` });
  }
  for (const cid of duplicates((w.components ?? []).map((c) => c.id))) {
    issues.push({ path: `${pre}components`, message: `component ID "${cid}" is used twice` });
  }
}

/** Give every worker, realm, transport and component an ID where the config has none. */
export function assignIds(workers: WorkerConfig[]): void {
  const counters = new Map<string, number>();
  const taken = new Set(workers.map((w) => w.id).filter((x) => x !== undefined));
  const next = (prefix: string, used: Set<string | undefined>): string => {
    let n = counters.get(prefix) ?? 0;
    let candidate: string;
    do candidate = `${prefix}${String(++n).padStart(3, '0')}`;
    while (used.has(candidate));
    counters.set(prefix, n);
    used.add(candidate);
    return candidate;
  };
  for (const w of workers) {
    w.id ??= next('worker', taken);
    if (w.type === 'router') {
      const realmIds = new Set((w.realms ?? []).map((r) => r.id));
      // A realm name that is a valid ID serves as its ID (e.g. `realm1`).
      for (const r of w.realms ?? []) {
        if (r.id === undefined && isValidId(r.name) && !realmIds.has(r.name)) {
          r.id = r.name;
          realmIds.add(r.name);
        }
        r.id ??= next('realm', realmIds);
      }
      const tIds = new Set((w.transports ?? []).map((t) => t.id));
      for (const t of w.transports ?? []) t.id ??= next('transport', tIds);
      const cIds = new Set((w.components ?? []).map((c) => c.id));
      for (const c of w.components ?? []) c.id ??= next('component', cIds);
    } else if (w.type === 'container') {
      const cIds = new Set((w.components ?? []).map((c) => c.id));
      for (const c of w.components ?? []) c.id ??= next('component', cIds);
    }
  }
}

/** Validate a whole node `config.json`; returns it with IDs assigned. */
export function validateNodeConfig(value: unknown, source?: string): NodeConfig {
  check('node', value, source !== undefined ? { source } : {});
  const cfg = structuredClone(value);
  const issues: ConfigIssue[] = [];
  const workers = cfg.workers ?? [];
  for (const wid of duplicates(workers.map((w) => w.id))) {
    issues.push({ path: 'workers', message: `worker ID "${wid}" is used twice` });
  }
  workers.forEach((w, i) => {
    if (w.type === 'router') checkRouterSemantics(w, `workers[${i}]`, issues);
  });
  if (issues.length > 0) throw new ConfigError(issues, source);
  assignIds(workers);
  cfg.workers = workers;
  return cfg;
}

/** Validate one router worker entry (as in a node config's `workers`). */
export function validateRouterWorker(value: unknown, source?: string): RouterWorkerConfig {
  check('routerWorker', value, source !== undefined ? { source } : {});
  const w = structuredClone(value);
  const issues: ConfigIssue[] = [];
  checkRouterSemantics(w, '', issues);
  if (issues.length > 0) throw new ConfigError(issues, source);
  assignIds([w]);
  return w;
}

/**
 * What `cdc router start --config FILE` accepts: one router worker entry, or a whole node
 * config whose router workers are run (SPEC §1).
 */
export function routerWorkersFromConfig(value: unknown, source?: string): RouterWorkerConfig[] {
  if (typeof value === 'object' && value !== null && 'version' in value) {
    const node = validateNodeConfig(value, source);
    const routers = (node.workers ?? []).filter(
      (w): w is RouterWorkerConfig => w.type === 'router',
    );
    if (routers.length === 0)
      throw new ConfigError(
        [{ path: 'workers', message: 'no router worker in this node config' }],
        source,
      );
    return routers;
  }
  return [validateRouterWorker(value, source)];
}
