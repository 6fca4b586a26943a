/**
 * Transport URLs: `ws://`, `wss://`, `ws+unix:` (WebSocket); `rs://host:port`,
 * `tcp://host:port`, `rss://`, `tcps://` (RawSocket, plain or TLS); `unix:/path`
 * (RawSocket on a Unix socket).
 * @module
 */
import { ConnectError } from './errors.js';

export type RawSocketTarget = { host?: string; port: number } | { path: string };

export type ParsedTarget =
  | { kind: 'websocket'; tls: boolean }
  | { kind: 'rawsocket'; tls: boolean; target: RawSocketTarget };

/** Classify a transport URL. @throws ConnectError (`BAD_URL`) */
export function parseTransportUrl(url: string): ParsedTarget {
  if (/^wss?:|^ws\+unix:/i.test(url))
    return { kind: 'websocket', tls: url.toLowerCase().startsWith('wss:') };
  if (url.startsWith('unix:')) {
    const path = url.slice(5).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new ConnectError(`no socket path in ${url}`, 'BAD_URL');
    return { kind: 'rawsocket', tls: false, target: { path } };
  }
  const m = /^(rss?|tcps?):\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/i.exec(url);
  if (m === null) throw new ConnectError(`unsupported transport URL ${url}`, 'BAD_URL');
  const [, scheme = '', host = '', port = ''] = m;
  return {
    kind: 'rawsocket',
    tls: /^(rss|tcps)$/i.test(scheme),
    target: { host: host.replace(/^\[|\]$/g, ''), port: Number(port) },
  };
}
