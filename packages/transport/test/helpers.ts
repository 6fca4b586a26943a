/** Shared test helpers: a recording handler, raw sockets, temp dirs and TLS certificates. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloseDetails, Transport, TransportHandler } from '@cdc/protocol';

/** Records everything a transport delivers and lets tests await it. */
export class Recorder implements TransportHandler {
  readonly messages: unknown[] = [];
  readonly errors: Error[] = [];
  closeDetails: CloseDetails | undefined;
  private waiters: (() => void)[] = [];

  constructor(transport?: Transport) {
    transport?.attach(this);
  }

  onMessage(message: unknown): void {
    this.messages.push(message);
    this.wake();
  }
  onProtocolError(error: Error): void {
    this.errors.push(error);
    this.wake();
  }
  onClose(details: CloseDetails): void {
    this.closeDetails = details;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolve once `check()` holds (re-checked on every delivery). */
  until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const test = (): void => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(test);
      };
      test();
    });
  }

  async messageCount(n: number): Promise<unknown[]> {
    await this.until(() => this.messages.length >= n, `${n} messages`);
    return this.messages;
  }

  async closed(): Promise<CloseDetails> {
    await this.until(() => this.closeDetails !== undefined, 'close');
    return this.closeDetails!;
  }

  async error(): Promise<Error> {
    await this.until(() => this.errors.length > 0, 'a protocol error');
    return this.errors[0]!;
  }
}

/** A raw socket with a byte buffer to await exact reads from. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {
      // Surfaces as 'close'.
    });
  }

  /** Wrap a socket accepted by a test server. */
  static wrap(socket: Socket): RawClient {
    return new RawClient(socket);
  }

  static open(target: { port: number; host?: string } | { path: string }): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s =
        'path' in target
          ? netConnect({ path: target.path })
          : netConnect({ port: target.port, host: target.host ?? '127.0.0.1' });
      s.once('connect', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(bytes: Uint8Array | string): void {
    this.socket.write(bytes);
  }

  /** Read exactly `n` bytes. */
  read(n: number, timeoutMs = 5000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let done = false;
      const timer = setTimeout(() => {
        done = true; // a timed-out read must not consume later data
        reject(new Error(`timed out reading ${n} bytes`));
      }, timeoutMs);
      const test = (): void => {
        if (done) return;
        if (this.buf.length >= n) {
          clearTimeout(timer);
          const out = this.buf.subarray(0, n);
          this.buf = this.buf.subarray(n);
          resolve(out);
        } else if (this.ended) {
          clearTimeout(timer);
          reject(new Error(`connection closed with ${this.buf.length} of ${n} bytes`));
        } else this.waiters.push(test);
      };
      test();
    });
  }

  /** Everything until the peer closes. */
  readAll(timeoutMs = 5000): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      const test = (): void => {
        if (this.ended) {
          clearTimeout(timer);
          resolve(this.buf);
        } else this.waiters.push(test);
      };
      test();
    });
  }

  /** Resolve when the peer has closed the connection. */
  async closed(timeoutMs = 5000): Promise<void> {
    await this.readAll(timeoutMs);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'cdc-transport-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version']).status === 0;
}

/** A self-signed certificate for localhost / 127.0.0.1, made with the openssl CLI. */
export function selfSignedCert(dir: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Collects what a listener accepts, each with a Recorder attached; await them in order. */
export class AcceptQueue {
  readonly accepted: { transport: Transport; recorder: Recorder; path?: string | undefined }[] = [];
  private taken = 0;

  readonly onTransport = (transport: Transport, meta?: { path?: string }): void => {
    this.accepted.push({ transport, recorder: new Recorder(transport), path: meta?.path });
  };

  /**
   * The next transport to arrive after this call (and after those earlier calls wait
   * for): call it before connecting. Connections nobody asked for are skipped.
   */
  async next(timeoutMs = 5000): Promise<AcceptQueue['accepted'][number]> {
    const n = Math.max(this.taken, this.accepted.length);
    this.taken = n + 1;
    const deadline = Date.now() + timeoutMs;
    while (this.accepted[n] === undefined) {
      if (Date.now() > deadline) throw new Error('timed out waiting for a connection');
      await delay(2);
    }
    return this.accepted[n];
  }
}
