/**
 * Argument access for built-in procedures: positional first, then keyword by name; a bad
 * argument is `wamp.error.invalid_argument` naming it.
 * @module
 */
import { WampError, WampErrors, isDict, isValidUri } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';

export function invalid(message: string): WampError {
  return WampError.of(WampErrors.INVALID_ARGUMENT, message);
}

function get(args: unknown[], kwargs: Dict, i: number, name: string): unknown {
  return i < args.length ? args[i] : kwargs[name];
}

export function reqId(args: unknown[], kwargs: Dict, i: number, name: string): number {
  const v = get(args, kwargs, i, name);
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw invalid(`argument "${name}" must be an ID`);
  return v;
}

export function reqString(args: unknown[], kwargs: Dict, i: number, name: string): string {
  const v = get(args, kwargs, i, name);
  if (typeof v !== 'string') throw invalid(`argument "${name}" must be a string`);
  return v;
}

export function optDict(args: unknown[], kwargs: Dict, i: number, name: string): Dict {
  const v = get(args, kwargs, i, name);
  if (v === undefined || v === null) return {};
  if (!isDict(v)) throw invalid(`argument "${name}" must be a dict`);
  return v;
}

export function optStringList(
  args: unknown[],
  kwargs: Dict,
  i: number,
  name: string,
): string[] | undefined {
  const v = get(args, kwargs, i, name);
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'string')) {
    throw invalid(`argument "${name}" must be a list of strings`);
  }
  return v;
}

export function optNumber(
  args: unknown[],
  kwargs: Dict,
  i: number,
  name: string,
  dflt: number,
): number {
  const v = get(args, kwargs, i, name);
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw invalid(`argument "${name}" must be a non-negative integer`);
  return v;
}

/** An optional close/revocation reason: must be a URI. */
export function optReason(v: unknown, dflt: string): string {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !isValidUri(v)) throw invalid('"reason" must be a URI');
  return v;
}
