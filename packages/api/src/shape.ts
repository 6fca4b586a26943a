/**
 * Light runtime checks of values off the wire, each typed with what it guarantees. The node
 * API's results are checked with them, since a foreign node (a Crossbar.io edge) may answer
 * otherwise than ours: a wrong shape becomes one clear message where the answer arrives.
 * Only what callers rely on is checked; the rest of an object is the node's word.
 * @module
 */

export interface Shape<T> {
  /** Its name in messages and docs: `string`, `string[]`, `object`. */
  readonly name: string;
  /** What is wrong with `v` (found at `at`), or undefined when it fits. */
  readonly problem: (v: unknown, at: string) => string | undefined;
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

function scalar<T>(name: string, test: (v: unknown) => boolean): Shape<T> {
  return {
    name,
    problem: (v, at) => (test(v) ? undefined : `${at}: ${name} expected, got ${show(v)}`),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Shape<string> = scalar('string', (v) => typeof v === 'string');
export const num: Shape<number> = scalar('number', (v) => typeof v === 'number');
/** Exactly this string. */
export function literal<T extends string>(value: T): Shape<T> {
  return scalar(JSON.stringify(value), (v) => v === value);
}
/** `T` or null. */
export function nullable<T>(s: Shape<T>): Shape<T | null> {
  return {
    name: `${s.name} | null`,
    problem: (v, at) => (v === null ? undefined : s.problem(v, at)),
  };
}

/** A field that may be missing. */
export function opt<T>(s: Shape<T>): Shape<T | undefined> {
  return {
    name: `${s.name}?`,
    problem: (v, at) => (v === undefined ? undefined : s.problem(v, at)),
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
  };
}

/**
 * An object whose named fields are checked (each as its shape says); other fields are not
 * looked at. `T` is given explicitly: the fields' shapes must match its field types.
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
  };
}
