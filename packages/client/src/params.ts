/**
 * Argument access for procedure implementations: positional as documented, or by keyword with
 * the same name. A bad argument is `wamp.error.invalid_argument` naming it.
 * @module
 */
import { WampError, WampErrors, isDict } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
/** IDs of nodes, workers, realms, roles, transports and components (SPEC §3). */
const ID_RE = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const isValidId = (s: string): boolean => ID_RE.test(s);

export function invalidArgument(message: string): WampError {
  return WampError.of(WampErrors.INVALID_ARGUMENT, message);
}

export class Params {
  constructor(
    private readonly args: unknown[],
    private readonly kwargs: Dict,
    private readonly names: readonly string[],
  ) {}

  raw(name: string): unknown {
    const i = this.names.indexOf(name);
    return i >= 0 && i < this.args.length ? this.args[i] : this.kwargs[name];
  }

  /** An ID (`^[a-z0-9][a-z0-9_\-]{0,63}$`, SPEC §3). */
  id(name: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string' || !isValidId(v)) {
      throw invalidArgument(
        `argument "${name}" must be an ID matching ^[a-z0-9][a-z0-9_\\-]{0,63}$, got ${v === undefined ? 'nothing' : JSON.stringify(v)}`,
      );
    }
    return v;
  }

  string(name: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string' || v === '')
      throw invalidArgument(`argument "${name}" must be a non-empty string`);
    return v;
  }

  optString(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw invalidArgument(`argument "${name}" must be a string`);
    return v;
  }

  dict(name: string): Dict {
    const v = this.raw(name);
    if (!isDict(v)) throw invalidArgument(`argument "${name}" must be a dict`);
    return v;
  }

  optDict(name: string): Dict | undefined {
    const v = this.raw(name);
    if (v === undefined || v === null) return undefined;
    if (!isDict(v)) throw invalidArgument(`argument "${name}" must be a dict`);
    return v;
  }

  bool(name: string, dflt: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') throw invalidArgument(`argument "${name}" must be true or false`);
    return v;
  }

  int(name: string, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(name);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw invalidArgument(`argument "${name}" must be an integer from ${min} to ${max}`);
    }
    return v;
  }

  number(name: string, dflt: number, min = 0, max = Number.MAX_VALUE): number {
    const v = this.raw(name);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw invalidArgument(`argument "${name}" must be a number from ${min} to ${max}`);
    }
    return v;
  }

  intList(name: string): number[] {
    const v = this.raw(name);
    if (
      !Array.isArray(v) ||
      !v.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0)
    ) {
      throw invalidArgument(`argument "${name}" must be a list of non-negative integers`);
    }
    return v as number[];
  }

  stringList(name: string, dflt?: string[]): string[] {
    const v = this.raw(name);
    if ((v === undefined || v === null) && dflt !== undefined) return dflt;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      throw invalidArgument(`argument "${name}" must be a list of strings`);
    }
    return v;
  }
}
