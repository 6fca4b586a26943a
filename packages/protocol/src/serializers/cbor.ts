/**
 * `wamp.2.cbor` (RFC 8949) via cbor-x.
 * @module
 */
import { Encoder } from 'cbor-x';
import type { Options } from 'cbor-x';
import { checkCborDepth } from './depth.js';
import { prepareForBinary } from './ints.js';
import { expandJsonPayload } from './json.js';
import type { Serializer } from './types.js';

// No records, no typed-array tags, no shared structures: plain CBOR every peer reads.
// `int64AsNumber` (decode 64-bit integers as numbers, not BigInt) is missing from the typings.
const options: Options & { int64AsNumber: boolean } = {
  useRecords: false,
  mapsAsObjects: true,
  variableMapSize: true,
  tagUint8Array: false,
  int64AsNumber: true,
  pack: false,
  structuredClone: false,
};
const encoder = new Encoder(options);

export const cborSerializer: Serializer = {
  id: 'cbor',
  binary: true,
  rawsocketId: 3,
  serialize(message: unknown[]): Uint8Array {
    return encoder.encode(prepareForBinary(expandJsonPayload(message)));
  },
  unserialize(data: Uint8Array | string): unknown {
    if (typeof data === 'string') throw new TypeError('cbor messages must be binary');
    checkCborDepth(data);
    return encoder.decode(data);
  },
};
