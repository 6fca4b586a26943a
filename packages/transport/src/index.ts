/**
 * @cdc/transport — WAMP transports on Node: WebSocket and RawSocket (TCP, TLS, Unix),
 * a universal listener serving both plus HTTP on one port, clients for each, and an
 * in-memory pair for tests. Each transport implements `Transport` from @cdc/protocol.
 * @module
 */
export { listen } from './listener.js';
export type { Listener, ListenOptions, TransportMeta } from './listener.js';
export type {
  Endpoint,
  TcpEndpoint,
  UnixEndpoint,
  TlsEndpointOptions,
  ListenerAddress,
} from './endpoint.js';
export type { WebSocketOptions } from './websocket-server.js';
export { supportedSubprotocols, chooseSubprotocol, COMPACT_DEFLATE } from './websocket-server.js';
export type { RawSocketOptions } from './rawsocket-server.js';
export { connectWebSocket, offeredSubprotocols } from './websocket-client.js';
export type { WebSocketClientOptions } from './websocket-client.js';
export { connectRawSocket } from './rawsocket-client.js';
export type { RawSocketClientOptions, RawSocketTarget } from './rawsocket-client.js';
export { connect } from './connect.js';
export type { ConnectOptions } from './connect.js';
export { parseTransportUrl } from './url.js';
export type { ParsedTarget } from './url.js';
export { createMemoryPair } from './memory.js';
export type { MemoryPairOptions } from './memory.js';
export { WebSocketTransport } from './websocket-transport.js';
export { RawSocketTransport } from './rawsocket-transport.js';
export { ListenError, ConnectError, MessageDecodeError } from './errors.js';
export type { ConnectErrorCode } from './errors.js';
export {
  createIpcTransport,
  childWampStream,
  parentWampStream,
  IPC_STDIO,
  IPC_WAMP_FD,
} from './ipc.js';
export { DEFAULT_HANDSHAKE_TIMEOUT_MS, DEFAULT_MAX_PENDING_PER_ADDRESS } from './limits.js';
