/**
 * Batched WebSocket subprotocols (`wamp.2.<ser>.batched`): JSON appends 0x1E after each
 * message; binary serializers prefix each with a uint32 big-endian length. An empty batch
 * is an error [WAMP advanced §Batched WebSocket transport].
 * @module
 */

const encoder = new TextEncoder();

/** Split one WebSocket message of a batched subprotocol into its WAMP messages. */
export function splitBatch(data: Uint8Array | string, binary: boolean): (Uint8Array | string)[] {
  if (!binary) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    const parts = text.split('\u001e');
    if (parts[parts.length - 1] === '') parts.pop();
    if (parts.length === 0) throw new Error('empty batch');
    return parts;
  }
  if (typeof data === 'string') throw new Error('binary batch must be bytes');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new Error('truncated batch length prefix');
    const len = view.getUint32(pos);
    pos += 4;
    if (pos + len > data.length) throw new Error('batch element exceeds message');
    out.push(data.subarray(pos, pos + len));
    pos += len;
  }
  if (out.length === 0) throw new Error('empty batch');
  return out;
}

/** Join serialized WAMP messages into one WebSocket message of a batched subprotocol. */
export function joinBatch(parts: (Uint8Array | string)[], binary: boolean): Uint8Array | string {
  if (!binary)
    return parts
      .map((p) => (typeof p === 'string' ? p : new TextDecoder().decode(p)) + '\u001e')
      .join('');
  const bytes = parts.map((p) => (typeof p === 'string' ? encoder.encode(p) : p));
  const total = bytes.reduce((n, b) => n + 4 + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const b of bytes) {
    view.setUint32(pos, b.length);
    out.set(b, pos + 4);
    pos += 4 + b.length;
  }
  return out;
}
