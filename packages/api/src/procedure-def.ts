/**
 * How the public API's tables are declared and what they become: a table is typed by its
 * map in `public-api.ts` (every procedure of the map, no other; each required parameter
 * with a name and a shape, each optional one with a shape and the default the center
 * applies; a result shape; a remote procedure's node target), and each entry becomes a
 * {@link ProcedureDef}, from which the center registers, the router's roles are made, the
 * SDK makes its methods, and JSON Schemas of arguments and results are derived.
 * @module
 */
import type { ControllerProcedure, NodeProcedure, WorkerProcedure } from './node-api.js';
import type { PublicProc } from './public-api.js';
import type { GlobalRole, UserRole } from './roles.js';
import type { JsonSchema, SchemaOptions, Shape } from './shape.js';

/**
 * Where a remote procedure goes on the node (SPEC §4.2), by its name in the node API:
 * `node`: `crossbar.<proc>`; `worker`: `crossbar.worker.<worker_id>.<proc>` (the worker ID
 * is the first argument after the node ID).
 */
export type RemoteTarget =
  { level: 'node'; proc: ControllerProcedure } | { level: 'worker'; proc: WorkerProcedure };

export type ProcedureGroup = 'global' | 'management' | 'remote' | 'config' | 'registration';

/** One parameter of a procedure, in positional order: the required ones, then the optional ones. */
export interface ParamDef {
  /** The name on the wire (positional place, or keyword). */
  name: string;
  shape: Shape<unknown>;
  /** May be left out; the center then applies {@link ParamDef.default}. */
  optional: boolean;
  /** What the center takes when an optional parameter is left out. */
  default?: unknown;
  /** The SDK's name for it: camelCase, a leading `filter_` dropped (`filter_status` → `status`). */
  option: string;
  description?: string;
  /** Other keyword names the center takes for it (the seed's). */
  aliases?: readonly string[];
}

export interface ProcedureDef {
  /** The name without version, e.g. `com.crossbario.cdc.get_nodes`. */
  name: string;
  version: number;
  /** Other names for the same procedure (without version). */
  aliases: readonly string[];
  /** Positional parameter names; keyword arguments with the same names work too. */
  params: readonly string[];
  /** The parameters in the same order, with their shapes and defaults. */
  parameters: readonly ParamDef[];
  /** What it answers. */
  result: Shape<unknown>;
  /** The least role that may call it (`registration`: a role of the global realm). */
  role: UserRole | GlobalRole;
  /** Changes something: audited. */
  mutating: boolean;
  /** `registration` procedures live on the global realm, the others on management realms. */
  group: ProcedureGroup;
  summary: string;
  remote?: RemoteTarget;
}

/** A required parameter as a table declares it. */
export interface Param<T> {
  readonly name: string;
  readonly shape: Shape<T>;
  readonly description?: string;
  /** Other keyword names the center takes for it (the seed's). */
  readonly aliases?: readonly string[];
}

/** An optional parameter as a table declares it (its name is its key). */
export interface Option<T> {
  readonly shape: Shape<T>;
  readonly default: T;
  readonly description?: string;
}

type AnyProc = PublicProc<readonly unknown[], unknown>;
type Params<A extends readonly unknown[]> = { readonly [I in keyof A]: Param<A[I]> };
type Options<O> = { readonly [K in keyof O]-?: Option<Exclude<O[K], undefined>> };

/** One entry of a table, typed by its procedure in the map. */
export type ProcSpec<P extends AnyProc> = {
  readonly params: Params<P['args']>;
  readonly result: Shape<P['result']>;
  readonly role: UserRole | GlobalRole;
  readonly mutating: boolean;
  readonly summary: string;
  readonly aliases?: readonly string[];
} & ([keyof P['options']] extends [never]
  ? { readonly options?: undefined }
  : { readonly options: Options<P['options']> }) &
  (P extends { target: infer T extends NodeProcedure }
    ? { readonly target: T }
    : { readonly target?: undefined });

/** A table: one entry per procedure of the map `M`, keyed `name@version`. */
export type ProcTable<M> = {
  readonly [K in keyof M]: M[K] extends AnyProc ? ProcSpec<M[K]> : never;
};

