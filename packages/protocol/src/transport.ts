/**
 * The small interface through which the router and the client see a transport. WebSocket,
 * RawSocket (TCP, TLS, Unix) and the in-memory pair implement it; neither the router nor
 * the client knows which one it has.
 * @module
 */
import type { Serializer, SerializerId } from './serializers/types.js';

export type TransportType = 'websocket' | 'rawsocket' | 'memory' | 'ipc';

export interface TransportInfo {
  type: TransportType;
  serializer: SerializerId;
  /** The negotiated WebSocket subprotocol, e.g. `wamp.2.json`. */
  protocol?: string | undefined;
  /** Crossbar.io-style peer string: `tcp4:127.0.0.1:52342`, `unix:/path`, `memory`. */
  peer: string;
  /** Whether the transport runs over TLS. */
  tls: boolean;
  /**
   * The `tls-unique` channel ID for cryptosign channel binding: SHA-256 of the TLS Finished
   * message of the TLS handshake, 32 bytes; absent when not on TLS.
   */
  channelId?: Uint8Array | undefined;
  /**
   * Channel IDs other peers compute for the same TLS channel: autobahn-python's Twisted
   * flavour (and so Crossbar.io) hashes the server's Finished message rather than the
   * first one. The router accepts a signature bound to any of them.
   */
  channelIdAlternates?: Uint8Array[] | undefined;
  /** The certificate a TLS client presented (when the endpoint asks for one). */
  clientCert?: ClientCertificate | undefined;
  /** HTTP headers of the WebSocket opening handshake (lower-case names). */
  httpHeaders?: Record<string, string> | undefined;
}

/** A TLS client certificate as the router sees it (Crossbar.io's `client_cert`). */
export interface ClientCertificate {
  /** SHA-1 fingerprint, `AB:CD:…` (what `certificate-sha1` in a config names). */
  sha1: string;
  sha256: string;
  subject: Record<string, string>;
  issuer: Record<string, string>;
  serial: string;
  not_before: string;
  not_after: string;
  /** Whether it chains to the endpoint's `ca_certificates` and is valid now. */
  authorized: boolean;
  /** Why not, when not (e.g. `CERT_HAS_EXPIRED`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`). */
  authorization_error?: string;
}

export interface CloseDetails {
  /** True when closed by a close handshake, false when the connection dropped. */
  wasClean: boolean;
  code?: number | undefined;
  reason?: string | undefined;
}

/** What a transport delivers to its owner (a router session or a client session). */
export interface TransportHandler {
  /** One deserialized (not yet validated) message. */
  onMessage(message: unknown): void;
  /** Undecodable input or an oversized message: the owner aborts the session. */
  onProtocolError(error: Error): void;
  onClose(details: CloseDetails): void;
}

export interface Transport {
  readonly info: TransportInfo;
  readonly serializer: Serializer;
  readonly isOpen: boolean;
  /** Start delivering to `handler`; anything received earlier is delivered first. */
  attach(handler: TransportHandler): void;
  /**
   * Serialize and send one message.
   * @throws PayloadSizeError when it exceeds what the peer accepts; nothing is sent.
   */
  send(message: unknown[]): void;
  /** Send a message already serialized with this transport's serializer (fan-out). */
  sendSerialized(data: Uint8Array | string): void;
  /** Close the connection; `code`/`reason` go into the WebSocket close frame where there is one. */
  close(code?: number, reason?: string): void;
}

/** Raised by {@link Transport.send} for a message larger than the peer accepts. */
export class PayloadSizeError extends Error {
  override name = 'PayloadSizeError';
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`message of ${size} bytes exceeds the limit of ${limit} bytes`);
  }
}

/** Byte length of a serialized message (UTF-8 for JSON text). */
export function serializedLength(data: Uint8Array | string): number {
  if (typeof data !== 'string') return data.byteLength;
  // Fast path: ASCII-only text is one byte per char; otherwise count UTF-8 bytes.
  let n = data.length;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}
