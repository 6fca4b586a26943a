/**
 * The client side of WAMP-over-RawSocket over TCP, TLS or a Unix socket.
 * @module
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import {
  HANDSHAKE_LENGTH,
  RAWSOCKET_MAX_LENGTH,
  SERIALIZERS,
  encodeHandshake,
  exponentToMaxLength,
  maxLengthToExponent,
  parseHandshakeReply,
  type SerializerId,
  errorMessage,
} from '@cdc/protocol';
import { ConnectError } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { peerOf, tlsDetails } from './peer.js';
import { RawSocketTransport } from './rawsocket-transport.js';
import { DEFAULT_MAX_WRITE_BUFFER } from './stream.js';
import { parseTransportUrl, type RawSocketTarget } from './url.js';

export type { RawSocketTarget } from './url.js';

export interface RawSocketClientOptions {
  /** Default `json`. */
  serializer?: SerializerId;
  /** The largest message to accept (announced as a power of two); default 16 MiB. */
  maxMessageSize?: number;
  /** TLS: `true` for defaults, or Node's TLS connection options (`ca`, `servername`, …). */
  tls?: boolean | ConnectionOptions;
  /** Give up connecting after this long (ms); default 10 s. */
  timeoutMs?: number;
  /** Send RawSocket PINGs when quiet this long (ms); off by default. */
  autoPingInterval?: number;
  autoPingTimeout?: number;
  maxWriteBuffer?: number;
}

const EMPTY: Buffer = Buffer.alloc(0);

function open(target: RawSocketTarget, tls: boolean | ConnectionOptions | undefined): Socket {
  if ('path' in target) return netConnect({ path: target.path });
  const host = target.host ?? '127.0.0.1';
  if (tls === undefined || tls === false) return netConnect({ host, port: target.port });
  return tlsConnect({ host, port: target.port, ...(tls === true ? {} : tls) });
}

/**
 * The peer descriptor of a target given as an IP address or a socket path: what
 * `peerOf` would read back from the socket, without its getpeername system call.
 */
function targetPeer(target: RawSocketTarget): string | undefined {
  if ('path' in target) return `unix:${target.path}`;
  const host = target.host ?? '127.0.0.1';
  const v = isIP(host);
  if (v === 0) return undefined;
  // As peerOf: an IPv4-mapped IPv6 address is shown as the IPv4 peer it is.
  const mapped = host.toLowerCase().startsWith('::ffff:') ? host.slice(7) : '';
  if (isIP(mapped) === 4) return `tcp4:${mapped}:${target.port}`;
  return `tcp${v}:${host}:${target.port}`;
}

/**
 * Connect and run the RawSocket handshake. `target` is an address or a URL (`rs://`,
 * `tcp://`, `rss://` — which implies TLS —, `unix:/path`).
 * @throws ConnectError
 */
export function connectRawSocket(
  target: RawSocketTarget | string,
  options: RawSocketClientOptions = {},
): Promise<RawSocketTransport> {
  if (typeof target === 'string') {
    let parsed;
    try {
      parsed = parseTransportUrl(target);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    if (parsed.kind !== 'rawsocket')
      return Promise.reject(new ConnectError(`not a RawSocket URL: ${target}`, 'BAD_URL'));
    const tls = parsed.tls
      ? options.tls === undefined || options.tls === false
        ? true
        : options.tls
      : false;
    return connectRawSocket(parsed.target, { ...options, tls });
  }
  const serializer = SERIALIZERS[options.serializer ?? 'json'];
  const exponent = maxLengthToExponent(options.maxMessageSize ?? RAWSOCKET_MAX_LENGTH);
  const useTls = options.tls !== undefined && options.tls !== false;
  return new Promise((resolve, reject) => {
    const socket = open(target, options.tls);
    let got = EMPTY;
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const fail = (error: ConnectError): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (e: Error): void =>
      fail(new ConnectError(`RawSocket connection failed: ${e.message}`, 'NETWORK', { cause: e }));
    const onClose = (): void =>
      fail(new ConnectError('connection closed during the RawSocket handshake', 'HANDSHAKE'));
    const onData = (chunk: Buffer): void => {
      got = got.length === 0 ? chunk : Buffer.concat([got, chunk]);
      if (got.length < HANDSHAKE_LENGTH) return;
      let reply;
      try {
        reply = parseHandshakeReply(got);
      } catch (e) {
        fail(new ConnectError(errorMessage(e), 'HANDSHAKE', { cause: e }));
        return;
      }
      if (reply.serializer !== serializer.rawsocketId) {
        fail(new ConnectError(`router answered with serializer ${reply.serializer}`, 'HANDSHAKE'));
        return;
      }
      cleanup();
      const transport = new RawSocketTransport(socket, {
        serializer,
        receiveLimit: exponentToMaxLength(exponent),
        sendLimit: reply.maxLength,
        maxWriteBuffer: options.maxWriteBuffer ?? DEFAULT_MAX_WRITE_BUFFER,
        heartbeat:
          options.autoPingInterval !== undefined && options.autoPingInterval > 0
            ? new Heartbeat(options.autoPingInterval, options.autoPingTimeout ?? 10_000)
            : undefined,
        info: {
          type: 'rawsocket',
          serializer: serializer.id,
          peer: targetPeer(target) ?? peerOf(socket),
          ...tlsDetails(socket, false),
        },
      });
      if (got.length > HANDSHAKE_LENGTH) transport.receive(got.subarray(HANDSHAKE_LENGTH));
      resolve(transport);
    };
    const timeoutMs = options.timeoutMs ?? 10_000;
    const timer = setTimeout(
      () => fail(new ConnectError(`RawSocket connect timed out after ${timeoutMs} ms`, 'TIMEOUT')),
      timeoutMs,
    );
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('data', onData);
    socket.once(useTls ? 'secureConnect' : 'connect', () => {
      socket.setNoDelay(true);
      socket.write(encodeHandshake(serializer.rawsocketId, exponent));
    });
  });
}
