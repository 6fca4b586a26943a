/**
 * Where and as whom the CLI connects: profiles in `~/.cdc/config.json`
 * (`{"profiles": {"default": {"url", "realm", "key"}}}`), overridden by `CDC_URL`,
 * `CDC_REALM`, `CDC_KEY` and then by `--url`, `--realm`, `--key`.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Center } from '@cdc/sdk/node';
import { CliError } from './errors.js';
import { errorMessage } from '@cdc/protocol';

export interface Profile {
  url: string;
  realm: string | null;
  key: string;
}

/** The center the CLI talks to when no flag, variable or profile names one. */
export const DEFAULT_URL = 'ws://127.0.0.1:9000/ws';

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

/** Where the key is looked for when none is given, in this order. */
export function defaultKeys(): string[] {
  return [join(cdcHome(), 'id_ed25519'), join(homedir(), '.ssh', 'id_ed25519')];
}

function defaultKey(): string | undefined {
  return defaultKeys().find((k) => existsSync(k));
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
  const url = flags.url ?? env('CDC_URL') ?? p?.url ?? DEFAULT_URL;
  const realm = flags.realm ?? env('CDC_REALM') ?? p?.realm ?? null;
  const given = flags.key ?? env('CDC_KEY') ?? p?.key;
  const key = given !== undefined ? expand(given) : defaultKey();
  if (key === undefined)
    throw new CliError(
      `no key given and none at ${defaultKeys().join(' or ')}: set CDC_KEY or --key ` +
        `(the quickstart's is .cdc/owner_ed25519), or make one with ssh-keygen -t ed25519 -f ${defaultKeys()[0] ?? ''}`,
    );
  return { url, realm, key };
}

/**
 * Connect to the center through the SDK with the profile's key (cryptosign; ssh-agent for
 * protected keys). A key that cannot be used and a center that cannot be reached read as
 * they always did: the SDK's message, without a URI.
 */
async function open(flags: ConnectionFlags): Promise<Center> {
  const p = resolveProfile(flags);
  const { CdcErrors, WampErrors, connectCenter, isCdcError } = await import('@cdc/sdk/node');
  try {
    return await connectCenter({
      url: p.url.split(',').map((u) => u.trim()),
      realm: p.realm,
      key: p.key,
    });
  } catch (e) {
    if (isCdcError(e, WampErrors.CANNOT_AUTHENTICATE) && e.cause instanceof Error)
      throw new CliError(e.message);
    if (isCdcError(e, CdcErrors.CENTER_UNREACHABLE)) throw new CliError(e.message);
    throw e;
  }
}

/** Run `f` with a client of the center (its `pubkey` is the key it signed in with), closing it afterwards. */
export async function withCenter<T>(
  flags: ConnectionFlags,
  f: (cdc: Center) => Promise<T>,
): Promise<T> {
  const cdc = await open(flags);
  try {
    return await f(cdc);
  } catch (e) {
    // A key no management realm knows joins the global realm, where the call is refused:
    // say that, not that the procedure is not for it.
    if (
      cdc.authrole === 'cdc-registrant' &&
      (e as { uri?: unknown }).uri === 'wamp.error.not_authorized'
    )
      throw new CliError(
        `the key ${resolveProfile(flags).key} is not known to any management realm of ` +
          `${resolveProfile(flags).url} (it joined only the global realm, to register): use a ` +
          `key with access (CDC_KEY or --key), or register it`,
        'wamp.error.not_authorized',
      );
    throw e;
  } finally {
    await cdc.close().catch(() => undefined);
  }
}

/**
 * Settles when the session ends otherwise than by Ctrl-C (the CLI does not wait for a
 * reconnect): for commands that follow events.
 */
export function untilInterrupted(cdc: Center): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    cdc.onState((s) => {
      if (s.status === 'reconnecting' || s.status === 'closed')
        reject(new CliError(`the center ended the session (${s.error?.uri ?? s.status})`));
    });
  });
}
