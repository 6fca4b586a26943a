/**
 * The result of a call, and what a callee returns to send several args or kwargs.
 * @module
 */
import type { Args, Kwargs } from '@cdc/protocol';
import type { Dict } from './types.js';

/**
 * A call result: positional and keyword results plus the RESULT `Details`. A procedure
 * handler returns one to send several args or kwargs; its `details` then become the YIELD
 * options (for passthru keys such as `ppt_scheme`).
 */
export class CallResult {
  /** Transparent payload bytes (autobahn `enc_*` form), when the result came in that form. */
  payload?: Uint8Array | undefined;

  constructor(
    readonly args: Args = [],
    readonly kwargs: Kwargs = {},
    readonly details: Dict = {},
  ) {}

  /** The first positional result, the common single-value case. */
  get value(): unknown {
    return this.args[0];
  }
}
