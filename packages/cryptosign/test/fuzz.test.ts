/**
 * Property tests (fast-check) of the key file parsers: Crossbar.io key files and OpenSSH
 * public and private keys. Any text parses or fails with a KeyError; a formatted key file
 * parses back to its tags; and no error message quotes a private key line back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fuzzRuns } from '@cdc/testkit';
import {
  KeyError,
  SigningKey,
  formatKeyFile,
  formatOpenSshPublicKey,
  parseKeyFile,
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
} from '../src/index.js';

const RUNS = fuzzRuns(300);

function onlyKeyErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof KeyError, `unexpected ${String(e)}`);
  }
}

/** Text shaped like key files: lines of tags, hex, base64 and noise. */
const keyishText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '',
        'Crossbar.io node private key',
        'public-key-ed25519: ',
        'private-key-ed25519: ',
        'machine-id: x',
        '-----BEGIN OPENSSH PRIVATE KEY-----',
        '-----END OPENSSH PRIVATE KEY-----',
        'ssh-ed25519 ',
        'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 80 }),
      fc.stringMatching(/^[0-9a-f]{0,70}$/),
      fc.base64String({ maxLength: 120 }),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

test('fuzz - Crossbar.io key files: any text parses or is a KeyError', () => {
  fc.assert(
    fc.property(keyishText, fc.boolean(), (text, priv) => {
      onlyKeyErrors(() => parseKeyFile(text, { private: priv, source: 'fuzz' }));
    }),
    { numRuns: RUNS },
  );
});

test('fuzz - a formatted key file parses back to its tags', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc
        .string({ unit: 'grapheme-ascii', maxLength: 30 })
        .filter((h) => !h.includes('\n') && h.trim() !== '' && !h.includes(':')),
      (seed, header) => {
        const key = SigningKey.fromSeed(seed);
        const text = formatKeyFile(header, {
          'public-key-ed25519': key.publicKeyHex,
          'private-key-ed25519': Buffer.from(seed).toString('hex'),
        });
        const parsed = parseKeyFile(text);
        assert.equal(parsed.tags.get('public-key-ed25519'), key.publicKeyHex);
        assert.equal(parsed.tags.get('private-key-ed25519'), Buffer.from(seed).toString('hex'));
      },
    ),
    { numRuns: RUNS },
  );
});

test('fuzz - OpenSSH keys: any text parses or is a KeyError; a public key line round-trips', () => {
  fc.assert(
    fc.property(keyishText, (text) => {
      onlyKeyErrors(() => parseOpenSshPrivateKey(text, 'fuzz'));
      onlyKeyErrors(() => parseOpenSshPublicKey(text, 'fuzz'));
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.stringMatching(/^[a-z0-9@.-]{0,20}$/),
      (seed, comment) => {
        const key = SigningKey.fromSeed(seed);
        const line = formatOpenSshPublicKey(key.publicKey, comment);
        assert.equal(
          Buffer.from(parseOpenSshPublicKey(line).publicKey).toString('hex'),
          key.publicKeyHex,
        );
      },
    ),
    { numRuns: RUNS },
  );
});

test('fuzz - a bad private key file never has its secret quoted back in the error', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[0-9a-f]{10,63}$/), (secret) => {
      const text = `Crossbar.io node private key\n\nprivate-key-ed25519: ${secret}\n`;
      try {
        parseKeyFile(text);
        assert.fail('accepted a short key');
      } catch (e) {
        assert.ok(e instanceof KeyError);
        assert.ok(!e.message.includes(secret), e.message);
      }
    }),
    { numRuns: RUNS },
  );
});
