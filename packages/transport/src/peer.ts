/**
 * Crossbar.io-style peer descriptors and TLS details of a Node socket.
 * @module
 */
import { createHash } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ClientCertificate } from '@cdc/protocol';

/**
 * `tcp4:127.0.0.1:52342`, `tcp6:::1:52342` (no brackets, as autobahn writes it) or
 * `unix:/path`. IPv4-mapped IPv6 addresses are shown as the IPv4 peer they are.
 * `unixPath` names the socket file for Unix connections, whose peer has no address.
 */
export function peerOf(socket: Socket, unixPath?: string): string {
  const address = socket.remoteAddress;
  if (address === undefined) return unixPath !== undefined ? `unix:${unixPath}` : 'unix';
  const port = socket.remotePort ?? 0;
  if (socket.remoteFamily === 'IPv6') {
    if (address.startsWith('::ffff:') && isIPv4(address.slice(7)))
      return `tcp4:${address.slice(7)}:${port}`;
    return `tcp6:${address}:${port}`;
  }
  return `tcp4:${address}:${port}`;
}

/** The TLS part of `TransportInfo`: `tls`, the `tls-unique` channel ID, the client certificate. */
export interface TlsDetails {
  tls: boolean;
  channelId?: Uint8Array;
  channelIdAlternates?: Uint8Array[];
  clientCert?: ClientCertificate;
}

function names(n: Record<string, string | string[]> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(n ?? {})) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The certificate the client presented on a server socket, if any. */
function clientCertificate(socket: TLSSocket): ClientCertificate | undefined {
  const c = socket.getPeerCertificate();
  // Without a certificate Node returns an empty object.
  if ((c.raw as Buffer | undefined) === undefined) return undefined;
  const out: ClientCertificate = {
    sha1: c.fingerprint,
    sha256: c.fingerprint256,
    subject: names(c.subject as unknown as Record<string, string | string[]>),
    issuer: names(c.issuer as unknown as Record<string, string | string[]>),
    serial: c.serialNumber,
    not_before: new Date(c.valid_from).toISOString(),
    not_after: new Date(c.valid_to).toISOString(),
    authorized: socket.authorized,
  };
  const why = socket.authorizationError as Error | string | null | undefined;
  if (!socket.authorized && why !== null && why !== undefined) {
    out.authorization_error =
      typeof why === 'string' ? why : ((why as { code?: string }).code ?? why.message);
  }
  return out;
}

const sha256 = (b: Buffer): Uint8Array => new Uint8Array(createHash('sha256').update(b).digest());

/**
 * `tls-unique` as RFC 5929 and autobahn-python's asyncio flavour compute it: SHA-256 of the
 * TLS Finished message the client sent, which the server reads with `getPeerFinished()` and
 * the client with `getFinished()`. autobahn-python's Twisted flavour (and Crossbar.io)
 * hashes the server's Finished instead; a server offers that as an alternate, so clients of
 * both flavours can bind.
 */
export function tlsDetails(socket: Socket, isServer: boolean): TlsDetails {
  if (!(socket instanceof TLSSocket)) return { tls: false };
  const finished = isServer ? socket.getPeerFinished() : socket.getFinished();
  if (finished === undefined) return { tls: true };
  const details: TlsDetails = { tls: true, channelId: sha256(finished) };
  const own = isServer ? socket.getFinished() : undefined;
  if (own !== undefined) details.channelIdAlternates = [sha256(own)];
  const cert = isServer ? clientCertificate(socket) : undefined;
  if (cert !== undefined) details.clientCert = cert;
  return details;
}

/** HTTP headers with lower-case names and list values joined, as `TransportInfo` wants. */
export function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    out[name.toLowerCase()] = typeof v === 'string' ? v : v.join(', ');
  }
  return out;
}
