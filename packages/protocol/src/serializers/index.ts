/**
 * Serializers by id, WebSocket subprotocol and RawSocket number.
 * @module
 */
import { cborSerializer } from './cbor.js';
import { jsonSerializer } from './json.js';
import { msgpackSerializer } from './msgpack.js';
import type { Serializer, SerializerId } from './types.js';

export type { Serializer, SerializerId } from './types.js';
export { jsonSerializer, expandJsonPayload, parseJsonPayload, serializePayload } from './json.js';
export type { TextSerializer } from './json.js';
export { JsonPayload } from './json-payload.js';
export { msgpackSerializer } from './msgpack.js';
export { cborSerializer } from './cbor.js';
export { toBase64, fromBase64 } from './base64.js';
export { MAX_NESTING_DEPTH, NestingDepthError } from './depth.js';

export const SERIALIZERS: Readonly<Record<SerializerId, Serializer>> = {
  json: jsonSerializer,
  msgpack: msgpackSerializer,
  cbor: cborSerializer,
};

export function isSerializerId(id: string): id is SerializerId {
  return id === 'json' || id === 'msgpack' || id === 'cbor';
}

export function serializerByRawSocketId(n: number): Serializer | undefined {
  return Object.values(SERIALIZERS).find((s) => s.rawsocketId === n);
}

/** A WebSocket subprotocol we speak: `wamp.2.<serializer>[.batched]`. */
export interface WampSubprotocol {
  serializer: Serializer;
  batched: boolean;
}

export function parseSubprotocol(name: string): WampSubprotocol | undefined {
  const m = /^wamp\.2\.(json|msgpack|cbor)(\.batched)?$/.exec(name);
  if (m === null) return undefined;
  return { serializer: SERIALIZERS[m[1] as SerializerId], batched: m[2] !== undefined };
}

export function subprotocolName(id: SerializerId, batched = false): string {
  return `wamp.2.${id}${batched ? '.batched' : ''}`;
}
export { splitBatch, joinBatch } from './batched.js';
