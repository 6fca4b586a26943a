/**
 * `wamp.2.json`: binary values travel as `"\u0000" + base64(bytes)` strings
 * [WAMP basic §Binary conversion of JSON strings].
 * @module
 */
import { fromBase64, toBase64 } from './base64.js';
import type { Serializer } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

function hasBinary(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null || depth > 64) return false;
  if (v instanceof Uint8Array) return true;
  if (Array.isArray(v)) {
    for (const e of v) if (hasBinary(e, depth + 1)) return true;
    return false;
  }
  for (const k in v) if (hasBinary((v as Record<string, unknown>)[k], depth + 1)) return true;
  return false;
}

// Buffer#toJSON runs before a replacer sees the value, so read the original from the holder.
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? '\u0000' + toBase64(raw) : value;
}

function reviver(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.charCodeAt(0) === 0
    ? fromBase64(value.slice(1))
    : value;
}

/** A serializer whose wire form is text. */
export interface TextSerializer extends Serializer {
  serialize(message: unknown[]): string;
}

export const jsonSerializer: TextSerializer = {
  id: 'json',
  binary: false,
  rawsocketId: 1,
  serialize(message: unknown[]): string {
    return hasBinary(message, 0) ? JSON.stringify(message, replacer) : JSON.stringify(message);
  },
  unserialize(data: Uint8Array | string): unknown {
    const text = typeof data === 'string' ? data : decoder.decode(data);
    // A NUL can only appear escaped in JSON text; without one, skip the (slow) reviver.
    return text.includes('\\u0000') ? JSON.parse(text, reviver) : JSON.parse(text);
  },
};
