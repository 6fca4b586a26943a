/**
 * Calling the center's public API through the SDK (`@cdc/sdk`): its typed methods are made
 * from the contract, so a command names a procedure by its method and gets its arguments
 * checked by the types. Commands prepare their calls (and read their files) first and
 * connect only then, so a bad argument never needs a center.
 * @module
 */
import type { Center } from '@cdc/sdk/node';
import { printResult } from './output.js';
import { withCenter } from './profile.js';
import type { ConnectionFlags } from './profile.js';

export type CenterFlags = ConnectionFlags & { json?: boolean };

/** A call to make once connected. */
export type PreparedCall = (cdc: Center) => Promise<unknown>;

/**
 * Connect, make the call, print its result: raw with `--json`, else through `human` (or
 * `printResult`'s tables and key/value lists).
 */
export async function runCall(
  flags: CenterFlags,
  call: PreparedCall,
  human?: (value: unknown) => void,
): Promise<void> {
  const value = await withCenter(flags, call);
  if (flags.json === true || human === undefined) printResult(value, flags.json === true);
  else human(value);
}
