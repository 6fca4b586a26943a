import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SigningKey,
  formatOpenSshPublicKey,
  inspectOpenSshPrivateKey,
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
  signChallenge,
  verifyChallengeSignature,
  randomChallenge,
} from '../src/index.js';
import { SshWriter } from '../src/ssh-wire.js';
import { NO_AUTOBAHN, python } from './python.js';
import {
  NO_OPENSSH,
  armor,
  buildOpenSshKey,
  keyError,
  sshKeygen,
  tempDir,
  unarmor,
} from './tools.js';

const dir = tempDir();
const files: Record<string, string> = {};

before(() => {
  if (NO_OPENSSH !== false) return;
  files['plain'] = sshKeygen(dir.path, 'plain', { comment: 'alice@example.org' });
  files['enc'] = sshKeygen(dir.path, 'enc', { passphrase: 'secret', comment: 'bob' });
  files['spaces'] = sshKeygen(dir.path, 'spaces', { comment: 'a comment with  spaces' });
  files['ecdsa'] = sshKeygen(dir.path, 'ecdsa', { type: 'ecdsa' });
  files['pem'] = sshKeygen(dir.path, 'pem', { type: 'ecdsa', extra: ['-m', 'PEM'] });
});
after(() => dir.remove());

const read = (name: string, suffix = ''): string => readFileSync(files[name]! + suffix, 'utf8');

test(
  'openssh - an unencrypted ssh-keygen key parses, matches its .pub and keeps its comment',
  { skip: NO_OPENSSH },
  () => {
    const priv = parseOpenSshPrivateKey(read('plain'), files['plain']);
    const pub = parseOpenSshPublicKey(read('plain', '.pub'));
    assert.equal(priv.key.publicKeyHex, pub.publicKeyHex);
    assert.equal(priv.comment, 'alice@example.org');
    assert.equal(pub.comment, 'alice@example.org');
    assert.equal(pub.keyType, 'ssh-ed25519');
    const challenge = randomChallenge();
    assert.equal(
      verifyChallengeSignature(pub.publicKeyHex, challenge, signChallenge(priv.key, challenge)),
      true,
    );
  },
);

test(
  'openssh - ssh-keygen derives the same public key from the seed we read',
  { skip: NO_OPENSSH },
  () => {
    const priv = parseOpenSshPrivateKey(read('plain'));
    const res = spawnSync('ssh-keygen', ['-y', '-f', files['plain']!], { encoding: 'utf8' });
    assert.equal(res.status, 0);
    assert.equal(parseOpenSshPublicKey(res.stdout).publicKeyHex, priv.key.publicKeyHex);
  },
);

test('openssh - comments with spaces survive in both files', { skip: NO_OPENSSH }, () => {
  assert.equal(parseOpenSshPrivateKey(read('spaces')).comment, 'a comment with  spaces');
  assert.equal(parseOpenSshPublicKey(read('spaces', '.pub')).comment, 'a comment with  spaces');
});

test(
  'openssh - a passphrase-protected key raises ENCRYPTED_KEY naming the file',
  { skip: NO_OPENSSH },
  () => {
    assert.throws(
      () => parseOpenSshPrivateKey(read('enc'), files['enc']),
      keyError('ENCRYPTED_KEY', files['enc']!, 'passphrase-protected', 'ssh-add'),
    );
    assert.throws(
      () => parseOpenSshPrivateKey(read('enc')),
      (e: unknown) => {
        assert.equal((e as { path?: string }).path, undefined);
        return true;
      },
    );
  },
);

test(
  'openssh - the public section of an encrypted key is readable without the passphrase',
  { skip: NO_OPENSSH },
  () => {
    const info = inspectOpenSshPrivateKey(read('enc'));
    assert.equal(info.encrypted, true);
    assert.equal(info.cipherName, 'aes256-ctr');
    assert.equal(info.kdfName, 'bcrypt');
    assert.equal(info.publicKeyHex, parseOpenSshPublicKey(read('enc', '.pub')).publicKeyHex);
    const plain = inspectOpenSshPrivateKey(read('plain'));
    assert.equal(plain.encrypted, false);
    assert.equal(plain.cipherName, 'none');
  },
);

