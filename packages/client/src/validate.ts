/**
 * Local checks of API arguments, so that mistakes fail at the call site with a clear
 * `WampError` instead of a protocol violation from the router, and the mapping of shared
 * option groups onto wire keys.
 * @module
 */
import { WampError, WampErrors, isDict, isValidPattern, isValidUri } from '@cdc/protocol';
import type { Args, Kwargs } from '@cdc/protocol';
import { invalidArgument } from './errors.js';
import type { Dict, MatchPolicy, PassthruOptions, WireOptions } from './types.js';

const MATCHES: readonly string[] = ['exact', 'prefix', 'wildcard'];

/** The URI `checkUri` last accepted. */
let lastValidUri: string | undefined;

/**
 * A procedure or topic URI as used in CALL/PUBLISH: loose rules [WAMP basic §URIs], since
 * routers accept loose URIs by default. Returns the error, or undefined when fine.
 */
export function checkUri(uri: unknown, what: string): WampError | undefined {
  // Applications call and publish the same URI over and over: remember the last good one.
  if (uri === lastValidUri) return undefined;
  if (typeof uri !== 'string' || !isValidUri(uri)) {
    return WampError.of(WampErrors.INVALID_URI, `invalid ${what} URI: ${JSON.stringify(uri)}`);
  }
  lastValidUri = uri;
  return undefined;
}

/** A URI as used in REGISTER/SUBSCRIBE with a match policy. */
export function checkPattern(uri: unknown, match: unknown, what: string): WampError | undefined {
  if (match !== undefined && (typeof match !== 'string' || !MATCHES.includes(match))) {
    return invalidArgument(`invalid match policy: ${JSON.stringify(match)}`);
  }
  const policy = (match ?? 'exact') as MatchPolicy;
  if (typeof uri !== 'string' || !isValidPattern(uri, policy)) {
    return WampError.of(
      WampErrors.INVALID_URI,
      `invalid ${what} URI for match ${policy}: ${JSON.stringify(uri)}`,
    );
  }
  return undefined;
}

/** Normalised payload: `null`/`undefined` mean empty. */
export interface CheckedPayload {
  args: Args;
  kwargs: Kwargs;
}

/** Checks args/kwargs (and the passthru shape when `ppt` asks for it). */
export function checkPayload(
  args: unknown,
  kwargs: unknown,
  ppt: PassthruOptions = {},
): CheckedPayload | WampError {
  const a = args ?? [];
  const kw = kwargs ?? {};
  if (!Array.isArray(a)) return invalidArgument('args must be an array');
  if (!isDict(kw)) return invalidArgument('kwargs must be a plain object');
  if (ppt.pptScheme !== undefined) {
    // [WAMP advanced §Payload Passthru Mode]: a single binary element, no kwargs.
    if (a.length !== 1 || !(a[0] instanceof Uint8Array) || Object.keys(kw).length > 0) {
      return invalidArgument('payload passthru needs args = [Uint8Array] and no kwargs');
    }
  }
  return { args: a, kwargs: kw };
}

/** Sets `target[key] = value` unless the value is undefined (wire options stay minimal). */
export function put(target: Dict, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

/** Starts a wire options dict from `extra`, then adds the passthru keys. */
export function baseOptions(o: WireOptions & PassthruOptions): Dict {
  const out: Dict = { ...(o.extra ?? {}) };
  put(out, 'ppt_scheme', o.pptScheme);
  put(out, 'ppt_serializer', o.pptSerializer);
  put(out, 'ppt_cipher', o.pptCipher);
  put(out, 'ppt_keyid', o.pptKeyid);
  return out;
}

/** A non-negative integer option, or an error naming it. */
export function checkUint(value: unknown, name: string): WampError | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return invalidArgument(`${name} must be a non-negative integer`);
  }
  return undefined;
}

/** A string from a details dict, or undefined. */
export function str(d: Dict, key: string): string | undefined {
  const v = d[key];
  return typeof v === 'string' ? v : undefined;
}

/** A number from a details dict, or undefined. */
export function num(d: Dict, key: string): number | undefined {
  const v = d[key];
  return typeof v === 'number' ? v : undefined;
}
