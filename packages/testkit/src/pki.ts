/**
 * A throwaway PKI for TLS tests, made with the openssl CLI: a CA, a server certificate for
 * localhost and 127.0.0.1 signed by it, client certificates (a good one, one from another
 * CA, an expired one) and DH parameters.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`);
}

export interface KeyPair {
  key: string;
  cert: string;
}

export interface TestPki {
  ca: KeyPair;
  server: KeyPair;
  client: KeyPair;
  /** Signed by another CA than `ca`. */
  stranger: KeyPair;
  /** Signed by `ca`, but no longer valid. */
  expired: KeyPair;
}

function ca(dir: string, name: string): KeyPair {
  const p = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.pem`) };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p.key,
    '-out',
    p.cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
  return p;
}

function signed(dir: string, name: string, by: KeyPair, days: number, san?: string): KeyPair {
  const p = { key: join(dir, `${name}.key`), cert: join(dir, `${name}.pem`) };
  const csr = join(dir, `${name}.csr`);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p.key,
    '-out',
    csr,
    '-subj',
    `/CN=${name}`,
  ]);
  const ext = join(dir, `${name}.ext`);
  const extArgs = san !== undefined ? ['-extfile', ext] : [];
  if (san !== undefined) spawnSync('sh', ['-c', `printf 'subjectAltName=${san}\\n' > '${ext}'`]);
  // A negative `-days` makes a certificate that expired already.
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    by.cert,
    '-CAkey',
    by.key,
    '-CAcreateserial',
    '-out',
    p.cert,
    '-days',
    String(days),
    ...extArgs,
  ]);
  return p;
}

/** Make the PKI in `dir` (which the caller removes). */
export function makeTestPki(dir: string): TestPki {
  const root = ca(dir, 'ca');
  const other = ca(dir, 'other-ca');
  return {
    ca: root,
    server: signed(dir, 'server', root, 2, 'DNS:localhost,IP:127.0.0.1'),
    client: signed(dir, 'client', root, 2),
    stranger: signed(dir, 'stranger', other, 2),
    expired: signed(dir, 'expired', root, -1),
  };
}

/** DH parameters (DSA-style generation: seconds, not minutes). */
export function makeDhParams(dir: string): string {
  const file = join(dir, 'dhparam.pem');
  openssl(['dhparam', '-dsaparam', '-out', file, '2048']);
  return file;
}
