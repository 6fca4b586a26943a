/**
 * msgpackr and cbor-x write integers beyond 32 bits as float64, which strict peers (Python)
 * then read as floats and reject as IDs. This prepares a value for them: safe integers
 * outside the 32-bit range become BigInt (written as int64/uint64), and `undefined`
 * members are dropped as JSON does. Copy-on-write: untouched subtrees are shared.
 * @module
 */

function needsInt64(n: number): boolean {
  return (n > 0xffffffff || n < -0x80000000) && Number.isSafeInteger(n);
}

export function prepareForBinary(v: unknown, depth = 0): unknown {
  if (typeof v === 'number') return needsInt64(v) ? BigInt(v) : v;
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array || depth > 64) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const e: unknown = v[i];
      const p = prepareForBinary(e, depth + 1);
      if (p !== e) {
        out ??= v.slice();
        out[i] = p;
      }
    }
    return out ?? v;
  }
  const obj = v as Record<string, unknown>;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const k in obj) {
    const e = obj[k];
    if (e === undefined) {
      changed = true;
      continue;
    }
    const p = prepareForBinary(e, depth + 1);
    if (p !== e) changed = true;
    out[k] = p;
  }
  return changed ? out : v;
}
