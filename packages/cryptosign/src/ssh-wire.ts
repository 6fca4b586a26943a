/**
 * The SSH wire encoding shared by OpenSSH key files and the agent protocol (RFC 4251
 * §5): big-endian `uint32`, and `string` = uint32 length + bytes. The reader never reads
 * past its buffer; it throws `WireError`, which callers turn into a `KeyError` with
 * the context (which file, which agent reply) the reader does not know.
 * @module
 */

/** A truncated or inconsistent SSH wire structure. */
export class WireError extends Error {
  override name = 'WireError';
}

export class SshReader {
  readonly #buf: Buffer;
  #pos = 0;

  constructor(buf: Uint8Array) {
    this.#buf = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.#buf.length - this.#pos;
  }

  byte(): number {
    this.#need(1, 'byte');
    return this.#buf.readUInt8(this.#pos++);
  }

  uint32(): number {
    this.#need(4, 'uint32');
    const v = this.#buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  /** A length-prefixed byte string (a view into the buffer, not a copy). */
  string(what = 'string'): Buffer {
    const len = this.uint32();
    this.#need(len, what);
    const out = this.#buf.subarray(this.#pos, this.#pos + len);
    this.#pos += len;
    return out;
  }

  /** A length-prefixed string decoded as UTF-8 (names, comments). */
  text(what = 'string'): string {
    return this.string(what).toString('utf8');
  }

  /** `n` raw bytes with no length prefix. */
  raw(n: number, what = 'bytes'): Buffer {
    this.#need(n, what);
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  /** Everything not read yet. */
  rest(): Buffer {
    const out = this.#buf.subarray(this.#pos);
    this.#pos = this.#buf.length;
    return out;
  }

  #need(n: number, what: string): void {
    if (this.#pos + n > this.#buf.length)
      throw new WireError(
        `truncated data: ${what} needs ${n} bytes at offset ${this.#pos}, only ${this.remaining} left`,
      );
  }
}

export class SshWriter {
  readonly #parts: Buffer[] = [];

  byte(v: number): this {
    this.#parts.push(Buffer.of(v));
    return this;
  }

  uint32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.#parts.push(b);
    return this;
  }

  string(v: Uint8Array | string): this {
    const bytes = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v);
    this.uint32(bytes.length);
    this.#parts.push(bytes);
    return this;
  }

  raw(v: Uint8Array): this {
    this.#parts.push(Buffer.from(v));
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** The SSH name of Ed25519 keys and signatures. */
export const SSH_ED25519 = 'ssh-ed25519';

/** The public key blob of an Ed25519 key: string "ssh-ed25519", string pk32. */
export function ed25519KeyBlob(publicKey: Uint8Array): Buffer {
  return new SshWriter().string(SSH_ED25519).string(publicKey).toBuffer();
}

/** A decoded public key blob: its type name, and the raw key for `ssh-ed25519`. */
export interface KeyBlob {
  readonly keyType: string;
  /** The 32 raw bytes, present only for a well-formed `ssh-ed25519` blob. */
  readonly ed25519?: Buffer;
}

/** Decode a public key blob; throws `WireError` if truncated or an ed25519 blob is malformed. */
export function parseKeyBlob(blob: Uint8Array): KeyBlob {
  const r = new SshReader(blob);
  const keyType = r.text('key type');
  if (keyType !== SSH_ED25519) return { keyType };
  const pk = r.string('ed25519 public key');
  if (pk.length !== 32)
    throw new WireError(`ssh-ed25519 public key must be 32 bytes, got ${pk.length}`);
  if (r.remaining !== 0)
    throw new WireError(`${r.remaining} unexpected bytes after ssh-ed25519 key`);
  return { keyType, ed25519: pk };
}