/** A required parameter (`aliases`: other keyword names the center takes for it). */
export function param<T>(
  name: string,
  shape: Shape<T>,
  description?: string,
  aliases?: readonly string[],
): Param<T> {
  return {
    name,
    shape,
    ...(description !== undefined ? { description } : {}),
    ...(aliases !== undefined ? { aliases } : {}),
  };
}

/** `get_worker_log` → `getWorkerLog`. */
export function camelCase(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The SDK's name of an optional parameter. */
export function optionName(name: string): string {
  return camelCase(name.replace(/^filter_/, ''));
}

function targetOf(t: string): RemoteTarget {
  return t.startsWith('worker.')
    ? { level: 'worker', proc: t.slice('worker.'.length) as WorkerProcedure }
    : { level: 'node', proc: t as ControllerProcedure };
}

interface LooseSpec {
  params: readonly Param<unknown>[];
  options?: Readonly<Record<string, Option<unknown>>> | undefined;
  result: Shape<unknown>;
  role: UserRole | GlobalRole;
  mutating: boolean;
  summary: string;
  aliases?: readonly string[] | undefined;
  target?: string | undefined;
}

/** The definitions of a table, in its order. */
export function definitions<M>(group: ProcedureGroup, table: ProcTable<M>): ProcedureDef[] {
  return Object.entries<LooseSpec>(table as Record<string, LooseSpec>).map(([uri, s]) => {
    const at = uri.lastIndexOf('@');
    const parameters: ParamDef[] = [
      ...s.params.map((p) => ({ ...p, optional: false, option: optionName(p.name) })),
      ...Object.entries(s.options ?? {}).map(([name, o]) => ({
        name,
        ...o,
        optional: true,
        option: optionName(name),
      })),
    ];
    return {
      group,
      name: uri.slice(0, at),
      version: Number(uri.slice(at + 1)),
      aliases: s.aliases ?? [],
      params: parameters.map((p) => p.name),
      parameters,
      result: s.result,
      role: s.role,
      mutating: s.mutating,
      summary: s.summary,
      ...(s.target !== undefined ? { remote: targetOf(s.target) } : {}),
    };
  });
}

/** The JSON Schema of one parameter: its shape's, with its description and default. */
export function paramSchema(p: ParamDef, options?: SchemaOptions): JsonSchema {
  const out = p.shape.schema(options);
  if (p.description !== undefined) out['description'] = p.description;
  if (p.optional && p.default !== undefined) out['default'] = p.default;
  return out;
}

/** The JSON Schema (2020-12) of a procedure's positional arguments. */
export function argsSchema(d: ProcedureDef, options?: SchemaOptions): JsonSchema {
  const required = d.parameters.filter((p) => !p.optional).length;
  const out: JsonSchema = { type: 'array', minItems: required, maxItems: d.parameters.length };
  if (d.parameters.length > 0) {
    out['prefixItems'] = d.parameters.map((p) => paramSchema(p, options));
    out['items'] = false;
  }
  return out;
}

/**
 * The JSON Schema (2020-12) of a procedure's arguments given by keyword; a parameter's
 * keyword aliases are properties too, and a required one is there under one of its names.
 */
export function kwargsSchema(d: ProcedureDef, options?: SchemaOptions): JsonSchema {
  const properties: JsonSchema = {};
  for (const p of d.parameters) {
    properties[p.name] = paramSchema(p, options);
    for (const a of p.aliases ?? [])
      properties[a] = { ...paramSchema(p, options), description: `the same as ${p.name}` };
  }
  const out: JsonSchema = { type: 'object', properties, additionalProperties: false };
  const required = d.parameters.filter((p) => !p.optional);
  const plain = required.filter((p) => (p.aliases ?? []).length === 0).map((p) => p.name);
  const either = required
    .filter((p) => (p.aliases ?? []).length > 0)
    .map((p) => ({ anyOf: [p.name, ...(p.aliases ?? [])].map((n) => ({ required: [n] })) }));
  if (plain.length > 0) out['required'] = plain;
  if (either.length > 0) out['allOf'] = either;
  return out;
}

/** The JSON Schema (2020-12) of what a procedure answers. */
export function resultSchema(d: ProcedureDef, options?: SchemaOptions): JsonSchema {
  return d.result.schema(options);
}
