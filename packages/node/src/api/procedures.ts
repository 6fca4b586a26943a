/**
 * Management procedures as tables `name → implementation`, keyed by the node API contract
 * (`@cdc/api`), which gives each its parameter names and result type; registered under a
 * prefix (`crossbar.` for the controller, `crossbar.worker.<id>.` for a worker).
 * @module
 */
import type { Dict } from '@cdc/protocol';
import type { NodeTable, Proc } from '@cdc/api';
import type { InvocationDetails, Registration, Session } from '@cdc/client';
import { Params } from './params.js';

export interface ProcedureContext {
  /** The calling session's ID (for `who` fields), when disclosed. */
  caller: number | undefined;
  details: InvocationDetails;
}

/** What a procedure does with its arguments (named as the contract names them). */
export type Handler<R> = (p: Params, ctx: ProcedureContext) => R | Promise<R>;

/** The implementations of a group of the contract: one per procedure, each with its result type. */
export type Handlers<M> = {
  [K in keyof M]: M[K] extends Proc<readonly unknown[], infer R> ? Handler<R> : never;
};

/**
 * Register every procedure of `handlers` under `prefix`, concurrently, with the parameter
 * names `table` gives it; callers are disclosed.
 */
export async function registerTable<M>(
  session: Session,
  prefix: string,
  table: NodeTable<M>,
  handlers: Handlers<M>,
): Promise<Registration[]> {
  return Promise.all(
    (Object.keys(handlers) as (keyof M & string)[]).map((name) => {
      const run = handlers[name] as Handler<unknown>;
      const params = table[name].params;
      return session.register(
        `${prefix}${name}`,
        (args: unknown[], kwargs: Dict, details: InvocationDetails) =>
          run(new Params(args, kwargs, params), { caller: details.caller, details }),
        { discloseCaller: true },
      );
    }),
  );
}
