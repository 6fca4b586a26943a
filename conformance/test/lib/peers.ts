/**
 * Third-party peers as child processes: how to launch each, the common command line of
 * the interop scenario (conformance/peers/README.md), and a runner that collects the JSON
 * lines a peer prints.
 * @module
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `conformance/` (this file runs from `conformance/dist/test/lib/`). */
export const CONFORMANCE_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const PEERS = `${CONFORMANCE_DIR}peers/`;

/** Debian's interpreter with python3-autobahn 22.7.1 (not a pyenv `python3` on PATH). */
export const PYTHON = '/usr/bin/python3';

export interface PeerLauncher {
  /** e.g. `autobahn-python/twisted`. */
  name: string;
  command: string;
  /** Arguments before the scenario's own (interpreter flags, the script). */
  args: string[];
  /** Why the peer cannot run here, or false. */
  skip: string | false;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

function pythonSkip(module: string): string | false {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  const r = spawnSync(PYTHON, ['-c', `import ${module}`]);
  return r.status === 0 ? false : `${module} is not installed for ${PYTHON}`;
}

export function autobahnPython(flavor: 'twisted' | 'asyncio'): PeerLauncher {
  return {
    name: `autobahn-python/${flavor}`,
    command: PYTHON,
    args: [`${PEERS}python/peer.py`, '--flavor', flavor],
    skip: pythonSkip(`autobahn.${flavor}.component`),
  };
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

/** autobahn-js 26 uses the global WebSocket: behind a flag before Node 22. */
export function autobahnJs(): PeerLauncher {
  return {
    name: 'autobahn-js',
    command: process.execPath,
    args: [...(nodeMajor < 22 ? ['--experimental-websocket'] : []), `${PEERS}js/autobahn-peer.mjs`],
    skip: false,
  };
}

export function wampy(): PeerLauncher {
  return {
    name: 'wampy',
    command: process.execPath,
    args: [`${PEERS}js/wampy-peer.mjs`],
    skip: false,
  };
}

export type Serializer = 'json' | 'msgpack' | 'cbor';

/** How a peer authenticates. */
export type PeerAuth =
  | { method: 'anonymous' }
  | { method: 'ticket'; authid: string; ticket: string }
  | { method: 'wampcra'; authid: string; secret: string }
  | {
      method: 'cryptosign';
      authid?: string;
      seedHex: string;
      channelBinding?: 'tls-unique';
    }
  | { method: 'scram'; authid: string; password: string }
  | { method: 'tls'; cert: string; key: string };

export interface ScenarioParams {
  url: string;
  serializer: Serializer;
  realm: string;
  prefix: string;
  auth: PeerAuth;
  /** A PEM file the peer trusts for TLS. */
  cafile?: string;
  tlsMax?: '1.2' | '1.3';
}

/** The scenario's command line, the same for every peer. */
export function scenarioArgs(p: ScenarioParams): string[] {
  const a = ['--url', p.url, '--serializer', p.serializer, '--realm', p.realm];
  a.push('--prefix', p.prefix, '--authmethod', p.auth.method);
  switch (p.auth.method) {
    case 'anonymous':
      break;
    case 'ticket':
      a.push('--authid', p.auth.authid, '--ticket', p.auth.ticket);
      break;
    case 'wampcra':
      a.push('--authid', p.auth.authid, '--secret', p.auth.secret);
      break;
    case 'cryptosign':
      if (p.auth.authid !== undefined) a.push('--authid', p.auth.authid);
      a.push('--seed', p.auth.seedHex);
      if (p.auth.channelBinding !== undefined) a.push('--channel-binding', p.auth.channelBinding);
      break;
    case 'scram':
      a.push('--authid', p.auth.authid, '--password', p.auth.password);
      break;
    case 'tls':
      a.push('--client-cert', p.auth.cert, '--client-key', p.auth.key);
      break;
  }
  if (p.cafile !== undefined) a.push('--cafile', p.cafile);
  if (p.tlsMax !== undefined) a.push('--tls-max', p.tlsMax);
  return a;
}

/** One JSON line a peer printed. */
export interface PeerLine {
  kind: string;
  [key: string]: unknown;
}

export interface PeerRun {
  code: number | null;
  signal: string | null;
  lines: PeerLine[];
  /** Lines on stdout that were not JSON (should be none). */
  noise: string[];
  stderr: string;
  timedOut: boolean;
}

const running = new Set<ChildProcess>();

/** Kill every peer still running (for `after` hooks). */
export function killPeers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Run a peer to completion (or kill it after `timeoutMs`) and collect what it printed. */
export function runPeer(
  launcher: PeerLauncher,
  args: string[],
  timeoutMs = 30_000,
): Promise<PeerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(launcher.command, [...launcher.args, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PYTHONUNBUFFERED: '1',
        PYTHONDONTWRITEBYTECODE: '1',
        ...launcher.env,
      },
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      running.delete(child);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      const lines: PeerLine[] = [];
      const noise: string[] = [];
      for (const line of stdout.split('\n')) {
        if (line.trim() === '') continue;
        try {
          const v = JSON.parse(line) as unknown;
          if (typeof v === 'object' && v !== null && typeof (v as PeerLine).kind === 'string')
            lines.push(v as PeerLine);
          else noise.push(line);
        } catch {
          noise.push(line);
        }
      }
      resolve({ code, signal, lines, noise, stderr, timedOut });
    });
  });
}

/** A readable account of a run for assertion messages. */
export function describeRun(run: PeerRun): string {
  return [
    `exit ${run.code ?? run.signal}${run.timedOut ? ' (timed out)' : ''}`,
    ...run.lines.map((l) => JSON.stringify(l)),
    ...run.noise.map((l) => `stdout: ${l}`),
    run.stderr.trim() === '' ? '' : `stderr:\n${run.stderr.trim().slice(-3000)}`,
  ].join('\n');
}
