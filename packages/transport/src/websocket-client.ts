/**
 * The client side of WAMP-over-WebSocket (`ws://`, `wss://`, `ws+unix:`), on `ws`.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { ConnectionOptions } from 'node:tls';
import type { PerMessageDeflateOptions, WebSocket } from 'ws';
import {
  RAWSOCKET_MAX_LENGTH,
  parseSubprotocol,
  subprotocolName,
  type SerializerId,
} from '@cdc/protocol';
import { ConnectError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { flattenHeaders, peerOf, tlsDetails } from './peer.js';
import { DEFAULT_MAX_WRITE_BUFFER } from './stream.js';
import { WebSocketTransport } from './websocket-transport.js';
import { loadWs } from './ws-module.js';

export interface WebSocketClientOptions {
  /** Serializers to offer, most preferred first; default `json`, `msgpack`, `cbor`. */
  serializers?: readonly SerializerId[];
  /** Offer each serializer's `.batched` variant (before the plain one); default false. */
  batched?: boolean;
  /** The largest message accepted and sent; default 16 MiB. */
  maxMessageSize?: number;
  /** Extra HTTP headers for the opening handshake. */
  headers?: Record<string, string>;
  /** TLS options for `wss://` (`ca`, `servername`, `rejectUnauthorized`, …). */
  tls?: ConnectionOptions;
  /** Give up on the opening handshake after this long (ms); default 10 s. */
  timeoutMs?: number;
  /** Offer permessage-deflate; default false. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Ping the router when quiet this long (ms); off by default. */
  autoPingInterval?: number;
  autoPingTimeout?: number;
  maxWriteBuffer?: number;
}

/** The subprotocols offered for `options`, in order of preference. */
export function offeredSubprotocols(options: WebSocketClientOptions = {}): string[] {
  const out: string[] = [];
  for (const id of options.serializers ?? ['json', 'msgpack', 'cbor']) {
    if (options.batched === true) out.push(subprotocolName(id, true));
    out.push(subprotocolName(id));
  }
  return out;
}

/** Open a WebSocket and negotiate a WAMP subprotocol. @throws ConnectError */
export async function connectWebSocket(
  url: string,
  options: WebSocketClientOptions = {},
): Promise<WebSocketTransport> {
  const { WebSocket } = await loadWs();
  const maxMessageSize = options.maxMessageSize ?? RAWSOCKET_MAX_LENGTH;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, offeredSubprotocols(options), {
        ...options.tls,
        perMessageDeflate: options.perMessageDeflate ?? false,
        maxPayload: maxMessageSize,
        handshakeTimeout: timeoutMs,
        ...(options.headers !== undefined ? { headers: options.headers } : {}),
      });
    } catch (e) {
      reject(new ConnectError(`invalid WebSocket URL ${url}`, 'BAD_URL', { cause: e }));
      return;
    }
    let response: IncomingMessage | undefined;
    let settled = false;
    const fail = (error: ConnectError): void => {
      if (settled) return;
      settled = true;
      ws.on('error', () => {
        // Late errors of an abandoned handshake (terminate() itself reports one).
      });
      ws.terminate();
      reject(error);
    };
    ws.once('upgrade', (res: IncomingMessage) => (response = res));
    ws.once('unexpected-response', (req, res: IncomingMessage) => {
      req.destroy();
      fail(new ConnectError(`WebSocket handshake failed: HTTP ${res.statusCode}`, 'HTTP_STATUS'));
    });
    ws.once('error', (e: Error) => {
      const code = /subprotocol/i.test(e.message)
        ? 'NO_SUBPROTOCOL'
        : /timed out/i.test(e.message)
          ? 'TIMEOUT'
          : 'NETWORK';
      fail(new ConnectError(`WebSocket connection failed: ${e.message}`, code, { cause: e }));
    });
    ws.once('open', () => {
      const subprotocol = parseSubprotocol(ws.protocol);
      const socket = response?.socket;
      if (subprotocol === undefined || socket === undefined) {
        fail(
          new ConnectError(`server chose no WAMP subprotocol (${ws.protocol})`, 'NO_SUBPROTOCOL'),
        );
        return;
      }
      settled = true;
      ws.removeAllListeners('error');
      const unix = url.startsWith('ws+unix:') ? url.slice(8).split(':')[0] : undefined;
      resolve(
        new WebSocketTransport(ws, socket, {
          serializer: subprotocol.serializer,
          batched: subprotocol.batched,
          direct: false,
          maxMessageSize,
          maxWriteBuffer: options.maxWriteBuffer ?? DEFAULT_MAX_WRITE_BUFFER,
          heartbeat:
            options.autoPingInterval !== undefined && options.autoPingInterval > 0
              ? new Heartbeat(options.autoPingInterval, options.autoPingTimeout ?? 10_000)
              : undefined,
          info: {
            type: 'websocket',
            serializer: subprotocol.serializer.id,
            protocol: ws.protocol,
            peer: peerOf(socket, unix?.replace(/^\/\//, '')),
            ...tlsDetails(socket, false),
            httpHeaders: flattenHeaders(response?.headers ?? {}),
          },
        }),
      );
    });
  });
}
