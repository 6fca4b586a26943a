/**
 * TLS certificate fingerprints as Crossbar.io writes them (`certificate-sha1` in a
 * transport's `auth.tls` principals): upper-case hex pairs joined by colons.
 * @module
 */
import { X509Certificate } from 'node:crypto';

/** `ab:cd…`, `ABCD…` or `AB:CD…` → `AB:CD:…`; undefined for anything else. */
export function normalizeFingerprint(fingerprint: string): string | undefined {
  const hex = fingerprint.replace(/:/g, '');
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length % 2 !== 0) return undefined;
  return hex.toUpperCase().match(/../g)?.join(':');
}

/** The fingerprint of a PEM (or DER) certificate, e.g. to put in a config. */
export function certificateFingerprint(
  cert: string | Buffer,
  hash: 'sha1' | 'sha256' = 'sha1',
): string {
  const x = new X509Certificate(cert);
  return hash === 'sha1' ? x.fingerprint : x.fingerprint256;
}
