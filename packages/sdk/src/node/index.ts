/**
 * @cdc/sdk/node — the SDK in Node: `connectCenter` with a key file (an OpenSSH private key,
 * used directly when unencrypted and through ssh-agent when passphrase-protected; an OpenSSH
 * public key line whose private key the agent holds; a Crossbar.io node key file, SPEC §2)
 * and the WebSocket or RawSocket transports of `@cdc/transport` (`ws://`, `wss://`,
 * `rs://`, `rss://`, `unix:`).
 * @module
 */
import type { ChallengeSigner } from '@cdc/client';
import { KeyError, loadUserSigner } from '@cdc/cryptosign';
import type { LoadUserSignerOptions } from '@cdc/cryptosign';
import { WampErrors } from '@cdc/protocol';
import type { Transport } from '@cdc/protocol';
import { connect } from '@cdc/transport';
import { CenterClient } from '../client.js';
import type { Center, CenterOptions } from '../client.js';
import { CdcError } from '../errors.js';

/** A signer read from a key file, with where it came from. */
export type KeySigner = ChallengeSigner & { readonly description: string };

/**
 * Read a user or node key for signing in (SPEC §2).
 * @throws (rejects) CdcError `wamp.error.cannot_authenticate` whose message says which case
 *   it was (no such file, not a key, passphrase-protected and no agent holding it, …); its
 *   `cause` is the `KeyError` of `@cdc/cryptosign`.
 */
export async function loadKey(
  path: string,
  options: LoadUserSignerOptions = {},
): Promise<KeySigner> {
  try {
    return await loadUserSigner(path, options);
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    throw new CdcError(WampErrors.CANNOT_AUTHENTICATE, e.message, { cause: e });
  }
}

export interface NodeCenterOptions extends Omit<CenterOptions, 'signer' | 'transport'> {
  /** A key file (see {@link loadKey}); or give `signer`. */
  key?: string | undefined;
  /** The ssh-agent for a passphrase-protected key (default `SSH_AUTH_SOCK`). */
  agentSocket?: string | undefined;
  signer?: ChallengeSigner | undefined;
  /** How to open a transport (default: `@cdc/transport`'s `connect`). */
  transport?: ((url: string) => Promise<Transport>) | undefined;
}

/** The client, not yet connected: `open()` connects (for callers that want its state first). */
export async function centerClient(options: NodeCenterOptions): Promise<Center> {
  const { key, signer, transport, agentSocket, ...rest } = options;
  if ((key === undefined) === (signer === undefined))
    throw new CdcError(WampErrors.INVALID_ARGUMENT, 'give either key (a key file) or signer');
  return new CenterClient({
    ...rest,
    signer: signer ?? (await loadKey(key as string, { agentSocket })),
    transport: transport ?? ((url) => connect(url)),
  }) as Center;
}

/**
 * Connect to the center with a key file or a signer, and join.
 * @example
 * const cdc = await connectCenter({ url: 'ws://127.0.0.1:9000/ws', key: '.cdc/owner_ed25519' });
 * console.log(await cdc.getStatus());
 */
export async function connectCenter(options: NodeCenterOptions): Promise<Center> {
  const client = await centerClient(options);
  await client.open();
  return client;
}

export * from '../index.js';
