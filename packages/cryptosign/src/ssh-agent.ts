/**
 * A minimal ssh-agent client (draft-miller-ssh-agent): list identities and sign with
 * one, over the agent's Unix socket. Users keep passphrase-protected keys in the agent;
 * cryptosign's Ed25519 signature over the raw 32-byte message is exactly what the agent
 * makes for an `ssh-ed25519` key, so the agent can answer a CHALLENGE without the
 * private key ever being in this process.
 * @module
 */
import { createConnection } from 'node:net';
import { toHex } from './bytes.js';
import { SIGNATURE_LENGTH, verifyEd25519 } from './ed25519.js';
import { KeyError } from './errors.js';
import {
  SSH_ED25519,
  SshReader,
  SshWriter,
  WireError,
  ed25519KeyBlob,
  parseKeyBlob,
} from './ssh-wire.js';

/** Agent protocol message numbers [draft-miller-ssh-agent §5.1]. */
const SSH_AGENT_FAILURE = 5;
const SSH2_AGENTC_REQUEST_IDENTITIES = 11;
const SSH2_AGENT_IDENTITIES_ANSWER = 12;
const SSH2_AGENTC_SIGN_REQUEST = 13;
const SSH2_AGENT_SIGN_RESPONSE = 14;
/** Older failure codes some agents still send (ssh.com, v2 extension failure). */
const OTHER_FAILURES = new Set([30, 102]);
/** OpenSSH's own bound on agent messages (AGENT_MAX_LEN in authfd.c). */
const MAX_MESSAGE = 256 * 1024;
/** Agents may ask the user to confirm a signature (`ssh-add -c`), so allow time. */
const DEFAULT_TIMEOUT_MS = 30_000;

/** An Ed25519 key the agent holds. */
export interface AgentIdentity {
  readonly publicKey: Uint8Array;
  readonly publicKeyHex: string;
  /** The comment the key was added with (usually its file name or `user@host`). */
  readonly comment: string;
}

export interface SshAgentClientOptions {
  /** The agent socket; defaults to `SSH_AUTH_SOCK`. */
  readonly socketPath?: string | undefined;
  /** Per-request timeout in milliseconds (default 30 s, as the agent may prompt). */
  readonly timeoutMs?: number;
}

export class SshAgentClient {
  /** The socket path, or `undefined` if none was given and `SSH_AUTH_SOCK` is unset. */
  readonly socketPath: string | undefined;
  readonly timeoutMs: number;

  constructor(options: SshAgentClientOptions = {}) {
    const fromEnv = process.env['SSH_AUTH_SOCK'];
    const path = options.socketPath ?? (fromEnv === '' ? undefined : fromEnv);
    this.socketPath = path;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * The agent's `ssh-ed25519` identities (other key types, certificates and FIDO
   * `sk-` keys cannot make cryptosign signatures and are left out).
   * @throws KeyError `NO_AGENT`, `AGENT_FAILURE`.
   */
  async listIdentities(): Promise<AgentIdentity[]> {
    const reply = await this.#request(Buffer.of(SSH2_AGENTC_REQUEST_IDENTITIES));
    const r = new SshReader(reply);
    const type = r.byte();
    if (type !== SSH2_AGENT_IDENTITIES_ANSWER) throw this.#unexpected('identities', type);
    try {
      const count = r.uint32();
      const out: AgentIdentity[] = [];
      for (let i = 0; i < count; i++) {
        const blob = r.string('key blob');
        const comment = r.text('comment');
        let ed25519: Buffer | undefined;
        try {
          ed25519 = parseKeyBlob(blob).ed25519;
        } catch {
          continue; // a malformed key of some type we would skip anyway
        }
        if (ed25519 === undefined) continue;
        const publicKey = new Uint8Array(ed25519);
        out.push({ publicKey, publicKeyHex: toHex(publicKey), comment });
      }
      return out;
    } catch (e) {
      if (e instanceof WireError) throw this.#failure(`malformed identities answer: ${e.message}`);
      throw e;
    }
  }

  /** The identity for `publicKey` (32 bytes or 64 hex), or `undefined` if the agent lacks it. */
  async findIdentity(publicKey: Uint8Array | string): Promise<AgentIdentity | undefined> {
    const hex = typeof publicKey === 'string' ? publicKey.toLowerCase() : toHex(publicKey);
    const ids = await this.listIdentities();
    return ids.find((id) => id.publicKeyHex === hex);
  }

