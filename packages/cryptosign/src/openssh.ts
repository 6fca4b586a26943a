/**
 * OpenSSH Ed25519 keys as `ssh-keygen -t ed25519` writes them: the `openssh-key-v1`
 * private key container (PROTOCOL.key in the OpenSSH sources) and the one-line public
 * key. Like autobahn-python's `CryptosignKey.from_ssh_*`, only unencrypted files holding
 * exactly one `ssh-ed25519` key are read; an encrypted key is reported, never decrypted
 * (that is ssh-agent's job), but its public half is still readable because the container
 * stores it in the clear.
 * @module
 */
import { toHex } from './bytes.js';
import { PUBLIC_KEY_LENGTH, SEED_LENGTH, SigningKey } from './ed25519.js';
import { KeyError, where } from './errors.js';
import { SSH_ED25519, SshReader, WireError, ed25519KeyBlob, parseKeyBlob } from './ssh-wire.js';

const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
/** Block size of the `none` cipher; the private section is padded to it. */
const NONE_BLOCK_SIZE = 8;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
/** Key type names OpenSSH knows, to tell "unsupported" from "garbage". */
const SSH_KEY_TYPE_RE =
  /^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-\S+|sk-\S+@openssh\.com|\S+-cert-v01@openssh\.com)$/;

/** The public section of an `openssh-key-v1` file, readable even when it is encrypted. */
export interface OpenSshKeyInfo {
  readonly keyType: typeof SSH_ED25519;
  readonly publicKey: Uint8Array;
  readonly publicKeyHex: string;
  /** Whether the private section is encrypted (a passphrase was set). */
  readonly encrypted: boolean;
  /** `none`, or the cipher protecting the private section (e.g. `aes256-ctr`). */
  readonly cipherName: string;
  /** `none`, or the passphrase KDF (e.g. `bcrypt`). */
  readonly kdfName: string;
}

/** An unencrypted OpenSSH Ed25519 private key. */
export interface OpenSshPrivateKey {
  readonly key: SigningKey;
  /** The key's comment (`ssh-keygen -C`), often `user@host`; may be empty. */
  readonly comment: string;
}

/** A parsed `ssh-ed25519 AAAA… comment` line. */
export interface OpenSshPublicKey {
  readonly keyType: typeof SSH_ED25519;
  readonly publicKey: Uint8Array;
  readonly publicKeyHex: string;
  readonly comment: string;
}

interface Container {
  readonly info: OpenSshKeyInfo;
  readonly privateSection: Buffer;
}

/** Whether `text` looks like an OpenSSH private key (for format sniffing). */
export function isOpenSshPrivateKey(text: string): boolean {
  return text.trimStart().startsWith(BEGIN);
}

/**
 * Read the public section of an OpenSSH private key file without decrypting anything.
 * @param source the file name, used in error messages.
 * @throws KeyError `BAD_FORMAT`, `UNSUPPORTED_KEY_TYPE`.
 */
export function inspectOpenSshPrivateKey(text: string, source?: string): OpenSshKeyInfo {
  return readContainer(text, source).info;
}

/**
 * Parse an unencrypted `openssh-key-v1` private key holding one `ssh-ed25519` key.
 * @param source the file name, used in error messages.
 * @throws KeyError `ENCRYPTED_KEY` for a passphrase-protected key; `BAD_FORMAT`,
 *   `UNSUPPORTED_KEY_TYPE` or `KEY_MISMATCH` for anything else it cannot use.
 */
