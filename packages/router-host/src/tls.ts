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

export function toEndpoint(cfg: EndpointConfig, baseDir: string): Endpoint {
  if (cfg.type === 'unix')
    return { type: 'unix', path: isAbsolute(cfg.path) ? cfg.path : resolve(baseDir, cfg.path) };
  const ep: Endpoint = { type: 'tcp', port: cfg.port };
  if (cfg.interface !== undefined) ep.interface = cfg.interface;
  if (cfg.version !== undefined) ep.version = cfg.version;
  if (cfg.backlog !== undefined) ep.backlog = cfg.backlog;
  if (cfg.tls !== undefined) {
    ep.tls = {
      key: read(baseDir, cfg.tls.key, 'key'),
      cert: read(baseDir, cfg.tls.certificate, 'certificate'),
    };
    if (cfg.tls.ca_certificates !== undefined) {
      ep.tls.ca = cfg.tls.ca_certificates.map((f) => read(baseDir, f, 'CA certificate'));
    }
    if (cfg.tls.ciphers !== undefined) ep.tls.ciphers = cfg.tls.ciphers;
  }
  return ep;
}
