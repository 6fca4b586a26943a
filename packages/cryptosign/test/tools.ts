/** Test helpers: temporary directories, real `ssh-keygen`/`ssh-agent`/`ssh-add`, and hand-built OpenSSH key files. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SigningKey } from '../src/ed25519.js';
import { SshWriter, ed25519KeyBlob } from '../src/ssh-wire.js';

export function tempDir(prefix = 'cdc-cryptosign-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export const HAVE_OPENSSH =
  hasCommand('ssh-keygen') && hasCommand('ssh-agent') && hasCommand('ssh-add');
export const NO_OPENSSH = HAVE_OPENSSH
  ? false
  : 'OpenSSH tools (ssh-keygen, ssh-agent, ssh-add) not installed';

export interface KeygenOptions {
  type?: string;
  passphrase?: string;
  comment?: string;
  extra?: string[];
}

/** Run `ssh-keygen -t <type> -N <passphrase> -C <comment> -f <dir>/<name>`; returns the private key path. */
export function sshKeygen(dir: string, name: string, options: KeygenOptions = {}): string {
  const path = join(dir, name);
  const res = spawnSync(
    'ssh-keygen',
    [
      '-q',
      '-t',
      options.type ?? 'ed25519',
      '-N',
      options.passphrase ?? '',
      '-C',
      options.comment ?? `${name}@test`,
      ...(options.extra ?? []),
      '-f',
      path,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (res.status !== 0) throw new Error(`ssh-keygen failed: ${res.stderr}`);
  return path;
}

/** A real ssh-agent in the foreground (`-D`) on a socket in `dir`. */
export interface TestAgent {
  readonly socket: string;
  readonly process: ChildProcess;
  /** `ssh-add` with a passphrase fed through SSH_ASKPASS; throws on failure. */
  add(keyPath: string, passphrase?: string, args?: string[]): void;
  /** Run `ssh-add` with arbitrary arguments (e.g. `-x` to lock); returns the exit status. */
  run(args: string[], passphrase?: string): number | null;
  stop(): Promise<void>;
}

export async function startAgent(dir: string): Promise<TestAgent> {
  const socket = join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(20);
  if (!existsSync(socket)) {
    child.kill();
    throw new Error('ssh-agent did not create its socket');
  }
  const askpass = join(dir, 'askpass.sh');
  const run = (args: string[], passphrase = ''): number | null => {
    // ssh-add reads passphrases from SSH_ASKPASS when forced; the script echoes ours.
    writeFileSync(askpass, `#!/bin/sh\nprintf '%s\\n' '${passphrase.replace(/'/g, `'\\''`)}'\n`, {
      mode: 0o700,
    });
    const res = spawnSync('ssh-add', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        SSH_AUTH_SOCK: socket,
        SSH_ASKPASS: askpass,
        SSH_ASKPASS_REQUIRE: 'force',
        DISPLAY: ':0',
      },
    });
    return res.status;
  };
  return {
    socket,
    process: child,
    run,
    add(keyPath, passphrase, args = []) {
      const status = run([...args, keyPath], passphrase);
      if (status !== 0) throw new Error(`ssh-add ${keyPath} failed with status ${status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface ContainerOptions {
  checkInts?: [number, number];
  /** Public key in the public section (default: the key's). */
  publicKey?: Uint8Array;
  /** Public key inside the private section (default: the key's). */
  innerPublicKey?: Uint8Array;
  /** The 64-byte secret (default seed ‖ public key). */
  secret?: Uint8Array;
  comment?: string;
  keyCount?: number;
  cipher?: string;
  kdf?: string;
  padding?: number[];
}

/** Build an unencrypted `openssh-key-v1` file by hand, optionally damaged, for `key`. */
export function buildOpenSshKey(key: SigningKey, options: ContainerOptions = {}): string {
  const pub = options.publicKey ?? key.publicKey;
  const inner = options.innerPublicKey ?? key.publicKey;
  const secret = options.secret ?? Buffer.concat([key.seed, key.publicKey]);
  const [c1, c2] = options.checkInts ?? [0x12345678, 0x12345678];
  const section = new SshWriter()
    .uint32(c1)
    .uint32(c2)
    .string('ssh-ed25519')
    .string(inner)
    .string(secret)
    .string(options.comment ?? 'built@test')
    .toBuffer();
  const padLen = (8 - (section.length % 8)) % 8;
  const padding = options.padding ?? Array.from({ length: padLen }, (_, i) => i + 1);
  const priv = Buffer.concat([section, Buffer.from(padding)]);
  const w = new SshWriter()
    .raw(Buffer.from('openssh-key-v1\0', 'latin1'))
    .string(options.cipher ?? 'none')
    .string(options.kdf ?? 'none')
    .string('')
    .uint32(options.keyCount ?? 1);
  for (let i = 0; i < (options.keyCount ?? 1); i++) w.string(ed25519KeyBlob(pub));
  w.string(priv);
  return armor(w.toBuffer());
}

export function armor(blob: Buffer): string {
  const b64 = blob.toString('base64').replace(/.{1,70}/g, '$&\n');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`;
}

/** Decode an OpenSSH private key file's body. */
export function unarmor(text: string): Buffer {
  const body = text
    .split('\n')
    .filter((l) => l.length > 0 && !l.startsWith('-----'))
    .join('');
  return Buffer.from(body, 'base64');
}

/** Expect a KeyError with `code` (and optionally message fragments). */
export function keyError(code: string, ...fragments: (string | RegExp)[]): (e: unknown) => boolean {
  return (e: unknown) => {
    if (!(e instanceof Error) || e.name !== 'KeyError')
      throw new Error(`expected a KeyError, got ${String(e)}`);
    const actual = (e as Error & { code: string }).code;
    if (actual !== code) throw new Error(`expected code ${code}, got ${actual}: ${e.message}`);
    for (const f of fragments) {
      const ok = typeof f === 'string' ? e.message.includes(f) : f.test(e.message);
      if (!ok) throw new Error(`message ${JSON.stringify(e.message)} lacks ${String(f)}`);
    }
    return true;
  };
}