test('openssh - other key types are UNSUPPORTED_KEY_TYPE', { skip: NO_OPENSSH }, () => {
  assert.throws(
    () => parseOpenSshPrivateKey(read('ecdsa'), 'id_ecdsa'),
    keyError('UNSUPPORTED_KEY_TYPE', 'ecdsa-sha2-nistp256', 'id_ecdsa'),
  );
  assert.throws(() => inspectOpenSshPrivateKey(read('ecdsa')), keyError('UNSUPPORTED_KEY_TYPE'));
  assert.throws(
    () => parseOpenSshPublicKey(read('ecdsa', '.pub')),
    keyError('UNSUPPORTED_KEY_TYPE', 'ecdsa-sha2-nistp256'),
  );
  assert.throws(
    () => parseOpenSshPrivateKey(read('pem')),
    keyError('UNSUPPORTED_KEY_TYPE', 'EC PRIVATE KEY'),
  );
  assert.throws(
    () => parseOpenSshPublicKey('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQ== x'),
    keyError('UNSUPPORTED_KEY_TYPE', 'ssh-rsa'),
  );
});

test(
  'openssh - a hand-built container parses and ssh-keygen accepts it',
  { skip: NO_OPENSSH },
  () => {
    // Confirms the test builder below writes the real format, so its damaged variants test real cases.
    const key = SigningKey.generate();
    const text = buildOpenSshKey(key, { comment: 'built' });
    const parsed = parseOpenSshPrivateKey(text);
    assert.equal(parsed.key.publicKeyHex, key.publicKeyHex);
    assert.equal(parsed.comment, 'built');
    const path = join(dir.path, 'built');
    writeFileSync(path, text, { mode: 0o600 });
    const res = spawnSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(parseOpenSshPublicKey(res.stdout).publicKeyHex, key.publicKeyHex);
  },
);

test('openssh - damaged private sections are BAD_FORMAT or KEY_MISMATCH', () => {
  const key = SigningKey.generate();
  const other = SigningKey.generate();
  const src = '/home/u/.ssh/id_ed25519';
  const cases: [string, string, string][] = [
    ['check-ints differ', buildOpenSshKey(key, { checkInts: [1, 2] }), 'BAD_FORMAT'],
    [
      'wrong padding',
      buildOpenSshKey(key, { padding: [1, 2, 4, 4, 5, 6, 7].slice(0, 3) }),
      'BAD_FORMAT',
    ],
    ['two keys', buildOpenSshKey(key, { keyCount: 2 }), 'BAD_FORMAT'],
    ['zero keys', buildOpenSshKey(key, { keyCount: 0 }), 'BAD_FORMAT'],
    ['short secret', buildOpenSshKey(key, { secret: new Uint8Array(32) }), 'BAD_FORMAT'],
    [
      'public section of another key',
      buildOpenSshKey(key, { publicKey: other.publicKey }),
      'KEY_MISMATCH',
    ],
    [
      'inner public key of another key',
      buildOpenSshKey(key, { innerPublicKey: other.publicKey }),
      'KEY_MISMATCH',
    ],
    [
      'secret of another key',
      buildOpenSshKey(key, { secret: Buffer.concat([other.seed, key.publicKey]) }),
      'KEY_MISMATCH',
    ],
    ['cipher without kdf', buildOpenSshKey(key, { cipher: 'aes256-ctr' }), 'BAD_FORMAT'],
  ];
  for (const [name, text, code] of cases)
    assert.throws(() => parseOpenSshPrivateKey(text, src), keyError(code, src), name);
});

test('openssh - the wrong padding length or a misaligned section is BAD_FORMAT', () => {
  const key = SigningKey.generate();
  // Padding must make the section a multiple of 8 with bytes 1, 2, 3, …
  const good = buildOpenSshKey(key);
  const blob = unarmor(good);
  assert.doesNotThrow(() => parseOpenSshPrivateKey(armor(blob)));
  assert.throws(
    () => parseOpenSshPrivateKey(buildOpenSshKey(key, { padding: [1, 2, 3, 4, 5, 6, 7, 8, 9] })),
    keyError('BAD_FORMAT'),
  );
  assert.throws(
    () => parseOpenSshPrivateKey(buildOpenSshKey(key, { padding: [9] })),
    keyError('BAD_FORMAT'),
  );
});

