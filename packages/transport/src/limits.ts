/**
 * Limits a listener applies before any WAMP is spoken: the opening-handshake deadline and a
 * cap on connections from one source address that are still in their opening handshake
 * (TLS, WebSocket upgrade, RawSocket handshake). One map entry per address, kept only
 * while it has such connections.
 * @module
 */
import type { Socket } from 'node:net';

/** Connections that have not finished their opening handshake by then are dropped. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Connections per source address in their opening handshake at once. */
export const DEFAULT_MAX_PENDING_PER_ADDRESS = 256;

/**
 * The oldest TLS a listener speaks unless its config says otherwise: 1.2, whatever flags
 * Node runs with; the cipher list stays Node's (OpenSSL's modern default).
 */
export const TLS_MIN_VERSION = 'TLSv1.2';

export class AddressGate {
  private readonly counts = new Map<string, number>();
  private readonly of = new Map<Socket, string>();

  constructor(private readonly max: number) {}

  /** Count `socket` under its address; false (not counted) when the address is at the cap. */
  enter(socket: Socket): boolean {
    const address = socket.remoteAddress;
    if (address === undefined) return true; // Unix sockets: local peers
    const n = this.counts.get(address) ?? 0;
    if (n >= this.max) return false;
    this.counts.set(address, n + 1);
    this.of.set(socket, address);
    return true;
  }

  /** The handshake finished or the socket closed. Idempotent. */
  leave(socket: Socket): void {
    const address = this.of.get(socket);
    if (address === undefined) return;
    this.of.delete(socket);
    const n = (this.counts.get(address) ?? 1) - 1;
    if (n <= 0) this.counts.delete(address);
    else this.counts.set(address, n);
  }
}
