/**
 * WAMP-over-RawSocket, pure: handshake, framing and a streaming frame decoder on
 * `Uint8Array`s, shared by the Node transports and anything else that speaks RawSocket.
 * @module
 */
export {
  RAWSOCKET_MAGIC,
  HANDSHAKE_LENGTH,
  RAWSOCKET_MAX_LENGTH,
  exponentToMaxLength,
  maxLengthToExponent,
  encodeHandshake,
  encodeHandshakeError,
  parseHandshakeRequest,
  parseHandshakeReply,
} from './handshake.js';
export type { RawSocketHandshake } from './handshake.js';
export { FrameType, FRAME_HEADER_LENGTH, writeFrameHeader, encodeFrame } from './frame.js';
export { FrameDecoder } from './decoder.js';
export type { FrameSink } from './decoder.js';
export { HandshakeErrorCode, RawSocketHandshakeError, RawSocketFrameError } from './errors.js';
export type { FrameErrorReason } from './errors.js';
