/**
 * A method's arguments as the wire takes them: the required ones positional, then the
 * options up to the last one given, in the contract's order, a gap filled with the default
 * the center would apply. What does not fit the method is refused here with
 * `wamp.error.invalid_argument`, before anything is sent.
 * @module
 */
import type { ProcedureDef } from '@cdc/api';
import { WampErrors } from '@cdc/protocol';
import { CdcError } from './errors.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  Object.getPrototypeOf(v) === Object.prototype;

function invalid(label: string, message: string): CdcError {
  return new CdcError(WampErrors.INVALID_ARGUMENT, `${label}: ${message}`);
}

/** How a method is called, for messages: `remote.getWorkerLog(nodeId, workerId, {limit})`. */
export function signature(label: string, d: ProcedureDef): string {
  const req = d.parameters.filter((p) => !p.optional).map((p) => p.option);
  const opts = d.parameters.filter((p) => p.optional).map((p) => p.option);
  const all = [...req, ...(opts.length > 0 ? [`{${opts.join(', ')}}`] : [])];
  return `${label}(${all.join(', ')})`;
}

export function wireArgs(d: ProcedureDef, label: string, given: readonly unknown[]): unknown[] {
  const required = d.parameters.filter((p) => !p.optional);
  const optional = d.parameters.filter((p) => p.optional);
  const max = required.length + (optional.length > 0 ? 1 : 0);
  if (given.length < required.length || given.length > max)
    throw invalid(
      label,
      `takes ${signature(label, d)}, got ${given.length} argument${given.length === 1 ? '' : 's'}`,
    );
  const out = given.slice(0, required.length);
  required.forEach((p, i) => {
    if (out[i] === undefined) throw invalid(label, `${p.option} is missing`);
  });
  const o = given[required.length];
  if (o === undefined) return out;
  if (!isPlainObject(o))
    throw invalid(label, `the last argument must be an options object: ${signature(label, d)}`);
  for (const k of Object.keys(o))
    if (!optional.some((p) => p.option === k))
      throw invalid(
        label,
        `unknown option "${k}" (it takes ${optional.map((p) => p.option).join(', ')})`,
      );
  const values = optional.map((p) => o[p.option]);
  const last = values.findLastIndex((v) => v !== undefined);
  for (let i = 0; i <= last; i++)
    out.push(values[i] !== undefined ? values[i] : optional[i]?.default);
  return out;
}
