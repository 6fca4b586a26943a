/**
 * Payload helpers shared by broker and dealer: appending `Arguments`/`ArgumentsKw` (or a
 * transparent payload, or a payload still in its JSON text) to an outgoing message, and copying passthru options verbatim.
 * @module
 */
import type { Dict, Payload } from '@cdc/protocol';

/** Append a message's payload in wire order; empty args are left out unless kwargs follow. */
export function appendPayload(out: unknown[], m: Payload): unknown[] {
  const raw = m.payload ?? m.json;
  if (raw !== undefined) {
    out.push(raw);
    return out;
  }
  const kw = m.kwargs;
  let hasKw = false;
  if (kw !== undefined)
    for (const _ in kw) {
      hasKw = true;
      break;
    }
  if (hasKw) out.push(m.args ?? [], kw);
  else if (m.args !== undefined && m.args.length > 0) out.push(m.args);
  return out;
}

const PASSTHRU_KEYS = [
  'ppt_scheme',
  'ppt_serializer',
  'ppt_cipher',
  'ppt_keyid',
  'enc_algo',
  'enc_key',
  'enc_serializer',
] as const;

/** Copy payload passthru / transparency options (both the spec's and autobahn's forms). */
export function copyPassthru(from: Dict, to: Dict): void {
  // Most CALL/YIELD/PUBLISH options are empty: skip the seven lookups then.
  if (isEmpty(from)) return;
  for (const k of PASSTHRU_KEYS) {
    const v = from[k];
    if (v !== undefined) to[k] = v;
  }
}

function isEmpty(d: Dict): boolean {
  for (const _ in d) return false;
  return true;
}

/** Whether a message uses payload passthru (so the receiving peer must support it). */
export function usesPassthru(options: Dict): boolean {
  return options['ppt_scheme'] !== undefined || options['enc_algo'] !== undefined;
}
