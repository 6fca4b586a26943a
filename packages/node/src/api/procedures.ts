/**
 * Management procedures as tables `name → implementation`, registered under a prefix
 * (`crossbar.` for the controller, `crossbar.worker.<id>.` for a worker).
 * @module
 */
import type { Dict } from '@cdc/protocol';
import type { InvocationDetails, Registration, Session } from '@cdc/client';
import { Params } from './params.js';

export interface ProcedureContext {
  /** The calling session's ID (for `who` fields), when disclosed. */
  caller: number | undefined;
  details: InvocationDetails;
}

/** One procedure: its positional parameter names, and what it does with them. */
export interface ProcedureSpec {
  params: readonly string[];
  run(p: Params, ctx: ProcedureContext): unknown;
}

export type ProcedureTable = Record<string, ProcedureSpec>;

/** Shorthand to declare a procedure. */
export function proc(
  params: readonly string[],
  run: (p: Params, ctx: ProcedureContext) => unknown,
): ProcedureSpec {
  return { params, run };
}

/** Register every procedure of `table` under `prefix`, concurrently; callers are disclosed. */
export async function registerTable(
  session: Session,
  prefix: string,
  table: ProcedureTable,
): Promise<Registration[]> {
  return Promise.all(
    Object.entries(table).map(([name, spec]) =>
      session.register(
        `${prefix}${name}`,
        (args: unknown[], kwargs: Dict, details: InvocationDetails) =>
          spec.run(new Params(args, kwargs, spec.params), { caller: details.caller, details }),
        { discloseCaller: true },
      ),
    ),
  );
}
