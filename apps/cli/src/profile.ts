/**
 * Where and as whom the CLI connects: profiles in `~/.cdc/config.json`
 * (`{"profiles": {"default": {"url", "realm", "key"}}}`), overridden by `CDC_URL`,
 * `CDC_REALM`, `CDC_KEY` and then by `--url`, `--realm`, `--key`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { CliError } from './errors.js';
import { errorMessage } from '@cdc/protocol';

export interface Profile {
  url: string;
  realm: string | null;
  key: string;
}

export interface ConnectionFlags {
  profile?: string;
  url?: string;
  realm?: string;
  key?: string;
}

export function cdcHome(): string {
  return process.env['CDC_HOME'] ?? join(homedir(), '.cdc');
}

function expand(p: string): string {
  return p.startsWith('~/') ? join(homedir(), p.slice(2)) : resolve(p);
}

function defaultKey(): string {
  const own = join(cdcHome(), 'id_ed25519');
  return existsSync(own) ? own : join(homedir(), '.ssh', 'id_ed25519');
}

export function readProfiles(): Record<string, Partial<Profile>> {
  const file = join(cdcHome(), 'config.json');
  if (!existsSync(file)) return {};
  try {
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as {
      profiles?: Record<string, Partial<Profile>>;
    };
    return cfg.profiles ?? {};
  } catch (e) {
    throw new CliError(`${file} is not valid JSON: ${errorMessage(e)}`);
  }
}

/** An environment variable, with empty meaning unset. */
function env(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function resolveProfile(flags: ConnectionFlags): Profile {
  const name = flags.profile ?? env('CDC_PROFILE') ?? 'default';
  const profiles = readProfiles();
  const p = profiles[name];
  if (p === undefined && flags.profile !== undefined)
    throw new CliError(`no profile "${name}" in ${join(cdcHome(), 'config.json')}`);
  const url = flags.url ?? env('CDC_URL') ?? p?.url ?? 'ws://127.0.0.1:9000/ws';
  const realm = flags.realm ?? env('CDC_REALM') ?? p?.realm ?? null;
  const key = expand(flags.key ?? env('CDC_KEY') ?? p?.key ?? defaultKey());
  return { url, realm, key };
}

/** Join the center with the profile's key (cryptosign; ssh-agent for protected keys). */
async function open(flags: ConnectionFlags): Promise<{ session: Session; pubkey: string }> {
  const p = resolveProfile(flags);
  const signer = await loadUserSigner(p.key);
  let transport;
  try {
    transport = await connect(p.url);
  } catch (e) {
    throw new CliError(`cannot reach the center at ${p.url}: ${errorMessage(e)}`);
  }
  const session = await joinSession(transport, {
    realm: p.realm,
    authmethods: ['cryptosign'],
    signer,
  });
  return { session, pubkey: signer.publicKeyHex };
}

/** Run `f` with a session, leaving afterwards. */
export async function withCenter<T>(
  flags: ConnectionFlags,
  f: (s: Session) => Promise<T>,
): Promise<T> {
  return withCenterKey(flags, (s) => f(s));
}

/** Run `f` with a session and the public key (64 hex) it joined with, leaving afterwards. */
export async function withCenterKey<T>(
  flags: ConnectionFlags,
  f: (s: Session, pubkey: string) => Promise<T>,
): Promise<T> {
  const { session, pubkey } = await open(flags);
  try {
    return await f(session, pubkey);
  } finally {
    await session.leave().catch(() => undefined);
  }
}
