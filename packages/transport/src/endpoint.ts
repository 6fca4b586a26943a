/**
 * Listening endpoints as Crossbar.io configures them (`tcp` with optional TLS, `unix`),
 * bound with clear, typed errors. A stale Unix socket file (its server gone) is removed;
 * a live one is "in use" like a taken port.
 * @module
 */
import { unlink } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { ListenError } from './errors.js';
import { errorMessage } from '@cdc/protocol';

/** TLS for a TCP endpoint: key and certificate (PEM), optional CA and client certificates. */
export interface TlsEndpointOptions extends TlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  ca?: string | Buffer | (string | Buffer)[];
  requestCert?: boolean;
}

export interface TcpEndpoint {
  type: 'tcp';
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Address to bind (Crossbar.io's `interface`); default all interfaces. */
  interface?: string;
  /** Accepted as a synonym of `interface`. */
  host?: string;
  /** IP version when binding all interfaces: 4 (default, `0.0.0.0`) or 6 (`::`). */
  version?: 4 | 6;
  backlog?: number;
  /** Share the port with other processes (SO_REUSEPORT; Node ≥ 22.12). */
  reusePort?: boolean;
  tls?: TlsEndpointOptions;
}

export interface UnixEndpoint {
  type: 'unix';
  path: string;
  backlog?: number;
}

export type Endpoint = TcpEndpoint | UnixEndpoint;

export type ListenerAddress =
  | { type: 'tcp'; host: string; port: number; family: 'IPv4' | 'IPv6' }
  | { type: 'unix'; path: string };

export function describeEndpoint(endpoint: Endpoint): string {
  if (endpoint.type === 'unix') return `unix:${endpoint.path}`;
  return `tcp:${bindHost(endpoint)}:${endpoint.port}`;
}

function bindHost(endpoint: TcpEndpoint): string {
  return endpoint.interface ?? endpoint.host ?? (endpoint.version === 6 ? '::' : '0.0.0.0');
}

function listenOnce(server: Server, options: Parameters<Server['listen']>[0]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options);
  });
}

/** Whether something accepts connections on the Unix socket at `path`. */
function unixSocketAlive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function toListenError(e: unknown, endpoint: Endpoint): ListenError {
  const where = describeEndpoint(endpoint);
  const code = (e as { code?: unknown }).code;
  const text = errorMessage(e);
  if (code === 'EADDRINUSE')
    return new ListenError(`cannot listen on ${where}: address already in use`, code, where, {
      cause: e,
    });
  return new ListenError(
    `cannot listen on ${where}: ${text}`,
    typeof code === 'string' ? code : 'UNKNOWN',
    where,
    { cause: e },
  );
}

/** Bind `server` to `endpoint`. @throws ListenError */
export async function bindServer(server: Server, endpoint: Endpoint): Promise<ListenerAddress> {
  try {
    if (endpoint.type === 'unix') {
      const options = { path: endpoint.path, backlog: endpoint.backlog ?? 511 };
      try {
        await listenOnce(server, options);
      } catch (e) {
        if (
          (e as { code?: unknown }).code !== 'EADDRINUSE' ||
          (await unixSocketAlive(endpoint.path))
        )
          throw e;
        await unlink(endpoint.path);
        await listenOnce(server, options);
      }
      return { type: 'unix', path: endpoint.path };
    }
    await listenOnce(server, {
      host: bindHost(endpoint),
      port: endpoint.port,
      backlog: endpoint.backlog ?? 511,
      ...(endpoint.reusePort === true ? { reusePort: true } : {}),
    });
  } catch (e) {
    throw toListenError(e, endpoint);
  }
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('TCP server without an address');
  return {
    type: 'tcp',
    host: a.address,
    port: a.port,
    family: a.family === 'IPv6' ? 'IPv6' : 'IPv4',
  };
}
