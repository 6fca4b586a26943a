/**
 * `wamp.2.json`: binary values travel as `"\u0000" + base64(bytes)` strings
 * [WAMP basic §Binary conversion of JSON strings].
 * @module
 */
import type { Args, Kwargs } from '../errors.js';
import { fromBase64, toBase64 } from './base64.js';
import { checkJsonDepth } from './depth.js';
import { JsonPayload } from './json-payload.js';
import type { Serializer } from './types.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

function hasBinary(v: object, depth: number): boolean {
  if (v instanceof Uint8Array) return true;
  if (depth > 64) return false;
  // Only objects are descended into: most of a big payload is strings and numbers.
  if (Array.isArray(v)) {
    for (const e of v as unknown[])
      if (typeof e === 'object' && e !== null && hasBinary(e, depth + 1)) return true;
    return false;
  }
  for (const k in v) {
    const e = (v as Record<string, unknown>)[k];
    if (typeof e === 'object' && e !== null && hasBinary(e, depth + 1)) return true;
  }
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

function serializeValue(value: unknown): string {
  return typeof value === 'object' && value !== null && hasBinary(value, 0)
    ? JSON.stringify(value, replacer)
    : JSON.stringify(value);
}

export const jsonSerializer: TextSerializer = {
  id: 'json',
  binary: false,
  rawsocketId: 1,
  serialize(message: unknown[]): string {
    const last = message[message.length - 1];
    if (last instanceof JsonPayload) {
      // `[head…]` + `[payload…]` → `[head…,payload…]`, the payload text untouched.
      const head = serializeValue(message.slice(0, -1));
      return `${head.slice(0, -1)},${last.text.slice(1)}`;
    }
    return serializeValue(message);
  },
  unserialize(data: Uint8Array | string): unknown {
    checkJsonDepth(data);
    const text = typeof data === 'string' ? data : decoder.decode(data);
    // A NUL can only appear escaped in JSON text; without one, skip the (slow) reviver.
    return text.includes('\\u0000') ? JSON.parse(text, reviver) : JSON.parse(text);
  },
};

/** The message with a trailing {@link JsonPayload} parsed into its elements (else itself). */
export function expandJsonPayload(message: unknown[]): unknown[] {
  const last = message[message.length - 1];
  if (!(last instanceof JsonPayload)) return message;
  const elements = jsonSerializer.unserialize(last.text);
  if (!Array.isArray(elements)) throw new TypeError('a JSON payload must be an array');
  return [...message.slice(0, -1), ...(elements as unknown[])];
}

/** A {@link JsonPayload}'s arguments, parsed. */
export function parseJsonPayload(p: JsonPayload): { args: Args; kwargs: Kwargs } {
  const [args = [], kwargs = {}] = jsonSerializer.unserialize(p.text) as [Args?, Kwargs?];
  return { args, kwargs };
}

/**
 * A message's payload elements (from index `from` on) as a {@link JsonPayload}'s text,
 * or undefined when it has none.
 */
export function serializePayload(message: unknown[], from: number): string | undefined {
  return message.length > from ? serializeValue(message.slice(from)) : undefined;
}
