/**
 * `wamp.2.msgpack` (MessagePack spec v5: str and bin distinct). Decoding by msgpackr;
 * encoding by our own {@link MsgpackEncoder} (see there why).
 * @module
 */
import { Unpackr } from 'msgpackr';
import { checkMsgpackDepth } from './depth.js';
import { expandJsonPayload } from './json.js';
import { MsgpackEncoder } from './msgpack-encode.js';
import type { Serializer } from './types.js';

// Plain maps and arrays only: records and structs are msgpackr extensions no peer knows.
const unpackr = new Unpackr({
  useRecords: false,
  mapsAsObjects: true,
  int64AsType: 'number',
  moreTypes: false,
});
const encoder = new MsgpackEncoder();

export const msgpackSerializer: Serializer = {
  id: 'msgpack',
  binary: true,
  rawsocketId: 2,
  serialize(message: unknown[]): Uint8Array {
    return encoder.encode(expandJsonPayload(message));
  },
  unserialize(data: Uint8Array | string): unknown {
    if (typeof data === 'string') throw new TypeError('msgpack messages must be binary');
    checkMsgpackDepth(data);
    return unpackr.unpack(data);
  },
};
