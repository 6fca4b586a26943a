/**
 * The JSON Merge Patch (RFC 7396) that turns `from` into `to`: what `modify_router` takes,
 * made from the whole config the editor holds. Keys gone become `null`; arrays and values
 * that differ are replaced whole; `undefined` when nothing changed.
 */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatchBetween(from: unknown, to: unknown): unknown {
  if (!isObject(from) || !isObject(to))
    return JSON.stringify(from) === JSON.stringify(to) ? undefined : to;
  const patch: Record<string, unknown> = {};
  for (const k of Object.keys(from)) if (!(k in to)) patch[k] = null;
  for (const [k, v] of Object.entries(to)) {
    const d = k in from ? mergePatchBetween(from[k], v) : v;
    if (d !== undefined) patch[k] = d;
  }
  return Object.keys(patch).length === 0 ? undefined : patch;
}
