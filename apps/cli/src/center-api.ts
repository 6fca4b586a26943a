/**
 * Calling the center's public API by the contract (`@cdc/api`): a command names a procedure
 * by its group and short name, gets its `@1` URI from PROCEDURES, and its arguments are
 * checked against the contract's parameters. Commands prepare their calls (and read their
 * files) first and connect only then, so a bad argument never needs a center.
 * @module
 */
import { PROCEDURES } from '@cdc/api';
import type { ProcedureDef } from '@cdc/api';
import type { Session } from '@cdc/client';
import { printResult } from './output.js';
import { withCenter } from './profile.js';
import type { ConnectionFlags } from './profile.js';

export type CenterFlags = ConnectionFlags & { json?: boolean };

export interface PreparedCall {
  uri: string;
  args: unknown[];
}

/** The definition of `<group prefix>.<short>@<version>`; a missing one is a bug in the CLI. */
export function procedure(group: ProcedureDef['group'], short: string, version = 1): ProcedureDef {
  const d = PROCEDURES.find(
    (p) => p.group === group && p.version === version && p.name.endsWith(`.${short}`),
  );
  if (d === undefined)
    throw new Error(`the contract (@cdc/api) has no ${group} procedure ${short}@${version}`);
  return d;
}

/** A call of `short@version` with positional arguments, in the order of the contract's params. */
export function prepare(
  group: ProcedureDef['group'],
  short: string,
  args: readonly unknown[],
  version = 1,
): PreparedCall {
  const d = procedure(group, short, version);
  if (args.length > d.params.length)
    throw new Error(`${d.name} takes ${d.params.join(', ')}; the CLI passed ${args.length}`);
  return { uri: `${d.name}@${d.version}`, args: [...args] };
}

export const remoteCall = (short: string, args: readonly unknown[]): PreparedCall =>
  prepare('remote', short, args);
export const configCall = (short: string, args: readonly unknown[]): PreparedCall =>
  prepare('config', short, args);

/** Make a prepared call on an open session; its result. */
export async function invoke(s: Session, c: PreparedCall): Promise<unknown> {
  return (await s.call(c.uri, c.args)).value;
}

/**
 * Connect, make the call, print its result: raw with `--json`, else through `human` (or
 * `printResult`'s tables and key/value lists).
 */
export async function runCall(
  flags: CenterFlags,
  c: PreparedCall,
  human?: (value: unknown) => void,
): Promise<void> {
  const value = await withCenter(flags, (s) => invoke(s, c));
  if (flags.json === true || human === undefined) printResult(value, flags.json === true);
  else human(value);
}