export function parseOpenSshPrivateKey(text: string, source?: string): OpenSshPrivateKey {
  const { info, privateSection } = readContainer(text, source);
  const opt = source === undefined ? {} : { path: source };
  if (info.encrypted)
    throw new KeyError(
      'ENCRYPTED_KEY',
      `the OpenSSH private key${where(source)} is passphrase-protected (cipher ${info.cipherName}, ` +
        `kdf ${info.kdfName}); encrypted keys are not decrypted here — add it to ssh-agent ` +
        `with \`ssh-add\` and use it through the agent`,
      opt,
    );
  const bad = (detail: string): KeyError =>
    new KeyError('BAD_FORMAT', `corrupt OpenSSH private key${where(source)}: ${detail}`, opt);
  try {
    if (privateSection.length % NONE_BLOCK_SIZE !== 0)
      throw bad(`private section is not a multiple of ${NONE_BLOCK_SIZE} bytes`);
    const r = new SshReader(privateSection);
    // Two equal random check-ints: after decryption they prove the passphrase was right;
    // unencrypted, a difference means the file is damaged.
    const check1 = r.uint32();
    const check2 = r.uint32();
    if (check1 !== check2) throw bad('the two check-ints differ');
    const keyType = r.text('key type');
    if (keyType !== SSH_ED25519)
      throw bad(`private key type ${keyType} does not match public key type ${SSH_ED25519}`);
    const publicKey = r.string('public key');
    const secret = r.string('secret key');
    const comment = r.text('comment');
    const padding = r.rest();
    if (publicKey.length !== PUBLIC_KEY_LENGTH) throw bad('public key is not 32 bytes');
    // libsodium's 64-byte secret key: seed ‖ public key.
    if (secret.length !== SEED_LENGTH + PUBLIC_KEY_LENGTH) throw bad('secret key is not 64 bytes');
    if (padding.length >= NONE_BLOCK_SIZE) throw bad('too much padding after the key');
    padding.forEach((b, i) => {
      if (b !== i + 1) throw bad('padding bytes are not 1, 2, 3, …');
    });
    const key = SigningKey.fromSeed(secret.subarray(0, SEED_LENGTH));
    const derived = Buffer.from(key.publicKey);
    if (
      !derived.equals(publicKey) ||
      !derived.equals(secret.subarray(SEED_LENGTH)) ||
      !derived.equals(info.publicKey)
    )
      throw new KeyError(
        'KEY_MISMATCH',
        `corrupt OpenSSH private key${where(source)}: the private key does not belong to the ` +
          `public key stored with it`,
        opt,
      );
    return { key, comment };
  } catch (e) {
    if (e instanceof WireError) throw bad(e.message);
    throw e;
  }
}

function readContainer(text: string, source: string | undefined): Container {
  const opt = source === undefined ? {} : { path: source };
  const bad = (detail: string): KeyError =>
    new KeyError('BAD_FORMAT', `not a valid OpenSSH private key${where(source)}: ${detail}`, opt);
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const begin = lines.findIndex((l) => l.length > 0);
  const first = lines[begin] ?? '';
  if (first !== BEGIN) {
    const pem = /^-----BEGIN (.+)-----$/.exec(first);
    const label = pem?.[1] ?? '';
    if (/\b(RSA|DSA|EC)\b/.test(label))
      throw new KeyError(
        'UNSUPPORTED_KEY_TYPE',
        `unsupported key${where(source)}: a PEM "${label}"; cryptosign needs an Ed25519 ` +
          `key in OpenSSH format (ssh-keygen -t ed25519)`,
        opt,
      );
    throw bad(
      pem === null
        ? `expected a line "${BEGIN}"`
        : `found "${first}", expected "${BEGIN}" (make the key with ssh-keygen -t ed25519)`,
    );
  }
  const end = lines.indexOf(END, begin + 1);
  if (end < 0) throw bad(`missing the line "${END}"`);
  if (lines.slice(end + 1).some((l) => l.length > 0)) throw bad(`unexpected text after "${END}"`);
  const b64 = lines.slice(begin + 1, end).join('');
  if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64_RE.test(b64))
    throw bad('the body is not valid base64');
  const blob = Buffer.from(b64, 'base64');
  if (!blob.subarray(0, MAGIC.length).equals(MAGIC))
    throw bad('missing the "openssh-key-v1" magic');
  try {
    const r = new SshReader(blob.subarray(MAGIC.length));
    const cipherName = r.text('cipher name');
    const kdfName = r.text('kdf name');
    r.string('kdf options');
    const count = r.uint32();
    if (count !== 1) throw bad(`it holds ${count} keys, exactly one is supported`);
    const { keyType, ed25519 } = parseKeyBlob(r.string('public key'));
    if (ed25519 === undefined)
      throw new KeyError(
        'UNSUPPORTED_KEY_TYPE',
        `unsupported key type ${keyType}${where(source)}: cryptosign needs an ssh-ed25519 key ` +
          `(ssh-keygen -t ed25519)`,
        opt,
      );
    const privateSection = r.string('private section');
    if (r.remaining !== 0) throw bad(`${r.remaining} unexpected bytes after the private section`);
    if ((cipherName === 'none') !== (kdfName === 'none'))
      throw bad(`inconsistent cipher "${cipherName}" and kdf "${kdfName}"`);
    const publicKey = new Uint8Array(ed25519);
    return {
      info: {
        keyType: SSH_ED25519,
        publicKey,
        publicKeyHex: toHex(publicKey),
        encrypted: cipherName !== 'none',
        cipherName,
        kdfName,
      },
      privateSection,
    };
  } catch (e) {
    if (e instanceof WireError) throw bad(e.message);
    throw e;
  }
}

