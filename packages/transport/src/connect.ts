/**
 * One client entry point for any transport URL (see `url.ts` for the forms).
 * @module
 */
import type { Transport } from '@cdc/protocol';
import { connectRawSocket, type RawSocketClientOptions } from './rawsocket-client.js';
import { parseTransportUrl, type ParsedTarget } from './url.js';
import { connectWebSocket, type WebSocketClientOptions } from './websocket-client.js';

export type ConnectOptions = WebSocketClientOptions &
  Omit<RawSocketClientOptions, 'tls'> & {
    tls?: RawSocketClientOptions['tls'];
  };

/** Connect to a transport URL with the matching client. @throws ConnectError */
export function connect(url: string, options: ConnectOptions = {}): Promise<Transport> {
  let parsed: ParsedTarget;
  try {
    parsed = parseTransportUrl(url);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  if (parsed.kind === 'websocket') {
    const { tls, serializer, ...rest } = options;
    // A single `serializer` (the RawSocket option) works for WebSocket too.
    if (rest.serializers === undefined && serializer !== undefined) rest.serializers = [serializer];
    return connectWebSocket(url, typeof tls === 'object' ? { ...rest, tls } : rest);
  }
  const { serializers, tls, ...rest } = options;
  const serializer = rest.serializer ?? serializers?.[0];
  return connectRawSocket(parsed.target, {
    ...rest,
    ...(serializer !== undefined ? { serializer } : {}),
    tls: parsed.tls ? (tls === undefined || tls === false ? true : tls) : false,
  });
}
