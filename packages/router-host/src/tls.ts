/**
 * Endpoints from config: TLS key, certificate and CA files are read relative to the
 * node directory, with errors that name the file.
 * @module
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';
import type { EndpointConfig } from '@cdc/config';
import type { Endpoint } from '@cdc/transport';

function read(baseDir: string, file: string, what: string): Buffer {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    return readFileSync(path);
  } catch (e) {
    throw WampError.of(
      CrossbarErrors.INVALID_CONFIGURATION,
      `cannot read TLS ${what} "${path}": ${errorMessage(e)}`,
    );
  }
}

/** Whether this Node can share a port between processes (`reusePort`: Node ≥ 22.12 / 23.1). */
export function canSharePorts(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major >= 23 ? major > 23 || minor >= 1 : major === 22 && minor >= 12;
}

export function toEndpoint(cfg: EndpointConfig, baseDir: string): Endpoint {
  if (cfg.type === 'unix')
    return { type: 'unix', path: isAbsolute(cfg.path) ? cfg.path : resolve(baseDir, cfg.path) };
  const ep: Endpoint = { type: 'tcp', port: cfg.port };
  if (cfg.interface !== undefined) ep.interface = cfg.interface;
  if (cfg.version !== undefined) ep.version = cfg.version;
  if (cfg.backlog !== undefined) ep.backlog = cfg.backlog;
  if (cfg.shared === true) {
    // Several router workers on one port (SO_REUSEPORT), as Crossbar.io's `shared`.
    if (!canSharePorts()) {
      throw WampError.of(
        CrossbarErrors.INVALID_CONFIGURATION,
        `endpoint.shared needs SO_REUSEPORT, which Node ${process.versions.node} cannot set (Node 22.12 or later can)`,
      );
    }
    ep.reusePort = true;
  }
  const tls = cfg.tls;
  if (tls !== undefined) {
    const chain = (tls.chain_certificates ?? []).map((f) => read(baseDir, f, 'chain certificate'));
    ep.tls = {
      key: read(baseDir, tls.key, 'key'),
      // The server's certificate followed by the intermediates clients need.
      cert: Buffer.concat([
        read(baseDir, tls.certificate, 'certificate'),
        ...chain.flatMap((c) => [Buffer.from('\n'), c]),
      ]),
    };
    if (tls.ca_certificates !== undefined) {
      // Ask clients for a certificate and check it against these CAs. The handshake does
      // not fail on a bad one: the router refuses it at HELLO with a reason (auth `tls`).
      ep.tls.ca = tls.ca_certificates.map((f) => read(baseDir, f, 'CA certificate'));
      ep.tls.requestCert = true;
      ep.tls.rejectUnauthorized = false;
    }
    if (tls.ciphers !== undefined) ep.tls.ciphers = tls.ciphers;
    if (tls.dhparam !== undefined) ep.tls.dhparam = read(baseDir, tls.dhparam, 'DH parameters');
  }
  return ep;
}
