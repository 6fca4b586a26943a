/**
 * The serializer contract shared by every transport.
 * @module
 */

export type SerializerId = 'json' | 'msgpack' | 'cbor';

export interface Serializer {
  readonly id: SerializerId;
  /** Binary serializers use binary WebSocket frames; JSON uses text frames. */
  readonly binary: boolean;
  /** The serializer number in the RawSocket handshake. */
  readonly rawsocketId: number;
  /** Encode a wire array; JSON gives a string, the others bytes. */
  serialize(message: unknown[]): Uint8Array | string;
  /** Decode one message. Throws on malformed input; the caller maps it to a protocol violation. */
  unserialize(data: Uint8Array | string): unknown;
}
