/**
 * A cryptosign signer on WebCrypto Ed25519: the private key a non-extractable `CryptoKey`
 * (it never leaves the browser's key store), the public key as the 64 hex that `cdc grant`
 * and `register_user` take. The same `ChallengeSigner` interface the client uses for
 * OpenSSH keys and ssh-agent.
 * @module
 */
import type { ChallengeSigner } from '@cdc/client';

const ALGORITHM = { name: 'Ed25519' } as const;

const toHex = (b: Uint8Array): string =>
  Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string, what: string): Uint8Array<ArrayBuffer> {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`${what} is not hex`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (s === undefined) throw new Error('WebCrypto is not available (a secure context is needed)');
  return s;
}

/** Signs cryptosign challenges with a WebCrypto Ed25519 key pair. */
export class WebCryptoSigner implements ChallengeSigner {
  private constructor(
    /** The key pair (keep it in a `KeyStore`). */
    readonly keyPair: CryptoKeyPair,
    /** The public key, 64 hex: what `cdc grant` and `register_user` take. */
    readonly publicKeyHex: string,
  ) {}

  /** A signer for a key pair (its private key may be, and should be, non-extractable). */
  static async fromKeyPair(keyPair: CryptoKeyPair): Promise<WebCryptoSigner> {
    if (keyPair.privateKey.algorithm.name !== 'Ed25519')
      throw new Error(`an Ed25519 key is needed, not ${keyPair.privateKey.algorithm.name}`);
    const raw = new Uint8Array(await subtle().exportKey('raw', keyPair.publicKey));
    return new WebCryptoSigner(keyPair, toHex(raw));
  }

  /** A new key pair whose private key cannot be exported. */
  static async generate(): Promise<WebCryptoSigner> {
    const pair = await subtle().generateKey(ALGORITHM, false, ['sign', 'verify']);
    return WebCryptoSigner.fromKeyPair(pair);
  }

  /** Sign a 32-byte challenge (XOR the channel ID when bound): hex(signature ‖ message). */
  async signChallenge(challengeHex: string, channelId?: Uint8Array | null): Promise<string> {
    const message = fromHex(challengeHex, 'the challenge');
    if (message.length !== 32) throw new Error('a cryptosign challenge is 32 bytes');
    if (channelId !== undefined && channelId !== null) {
      if (channelId.length !== 32) throw new Error('a channel ID is 32 bytes');
      for (let i = 0; i < 32; i++) message[i] = (message[i] as number) ^ (channelId[i] as number);
    }
    const signature = new Uint8Array(
      await subtle().sign(ALGORITHM, this.keyPair.privateKey, message),
    );
    return toHex(signature) + toHex(message);
  }
}
