/**
 * Runtime shapes of values on the wire, each typed with what it guarantees and each able to
 * describe itself as JSON Schema (2020-12). They check the node API's answers (a foreign
 * node, a Crossbar.io edge, may answer otherwise than ours: a wrong shape becomes one clear
 * message where the answer arrives; only what callers rely on is checked, the rest of an
 * object is the node's word), and they describe every parameter and result of the public
 * API, so its JSON Schemas (and an OpenAPI document) are derived from the contract.
 * @module
 */
import type { ConfigKind } from '@cdc/config';

/** A JSON Schema (2020-12) as a plain object. */
export type JsonSchema = { [keyword: string]: unknown };

/** How {@link Shape.schema} renders what the contract refers to elsewhere. */
export interface SchemaOptions {
  /**
   * The schema of a Crossbar.io config of a kind (`routerWorker`, `realm`, …) whose full JSON
   * Schema lives in `@cdc/config` (`SCHEMAS`): e.g. a `$ref` into an OpenAPI document's
   * components. Default: `{type: "object"}` with a description naming it.
   */
  readonly config?: ((kind: ConfigKind) => JsonSchema) | undefined;
}

export interface Shape<T> {
  /** Its name in messages and docs: `string`, `string[]`, `object`. */
  readonly name: string;
  /** What is wrong with `v` (found at `at`), or undefined when it fits. */
  readonly problem: (v: unknown, at: string) => string | undefined;
  /** The JSON Schema of the values it accepts. */
  readonly schema: (options?: SchemaOptions) => JsonSchema;
  /** Set by {@link opt}: a field that may be missing (not `required` in an object schema). */
  readonly optional?: true;
  /** Ties the shape to its type; never set. */
  readonly type?: T;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

function scalar<T>(name: string, test: (v: unknown) => boolean, schema: JsonSchema): Shape<T> {
  return {
    name,
    problem: (v, at) => (test(v) ? undefined : `${at}: ${name} expected, got ${show(v)}`),
    schema: () => ({ ...schema }),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Shape<string> = scalar('string', (v) => typeof v === 'string', {
  type: 'string',
});
export const num: Shape<number> = scalar('number', (v) => typeof v === 'number', {
  type: 'number',
});
export const bool: Shape<boolean> = scalar('boolean', (v) => typeof v === 'boolean', {
  type: 'boolean',
});
/** Any JSON value. */
export const anything: Shape<unknown> = {
  name: 'any',
  problem: () => undefined,
  schema: () => ({}),
};

/** An integer, within bounds when given. */
export function int(min?: number, max?: number): Shape<number> {
  const inRange = (v: number): boolean =>
    (min === undefined || v >= min) && (max === undefined || v <= max);
  const bounds = `${min !== undefined ? ` >= ${min}` : ''}${max !== undefined ? ` <= ${max}` : ''}`;
  return scalar(
    `integer${bounds}`,
    (v) => typeof v === 'number' && Number.isInteger(v) && inRange(v),
    {
      type: 'integer',
      ...(min !== undefined ? { minimum: min } : {}),
      ...(max !== undefined ? { maximum: max } : {}),
    },
  );
}

/** A number within bounds. */
export function range(min: number, max: number): Shape<number> {
  return scalar(
    `number ${min}..${max}`,
    (v) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max,
    { type: 'number', minimum: min, maximum: max },
  );
}

/** A string matching `re` (an ECMAScript regular expression, as JSON Schema's `pattern`). */
export function matching(name: string, re: RegExp): Shape<string> {
  return scalar(name, (v) => typeof v === 'string' && re.test(v), {
    type: 'string',
    pattern: re.source,
  });
}

/** Exactly this string. */
export function literal<T extends string | number | boolean>(value: T): Shape<T> {
  return scalar(JSON.stringify(value), (v) => v === value, { const: value });
}

/** One of these strings. */
export function oneOf<T extends string>(values: readonly T[]): Shape<T> {
  return scalar(
    values.map((v) => JSON.stringify(v)).join(' | '),
    (v) => (values as readonly unknown[]).includes(v),
    { enum: [...values] },
  );
}

/** `T` or null. */
export function nullable<T>(s: Shape<T>): Shape<T | null> {
  return {
    name: `${s.name} | null`,
    problem: (v, at) => (v === null ? undefined : s.problem(v, at)),
    schema: (o) => {
      const inner = s.schema(o);
      const keys = Object.keys(inner).filter((k) => k !== 'description');
      // `{type: "string"}` becomes `{type: ["string", "null"]}`; anything else an anyOf.
      if (keys.length === 1 && typeof inner['type'] === 'string')
        return { ...inner, type: [inner['type'], 'null'] };
      return keys.length === 0 ? inner : { anyOf: [inner, { type: 'null' }] };
    },
  };
}

/** A field that may be missing. */
export function opt<T>(s: Shape<T>): Shape<T | undefined> {
  return {
    name: `${s.name}?`,
    problem: (v, at) => (v === undefined ? undefined : s.problem(v, at)),
    schema: (o) => s.schema(o),
    optional: true,
  };
}

/** One of two shapes (e.g. an ID, or the object ours give). */
export function either<A, B>(a: Shape<A>, b: Shape<B>): Shape<A | B> {
  const name = `${a.name} | ${b.name}`;
  return {
    name,
    problem: (v, at) =>
      a.problem(v, at) === undefined || b.problem(v, at) === undefined
        ? undefined
        : `${at}: ${name} expected, got ${show(v)}`,
    schema: (o) => ({ anyOf: [a.schema(o), b.schema(o)] }),
  };
}

/** A list, every item checked. */
export function listOf<T>(item: Shape<T>): Shape<T[]> {
  return {
    name: `${item.name}[]`,
    problem: (v, at) => {
      if (!Array.isArray(v)) return `${at}: a list expected, got ${show(v)}`;
      for (let i = 0; i < v.length; i++) {
        const p = item.problem(v[i] as unknown, `${at}[${i}]`);
        if (p !== undefined) return p;
      }
      return undefined;
    },
    schema: (o) => ({ type: 'array', items: item.schema(o) }),
  };
}

/** An object used as a map, every value checked. */
export function mapOf<T>(value: Shape<T>): Shape<Record<string, T>> {
  return {
    name: `{[key]: ${value.name}}`,
    problem: (v, at) => {
      if (!isObject(v)) return `${at}: an object expected, got ${show(v)}`;
      for (const [k, x] of Object.entries(v)) {
        const p = value.problem(x, `${at}.${k}`);
        if (p !== undefined) return p;
      }
      return undefined;
    },
    schema: (o) => ({ type: 'object', additionalProperties: value.schema(o) }),
  };
}

/**
 * An object whose named fields are checked (each as its shape says); other fields are not
 * looked at. `T` is given explicitly: the fields' shapes must match its field types. In its
 * schema the fields not made with {@link opt} are `required`.
 */
export function obj<T>(fields: { readonly [K in keyof T]?: Shape<T[K]> } = {}): Shape<T> {
  const entries = Object.entries(fields) as [string, Shape<unknown>][];
  const name =
    entries.length === 0 ? 'object' : `{${entries.map(([k, s]) => `${k}: ${s.name}`).join(', ')}}`;
  return {
    name,
    problem: (v, at) => {
      if (!isObject(v)) return `${at}: an object expected, got ${show(v)}`;
      for (const [k, s] of entries) {
        const p = s.problem(v[k], `${at}.${k}`);
        if (p !== undefined) return p;
      }
      return undefined;
    },
    schema: (o) => {
      const out: JsonSchema = { type: 'object' };
      if (entries.length === 0) return out;
      out['properties'] = Object.fromEntries(entries.map(([k, s]) => [k, s.schema(o)]));
      const required = entries.filter(([, s]) => s.optional !== true).map(([k]) => k);
      if (required.length > 0) out['required'] = required;
      return out;
    },
  };
}

/** A Crossbar.io config of a kind, checked as an object here and in full by the center. */
export function config<T>(kind: ConfigKind, name: string): Shape<T> {
  return {
    name,
    problem: (v, at) => (isObject(v) ? undefined : `${at}: an object expected, got ${show(v)}`),
    schema: (o) =>
      o?.config !== undefined
        ? o.config(kind)
        : {
            type: 'object',
            description: `A Crossbar.io config (${name}, SPEC §5.2); its JSON Schema is @cdc/config's SCHEMAS.${kind}`,
          },
  };
}

/** The same shape with a description in its schema. */
export function described<T>(s: Shape<T>, description: string): Shape<T> {
  return { ...s, schema: (o) => ({ ...s.schema(o), description }) };
}

/**
 * The same shape under its type's name: that name in messages and docs, and `title` in its
 * schema (an OpenAPI generator may make such schemas components).
 */
export function named<T>(title: string, s: Shape<T>): Shape<T> {
  return { ...s, name: title, schema: (o) => ({ title, ...s.schema(o) }) };
}
