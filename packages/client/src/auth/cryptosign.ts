/**
 * WAMP-cryptosign [WAMP advanced §WAMP-Cryptosign] from the client side. The Ed25519 work
 * is delegated to a {@link ChallengeSigner} (e.g. from `@cdc/cryptosign`, or one backed by
 * ssh-agent), so this module needs no crypto of its own and runs anywhere.
 * @module
 */

/**
 * Signs cryptosign challenges. Structurally the same as the signers `@cdc/cryptosign`
 * provides.
 */
export interface ChallengeSigner {
  /** The Ed25519 public key, 64 hex characters; sent as `authextra.pubkey`. */
  readonly publicKeyHex: string;
  /**
   * Sign a 32-byte challenge (64 hex). With a channel ID, the signed message is
   * challenge XOR channelId. Resolves with hex(signature64 ‖ message32), 192 hex.
   */
  signChallenge(challengeHex: string, channelId?: Uint8Array | null): Promise<string>;
}

export type ChannelBinding = 'tls-unique';

/** The `authextra` keys cryptosign adds to HELLO. */
export function cryptosignHelloExtra(
  signer: ChallengeSigner,
  binding: ChannelBinding | null | undefined,
): Record<string, unknown> {
  const extra: Record<string, unknown> = { pubkey: signer.publicKeyHex };
  if (binding !== undefined && binding !== null) extra['channel_binding'] = binding;
  return extra;
}

/**
 * The AUTHENTICATE signature for a `cryptosign` CHALLENGE. Channel binding applies when the
 * router's CHALLENGE says `channel_binding: "tls-unique"` (or, if it says nothing, when we
 * asked for it); the transport's channel ID is then required.
 */
export async function answerCryptosign(
  signer: ChallengeSigner,
  extra: Record<string, unknown>,
  requested: ChannelBinding | null | undefined,
  channelId: Uint8Array | undefined,
): Promise<string> {
  const challenge = extra['challenge'];
  if (typeof challenge !== 'string' || !/^[0-9a-fA-F]{64}$/.test(challenge)) {
    throw new Error('cryptosign CHALLENGE has no 32-byte hex challenge');
  }
  const binding = 'channel_binding' in extra ? extra['channel_binding'] : (requested ?? null);
  if (binding === null || binding === undefined) return signer.signChallenge(challenge, null);
  if (binding !== 'tls-unique') {
    throw new Error(`unsupported channel binding ${JSON.stringify(binding)}`);
  }
  if (channelId === undefined) {
    throw new Error('channel binding tls-unique asked for, but the transport has no channel ID');
  }
  return signer.signChallenge(challenge, channelId);
}
