/**
 * Who answers a cryptosign CHALLENGE. Client code should not care whether the private
 * key is in memory or held by ssh-agent, so both sit behind one asynchronous interface
 * (the agent is a round trip away; an in-memory key just resolves at once).
 * @module
 */
import { cryptosignMessage, signedChallengeHex, signChallenge } from './cryptosign.js';
import { parseHex } from './bytes.js';
import type { SigningKey } from './ed25519.js';
import { KeyError } from './errors.js';
import type { SshAgentClient } from './ssh-agent.js';

export interface ChallengeSigner {
  /** The 64-hex Ed25519 public key to announce as HELLO `authextra.pubkey`. */
  readonly publicKeyHex: string;
  /** The AUTHENTICATE signature (192 hex) for a CHALLENGE's `extra.challenge`. */
  signChallenge(challengeHex: string, channelId?: Uint8Array | null): Promise<string>;
}

/** Signs with a private key held in this process. */
export class KeySigner implements ChallengeSigner {
  readonly kind = 'key';
  readonly key: SigningKey;
  /** Where the key came from, for messages like "authenticating with …". */
  readonly description: string;

  constructor(key: SigningKey, description = 'in-memory Ed25519 key') {
    this.key = key;
    this.description = description;
  }

  get publicKeyHex(): string {
    return this.key.publicKeyHex;
  }

  signChallenge(challengeHex: string, channelId?: Uint8Array | null): Promise<string> {
    // Wrapped so a malformed challenge rejects the promise rather than throwing.
    return new Promise((resolve) => {
      resolve(signChallenge(this.key, challengeHex, channelId));
    });
  }
}

/** Signs through ssh-agent with one of its Ed25519 identities. */
export class AgentSigner implements ChallengeSigner {
  readonly kind = 'agent';
  readonly agent: SshAgentClient;
  readonly publicKeyHex: string;
  readonly description: string;
  readonly #publicKey: Buffer;

  /**
   * @param publicKey the identity's 32-byte public key or its 64 hex characters.
   * @throws KeyError `INVALID_KEY` for a malformed public key.
   */
  constructor(agent: SshAgentClient, publicKey: Uint8Array | string, description?: string) {
    const bytes =
      typeof publicKey === 'string'
        ? parseHex(publicKey, 32)
        : publicKey.length === 32
          ? Buffer.from(publicKey)
          : undefined;
    if (bytes === undefined)
      throw new KeyError(
        'INVALID_KEY',
        'an Ed25519 public key must be 32 bytes (64 hex characters)',
      );
    this.agent = agent;
    this.#publicKey = bytes;
    this.publicKeyHex = bytes.toString('hex');
    this.description = description ?? `ssh-agent key ${this.publicKeyHex}`;
  }

  async signChallenge(challengeHex: string, channelId?: Uint8Array | null): Promise<string> {
    const message = cryptosignMessage(challengeHex, channelId);
    const signature = await this.agent.sign(this.#publicKey, message);
    return signedChallengeHex(signature, message);
  }
}
