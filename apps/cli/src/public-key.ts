/**
 * Public keys as the API takes them (64 hex) from what an operator has at hand: 64 hex, an
 * `ssh-ed25519 …` line, or a file holding an OpenSSH public key, an OpenSSH private key (its
 * public half, readable even when the key is protected) or a Crossbar.io key file
 * (`key.pub`, `key.priv`). Every problem is a CliError naming the argument.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  inspectOpenSshPrivateKey,
  isOpenSshPrivateKey,
  parseKeyFile,
  parseOpenSshPublicKey,
} from '@cdc/cryptosign';
import { errorMessage } from '@cdc/protocol';
import { CliError } from './errors.js';

const HEX = /^[0-9a-fA-F]{64}$/;

/** Whether `spec` looks like a key or a key file (rather than, say, a label). */
export function isKeySpec(spec: string): boolean {
  const s = spec.trim();
  return HEX.test(s) || s.startsWith('ssh-ed25519 ') || existsSync(s);
}

export function publicKeyArg(spec: string, what: string): string {
  const s = spec.trim();
  if (HEX.test(s)) return s.toLowerCase();
  try {
    if (s.startsWith('ssh-ed25519 ')) return parseOpenSshPublicKey(s).publicKeyHex;
    if (!existsSync(s))
      throw new Error('neither a public key (64 hex, "ssh-ed25519 …") nor a file');
    const text = readFileSync(s, 'utf8');
    if (text.trimStart().startsWith('ssh-ed25519 '))
      return parseOpenSshPublicKey(text.trim(), s).publicKeyHex;
    if (isOpenSshPrivateKey(text)) return inspectOpenSshPrivateKey(text, s).publicKeyHex;
    const hex = parseKeyFile(text, { source: s }).tags.get('public-key-ed25519');
    if (hex !== undefined && HEX.test(hex)) return hex.toLowerCase();
    throw new Error('no Ed25519 public key in it');
  } catch (e) {
    throw new CliError(`${what} "${spec}": ${errorMessage(e)}`);
  }
}
