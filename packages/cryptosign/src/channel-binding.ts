/**
 * The cryptosign `tls-unique` channel id: SHA-256 of a TLS Finished message, as
 * autobahn-python computes it (`twisted/util.py` and `asyncio/util.py`,
 * `transport_channel_id`). When the Finished message is not available (handshake not
 * complete or failed) autobahn-python returns 32 zero bytes rather than failing, and
 * so does this module.
 *
 * Which Finished message is hashed differs between autobahn-python's two flavours
 * (checked against Debian's autobahn 22.7.1 with a Node TLS server, TLS 1.2 and 1.3):
 * - asyncio uses Python's `ssl.get_channel_binding('tls-unique')`, i.e. RFC 5929: the
 *   first Finished of the handshake — the client's in a full handshake, the server's in
 *   a resumed one. A Node server gets it from `getPeerFinished()`.
 * - Twisted (and so Crossbar.io) calls `get_peer_finished()` on clients and
 *   `get_finished()` on servers (its `is_server != is_not_resumed` test is inverted
 *   relative to its comments), so both ends hash the SERVER's Finished. A Node server
 *   matches it with its own `getFinished()`.
 * The two do not interoperate with each other; `tlsChannelId` lets the caller choose.
 * @module
 */
import { createHash } from 'node:crypto';

/** The channel id length (a SHA-256 digest). */
export const CHANNEL_ID_LENGTH = 32;

/**
 * SHA-256 of a TLS Finished message (a server passes `socket.getPeerFinished()`, a
 * client `socket.getFinished()` for RFC 5929 `tls-unique`). With no message, 32 zero
 * bytes, exactly as autobahn-python's `transport_channel_id`.
 */
export function tlsUniqueChannelId(finished: Uint8Array | null | undefined): Uint8Array {
  if (finished === undefined || finished === null) return new Uint8Array(CHANNEL_ID_LENGTH);
  return new Uint8Array(createHash('sha256').update(finished).digest());
}

/** Which Finished message to hash; see the module notes. */
export type TlsUniqueConvention = 'rfc5929' | 'autobahn-twisted';

/** The part of `tls.TLSSocket` the channel id needs. */
export interface TlsFinishedSource {
  getFinished(): Buffer | undefined;
  getPeerFinished(): Buffer | undefined;
  isSessionReused(): boolean;
}

/**
 * The `tls-unique` channel id of a TLS connection, computed by one side.
 * @param side whether this process is the TLS server (router) or client.
 * @param convention `rfc5929` (default; Python `ssl`, autobahn asyncio) or
 *   `autobahn-twisted` (autobahn-python on Twisted and Crossbar.io: the server's Finished).
 */
export function tlsChannelId(
  socket: TlsFinishedSource,
  side: 'server' | 'client',
  convention: TlsUniqueConvention = 'rfc5929',
): Uint8Array {
  const isServer = side === 'server';
  // Whose Finished message to hash: the server's, or the client's.
  const serverFinished =
    convention === 'autobahn-twisted'
      ? true
      : // RFC 5929: the first Finished sent — the client's, unless the session was
        // resumed, where the server finishes first.
        socket.isSessionReused();
  const own = serverFinished === isServer;
  return tlsUniqueChannelId(own ? socket.getFinished() : socket.getPeerFinished());
}
