/**
 * Registers a realm's public API from the contract (`@cdc/api` PROCEDURES): each
 * procedure under all its names and versions (one without an implementation fails the start), with callers disclosed so that
 * every mutating call is audited (SPEC §4.7) with who made it and how it ended.
 * @module
 */
import { WampError, errorMessage } from '@cdc/protocol';
import type { Dict, Logger } from '@cdc/protocol';
import { PROCEDURES, registeredUris } from '@cdc/api';
import type { ProcedureDef } from '@cdc/api';
import { Params } from '@cdc/client';
import type { InvocationDetails, Session } from '@cdc/client';
import type { RealmStore } from '@cdc/store';
import { storeToWamp } from './errors.js';

export interface CallContext {
  authid: string;
  authrole: string;
  session: number | undefined;
  details: InvocationDetails;
}

export type Implementation = (p: Params, ctx: CallContext) => unknown;

/** Implementations keyed `name@version`. */
export type ImplementationTable = Record<string, Implementation>;

const SECRET_KEYS = /secret|password|ticket|private|token|pin/i;

/** Arguments as the audit log keeps them: values under secret-looking keys are masked. */
export function redact(v: unknown, depth = 0): unknown {
  if (depth > 8 || typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  const out: Dict = {};
  for (const [k, x] of Object.entries(v))
    out[k] = SECRET_KEYS.test(k) ? '***' : redact(x, depth + 1);
  return out;
}

export async function registerApi(
  session: Session,
  store: RealmStore,
  impl: ImplementationTable,
  log: Logger,
): Promise<number> {
  const regs: Promise<unknown>[] = [];
  for (const [d, f] of managementProcedures(impl)) {
    const handler = wrap(d, f, store, log);
    for (const uri of registeredUris(d))
      regs.push(session.register(uri, handler, { discloseCaller: true }));
  }
  await Promise.all(regs);
  return regs.length;
}

/**
 * The contract's procedures of a management realm, each with its implementation: a
 * procedure without one (or an implementation of none) is a bug that must stop the backend
 * at start-up, not a `no_such_procedure` for whoever calls it first.
 */
export function managementProcedures(impl: ImplementationTable): [ProcedureDef, Implementation][] {
  const defs = PROCEDURES.filter((d) => d.group !== 'registration');
  const keys = new Set(defs.map((d) => `${d.name}@${d.version}`));
  const missing = [...keys].filter((k) => impl[k] === undefined);
  const unknown = Object.keys(impl).filter((k) => !keys.has(k));
  if (missing.length > 0 || unknown.length > 0)
    throw new Error(
      [
        missing.length > 0 ? `no implementation of ${missing.join(', ')}` : '',
        unknown.length > 0 ? `implementations of no contract procedure: ${unknown.join(', ')}` : '',
      ]
        .filter((x) => x !== '')
        .join('; '),
    );
  return defs.map((d) => [d, impl[`${d.name}@${d.version}`] as Implementation]);
}

function wrap(d: ProcedureDef, f: Implementation, store: RealmStore, log: Logger) {
  const procedure = `${d.name}@${d.version}`;
  return async (args: unknown[], kwargs: Dict, details: InvocationDetails): Promise<unknown> => {
    const ctx: CallContext = {
      authid: details.callerAuthid ?? 'unknown',
      authrole: details.callerAuthrole ?? 'unknown',
      session: details.caller,
      details,
    };
    try {
      const result = await f(new Params(args, kwargs, d.params), ctx);
      if (d.mutating) await audit(store, log, procedure, ctx, args, kwargs, undefined);
      return result;
    } catch (raw) {
      const e = storeToWamp(raw);
      if (d.mutating) await audit(store, log, procedure, ctx, args, kwargs, e);
      throw e;
    }
  };
}

async function audit(
  store: RealmStore,
  log: Logger,
  procedure: string,
  ctx: CallContext,
  args: unknown[],
  kwargs: Dict,
  error: unknown,
): Promise<void> {
  const failed = error !== undefined;
  const w = error instanceof WampError ? error : undefined;
  try {
    await store.appendAudit({
      time: new Date().toISOString(),
      authid: ctx.authid,
      role: ctx.authrole,
      procedure,
      args: redact(args) as unknown[],
      kwargs: redact(kwargs) as Dict,
      outcome: failed ? 'error' : 'ok',
      error: failed ? (w?.uri ?? 'wamp.error.runtime_error') : null,
      message: failed ? (typeof w?.args[0] === 'string' ? w.args[0] : errorMessage(error)) : null,
    });
  } catch (e) {
    // The call happened; a lost audit record must at least be loud.
    log.error(
      { procedure, authid: ctx.authid, err: errorMessage(e) },
      'audit record could not be written',
    );
  }
}