/**
 * Parse an OpenSSH public key line, `ssh-ed25519 <base64> [comment]` (a `.pub` file).
 * @param source the file name, used in error messages.
 * @throws KeyError `BAD_FORMAT`, `UNSUPPORTED_KEY_TYPE`.
 */
export function parseOpenSshPublicKey(line: string, source?: string): OpenSshPublicKey {
  const opt = source === undefined ? {} : { path: source };
  const bad = (detail: string): KeyError =>
    new KeyError('BAD_FORMAT', `not a valid OpenSSH public key${where(source)}: ${detail}`, opt);
  const nonEmpty = line.split(/\r?\n/).filter((l) => l.trim().length > 0);
  if (nonEmpty.length > 1) throw bad(`expected one line, found ${nonEmpty.length}`);
  const only = nonEmpty[0];
  if (only === undefined) throw bad('it is empty');
  const m = /^(\S+)\s+(\S+)(?:\s+(.*))?$/.exec(only.trim());
  const keyType = m?.[1];
  const b64 = m?.[2];
  const comment = m?.[3];
  if (keyType === undefined || b64 === undefined)
    throw bad('expected "ssh-ed25519 <base64> [comment]"');
  if (keyType !== SSH_ED25519) {
    if (SSH_KEY_TYPE_RE.test(keyType))
      throw new KeyError(
        'UNSUPPORTED_KEY_TYPE',
        `unsupported key type ${keyType}${where(source)}: cryptosign needs an ssh-ed25519 key ` +
          `(ssh-keygen -t ed25519)`,
        opt,
      );
    throw bad(
      `expected "ssh-ed25519 <base64> [comment]", got a line starting "${keyType.slice(0, 40)}"`,
    );
  }
  if (b64.length % 4 !== 0 || !BASE64_RE.test(b64)) throw bad('the key is not valid base64');
  let blob;
  try {
    blob = parseKeyBlob(Buffer.from(b64, 'base64'));
  } catch (e) {
    if (e instanceof WireError) throw bad(e.message);
    throw e;
  }
  if (blob.ed25519 === undefined)
    throw bad(`the line says ${SSH_ED25519} but the key inside is ${blob.keyType}`);
  const publicKey = new Uint8Array(blob.ed25519);
  return {
    keyType: SSH_ED25519,
    publicKey,
    publicKeyHex: toHex(publicKey),
    comment: comment?.trim() ?? '',
  };
}

/** Format an OpenSSH public key line for a 32-byte Ed25519 public key. */
export function formatOpenSshPublicKey(publicKey: Uint8Array, comment = ''): string {
  if (publicKey.length !== PUBLIC_KEY_LENGTH)
    throw new KeyError(
      'INVALID_KEY',
      `an Ed25519 public key must be 32 bytes, got ${publicKey.length}`,
    );
  const b64 = ed25519KeyBlob(publicKey).toString('base64');
  return comment.length > 0 ? `${SSH_ED25519} ${b64} ${comment}` : `${SSH_ED25519} ${b64}`;
}