test('openssh - broken armour, base64 and magic are BAD_FORMAT naming the file', () => {
  const key = SigningKey.generate();
  const good = buildOpenSshKey(key);
  const blob = unarmor(good);
  const lines = good.trimEnd().split('\n');
  const cases: [string, string][] = [
    ['empty', ''],
    ['garbage', 'hello world'],
    ['no END line', lines.slice(0, -1).join('\n')],
    ['text after END', `${good}trailing\n`],
    ['bad base64 char', [lines[0], `*${lines[1]!.slice(1)}`, ...lines.slice(2)].join('\n')],
    ['truncated body', armor(blob.subarray(0, blob.length - 20))],
    ['body cut mid-header', armor(blob.subarray(0, 20))],
    ['wrong magic', armor(Buffer.concat([Buffer.from('openssh-key-v2\0'), blob.subarray(15)]))],
    ['trailing bytes', armor(Buffer.concat([blob, Buffer.from([0, 0, 0, 0])]))],
    ['other PEM', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    ['public key line', formatOpenSshPublicKey(key.publicKey)],
  ];
  for (const [name, text] of cases)
    assert.throws(
      () => parseOpenSshPrivateKey(text, 'keyfile.txt'),
      keyError('BAD_FORMAT', 'keyfile.txt'),
      name,
    );
  // Windows line endings and surrounding blank lines are fine.
  assert.equal(
    parseOpenSshPrivateKey(`\n\n${good.replace(/\n/g, '\r\n')}\n`).key.publicKeyHex,
    key.publicKeyHex,
  );
});

test('openssh - public key lines: comments, spacing, and round trip with formatOpenSshPublicKey', () => {
  const key = SigningKey.generate();
  const line = formatOpenSshPublicKey(key.publicKey, 'me@host');
  assert.match(line, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+=* me@host$/);
  const parsed = parseOpenSshPublicKey(line);
  assert.equal(parsed.publicKeyHex, key.publicKeyHex);
  assert.deepEqual(Buffer.from(parsed.publicKey), Buffer.from(key.publicKey));
  assert.equal(parsed.comment, 'me@host');
  assert.equal(parseOpenSshPublicKey(formatOpenSshPublicKey(key.publicKey)).comment, '');
  assert.equal(parseOpenSshPublicKey(`  ${line}\r\n\n`).publicKeyHex, key.publicKeyHex);
  assert.equal(parseOpenSshPublicKey(line.replace(' ', '\t')).publicKeyHex, key.publicKeyHex);
  assert.throws(() => formatOpenSshPublicKey(new Uint8Array(31)), keyError('INVALID_KEY'));
});

test('openssh - malformed public key lines are BAD_FORMAT naming the file', () => {
  const key = SigningKey.generate();
  const line = formatOpenSshPublicKey(key.publicKey, 'c');
  const b64 = line.split(' ')[1]!;
  const blobOf = (w: SshWriter): string => `ssh-ed25519 ${w.toBuffer().toString('base64')}`;
  const cases: [string, string][] = [
    ['empty', ''],
    ['blank lines', '\n \n'],
    ['type only', 'ssh-ed25519'],
    ['two lines', `${line}\n${line}`],
    ['not base64', 'ssh-ed25519 !!!!'],
    ['bad base64 length', `ssh-ed25519 ${b64.slice(0, -1)}`],
    [
      'truncated blob',
      `ssh-ed25519 ${Buffer.from(b64, 'base64').subarray(0, 30).toString('base64')}`,
    ],
    ['31-byte key', blobOf(new SshWriter().string('ssh-ed25519').string(new Uint8Array(31)))],
    [
      'trailing data in blob',
      blobOf(new SshWriter().string('ssh-ed25519').string(new Uint8Array(32)).uint32(0)),
    ],
    ['type mismatch', blobOf(new SshWriter().string('ssh-rsa').string(new Uint8Array(32)))],
    ['unknown type word', `frobnicate ${b64}`],
    ['private key', buildOpenSshKey(key)],
  ];
  for (const [name, text] of cases)
    assert.throws(
      () => parseOpenSshPublicKey(text, 'id.pub'),
      keyError('BAD_FORMAT', 'id.pub'),
      name,
    );
});

test(
  'openssh - autobahn-python reads the same key and comment from these files',
  { skip: NO_OPENSSH || NO_AUTOBAHN },
  () => {
    const built = join(dir.path, 'built-for-python');
    const key = SigningKey.generate();
    writeFileSync(built, buildOpenSshKey(key, { comment: 'py' }), { mode: 0o600 });
    const out = python(
      'import sys\nfrom autobahn.wamp.cryptosign import CryptosignKey\n' +
        'for p in sys.argv[1:]:\n    k = CryptosignKey.from_ssh_file(p)\n    print(k.public_key(), k.comment)\n',
      [files['plain']!, `${files['plain']!}.pub`, built],
    );
    const plain = parseOpenSshPrivateKey(read('plain'));
    assert.deepEqual(out.trim().split('\n'), [
      `${plain.key.publicKeyHex} alice@example.org`,
      `${plain.key.publicKeyHex} alice@example.org`,
      `${key.publicKeyHex} py`,
    ]);
  },
);