  /**
   * Have the agent sign `data` with the Ed25519 key `publicKey`; returns the raw
   * 64-byte signature, checked against the public key before it is returned.
   * @throws KeyError `NO_AGENT`, `NOT_IN_AGENT`, `AGENT_FAILURE`, `INVALID_KEY`.
   */
  async sign(publicKey: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
    if (publicKey.length !== 32)
      throw new KeyError(
        'INVALID_KEY',
        `an Ed25519 public key must be 32 bytes, got ${publicKey.length}`,
      );
    const request = new SshWriter()
      .byte(SSH2_AGENTC_SIGN_REQUEST)
      .string(ed25519KeyBlob(publicKey))
      .string(data)
      .uint32(0) // flags: none apply to ssh-ed25519
      .toBuffer();
    const reply = await this.#request(request);
    const r = new SshReader(reply);
    const type = r.byte();
    if (type === SSH_AGENT_FAILURE || OTHER_FAILURES.has(type)) {
      // The agent answers FAILURE both for a key it lacks and for a refusal (a denied
      // confirmation, a locked agent); ask which, so the user gets the right advice.
      const held = await this.findIdentity(publicKey).catch(() => undefined);
      if (held === undefined)
        throw new KeyError(
          'NOT_IN_AGENT',
          `the ssh-agent at ${this.#where()} does not hold the key ${toHex(publicKey)} (or the agent is locked); add it with \`ssh-add <key file>\``,
        );
      throw this.#failure(
        `the agent refused to sign with ${held.comment || toHex(publicKey)} (is it locked, or was confirmation denied?)`,
      );
    }
    if (type !== SSH2_AGENT_SIGN_RESPONSE) throw this.#unexpected('sign', type);
    let signature: Buffer;
    try {
      const sig = new SshReader(r.string('signature'));
      const sigType = sig.text('signature type');
      if (sigType !== SSH_ED25519)
        throw new WireError(`signature type is ${sigType}, expected ${SSH_ED25519}`);
      signature = sig.string('signature bytes');
      if (signature.length !== SIGNATURE_LENGTH)
        throw new WireError(`signature is ${signature.length} bytes, expected ${SIGNATURE_LENGTH}`);
    } catch (e) {
      if (e instanceof WireError) throw this.#failure(`malformed sign response: ${e.message}`);
      throw e;
    }
    // A wrong signature would only surface later as an opaque authentication failure.
    if (!verifyEd25519(publicKey, data, signature))
      throw this.#failure('the agent returned a signature that does not verify');
    return new Uint8Array(signature);
  }

  #where(): string {
    return this.socketPath ?? '(none)';
  }

  #failure(detail: string): KeyError {
    return new KeyError('AGENT_FAILURE', `ssh-agent at ${this.#where()}: ${detail}`);
  }

  #unexpected(what: string, type: number): KeyError {
    return this.#failure(`unexpected reply type ${type} to the ${what} request`);
  }

  /** One request/response on a fresh connection (agents serve each connection in turn). */
  #request(body: Buffer): Promise<Buffer> {
    const path = this.socketPath;
    if (path === undefined)
      return Promise.reject(
        new KeyError(
          'NO_AGENT',
          'no ssh-agent: SSH_AUTH_SOCK is not set (start one with `eval "$(ssh-agent)"`)',
        ),
      );
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      const socket = createConnection({ path });
      const finish = (err: KeyError | undefined, value?: Buffer): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        if (err !== undefined) reject(err);
        else if (value !== undefined) resolve(value);
      };
      socket.setTimeout(this.timeoutMs, () =>
        finish(this.#failure(`no answer within ${this.timeoutMs} ms`)),
      );
      socket.on('connect', () => {
        const frame = Buffer.alloc(4 + body.length);
        frame.writeUInt32BE(body.length);
        body.copy(frame, 4);
        socket.write(frame);
      });
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received < 4) return;
        const all = chunks.length === 1 ? chunk : Buffer.concat(chunks);
        const len = all.readUInt32BE(0);
        if (len === 0 || len > MAX_MESSAGE) {
          finish(this.#failure(`invalid reply length ${len}`));
          return;
        }
        if (all.length >= 4 + len) {
          if (all.length > 4 + len) finish(this.#failure('unexpected bytes after the reply'));
          else finish(undefined, all.subarray(4));
        } else if (chunks.length > 1) {
          chunks.length = 0;
          chunks.push(all);
        }
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        const noAgent = e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'ENOTSOCK';
        finish(
          noAgent
            ? new KeyError(
                'NO_AGENT',
                `no ssh-agent listening at ${path} (${e.code ?? e.message}); is SSH_AUTH_SOCK stale?`,
                { cause: e },
              )
            : new KeyError('AGENT_FAILURE', `ssh-agent at ${path}: ${e.message}`, { cause: e }),
        );
      });
      socket.on('close', () =>
        finish(this.#failure('the agent closed the connection without answering')),
      );
    });
  }
}
