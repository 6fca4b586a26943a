/**
 * URI rules [WAMP basic §Identifiers / URIs] and realm names.
 * @module
 */

export type MatchPolicy = 'exact' | 'prefix' | 'wildcard';

// Loose: components are non-empty, contain no '.', '#' or whitespace.
const LOOSE = /^([^\s.#]+\.)*([^\s.#]+)$/;
const LOOSE_EMPTY = /^(([^\s.#]+\.)|\.)*([^\s.#]+)?$/;
// Strict: lowercase letters, digits and '_' only.
const STRICT = /^([0-9a-z_]+\.)*([0-9a-z_]+)$/;
const STRICT_EMPTY = /^(([0-9a-z_]+\.)|\.)*([0-9a-z_]+)?$/;

/** Realm names as autobahn checks them. */
const REALM = /^[A-Za-z][A-Za-z0-9_\-@.]{2,254}$/;

export interface UriCheck {
  /** Strict URIs (lowercase, digits, `_`); loose otherwise. */
  strict?: boolean;
}

/** A concrete URI (procedure or topic as called or published). */
export function isValidUri(uri: string, { strict = false }: UriCheck = {}): boolean {
  return (strict ? STRICT : LOOSE).test(uri);
}

/**
 * A URI as used in REGISTER/SUBSCRIBE with a match policy: wildcard patterns may have empty
 * components; a prefix may be empty or end in `.` (it is a plain string prefix).
 */
export function isValidPattern(
  uri: string,
  match: MatchPolicy,
  { strict = false }: UriCheck = {},
): boolean {
  switch (match) {
    case 'exact':
      return isValidUri(uri, { strict });
    case 'prefix':
      return uri === '' || (strict ? STRICT_EMPTY : LOOSE_EMPTY).test(uri);
    case 'wildcard':
      return (strict ? STRICT_EMPTY : LOOSE_EMPTY).test(uri);
  }
}

export function isValidRealmName(name: string): boolean {
  return REALM.test(name);
}

/** `wamp.` is reserved for the protocol and the router's meta API. */
export function isReservedUri(uri: string): boolean {
  return uri.startsWith('wamp.');
}

/** Whether a wildcard pattern (empty component = any one component) matches a URI. */
export function wildcardMatches(pattern: string[], uri: string[]): boolean {
  if (pattern.length !== uri.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p !== '' && p !== uri[i]) return false;
  }
  return true;
}

/**
 * Orders two wildcard patterns that both match one URI: the one whose first literal run
 * is longer wins, ties broken by the next run [WAMP advanced §Pattern-based Registration].
 * Position by position, a literal component beats an empty one. Negative when `a` wins.
 */
export function compareWildcards(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const la = a[i] !== '';
    const lb = b[i] !== '';
    if (la !== lb) return la ? -1 : 1;
  }
  return 0;
}

/**
 * Crossbar.io permission URIs without `match` use stars: `a.b.*` means prefix `a.b.`,
 * and `a.*.c` means wildcard `a..c` [Crossbar.io Authorization].
 */
export function convertStarredUri(uri: string): { uri: string; match: MatchPolicy } {
  const stars = uri.split('*').length - 1;
  if (stars === 0) return { uri, match: 'exact' };
  if (stars === 1 && uri.endsWith('*')) return { uri: uri.slice(0, -1), match: 'prefix' };
  return { uri: uri.replace(/\*/g, ''), match: 'wildcard' };
}
