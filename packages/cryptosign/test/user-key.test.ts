import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AgentSigner,
  KeySigner,
  SigningKey,
  formatKeyFile,
  formatOpenSshPublicKey,
  loadUserSigner,
  parseOpenSshPublicKey,
  randomChallenge,
  verifyChallengeSignature,
  type ChallengeSigner,
} from '../src/index.js';
import { NO_OPENSSH, keyError, sshKeygen, startAgent, tempDir, type TestAgent } from './tools.js';

const dir = tempDir();
let agent: TestAgent | undefined;
const p: Record<string, string> = {};
const pub: Record<string, string> = {};
let savedSock: string | undefined;

before(async () => {
  // These tests choose the agent explicitly; never touch the developer's own agent.
  savedSock = process.env['SSH_AUTH_SOCK'];
  delete process.env['SSH_AUTH_SOCK'];
  if (NO_OPENSSH !== false) return;
  agent = await startAgent(dir.path);
  p['plain'] = sshKeygen(dir.path, 'plain', { comment: 'plain@test' });
  p['held'] = sshKeygen(dir.path, 'held', { passphrase: 'pw', comment: 'held@test' });
  p['notHeld'] = sshKeygen(dir.path, 'notheld', { passphrase: 'pw' });
  p['ecdsa'] = sshKeygen(dir.path, 'ecdsa', { type: 'ecdsa' });
  for (const k of ['plain', 'held', 'notHeld'])
    pub[k] = parseOpenSshPublicKey(readFileSync(`${p[k]!}.pub`, 'utf8')).publicKeyHex;
  agent.add(p['held'], 'pw');
});

after(async () => {
  await agent?.stop();
  dir.remove();
  if (savedSock !== undefined) process.env['SSH_AUTH_SOCK'] = savedSock;
});

async function assertSigns(signer: ChallengeSigner, publicKeyHex: string): Promise<void> {
  assert.equal(signer.publicKeyHex, publicKeyHex);
  const challenge = randomChallenge();
  const channel = Buffer.alloc(32, 3);
  assert.equal(
    verifyChallengeSignature(publicKeyHex, challenge, await signer.signChallenge(challenge)),
    true,
  );
  assert.equal(
    verifyChallengeSignature(
      publicKeyHex,
      challenge,
      await signer.signChallenge(challenge, channel),
      channel,
    ),
    true,
  );
}

test(
  'user key - an unencrypted OpenSSH private key signs in process',
  { skip: NO_OPENSSH },
  async () => {
    const signer = await loadUserSigner(p['plain']!);
    assert.ok(signer instanceof KeySigner);
    assert.match(signer.description, /unencrypted OpenSSH private key .*plain \(plain@test\)/);
    await assertSigns(signer, pub['plain']!);
  },
);

test(
  'user key - a passphrase-protected key held by the agent signs through it',
  { skip: NO_OPENSSH },
  async () => {
    const signer = await loadUserSigner(p['held']!, { agentSocket: agent!.socket });
    assert.ok(signer instanceof AgentSigner);
    assert.match(signer.description, /passphrase-protected .* ssh-agent \(held@test\)/);
    await assertSigns(signer, pub['held']!);
    // SSH_AUTH_SOCK is the default socket.
    process.env['SSH_AUTH_SOCK'] = agent!.socket;
    try {
      assert.ok((await loadUserSigner(p['held']!)) instanceof AgentSigner);
    } finally {
      delete process.env['SSH_AUTH_SOCK'];
    }
  },
);

test(
  'user key - without its .pub the encrypted key is found by its own public section',
  { skip: NO_OPENSSH },
  async () => {
    const sub = join(dir.path, 'nopub');
    mkdirSync(sub);
    const copy = join(sub, 'held');
    copyFileSync(p['held']!, copy);
    const signer = await loadUserSigner(copy, { agentSocket: agent!.socket });
    await assertSigns(signer, pub['held']!);
  },
);

test(
  'user key - a passphrase-protected key with no agent is ENCRYPTED_KEY telling to ssh-add it',
  { skip: NO_OPENSSH },
  async () => {
    await assert.rejects(
      loadUserSigner(p['held']!),
      keyError(
        'ENCRYPTED_KEY',
        p['held']!,
        'passphrase-protected',
        'no ssh-agent is running',
        `ssh-add ${p['held']!}`,
      ),
    );
    await assert.rejects(
      loadUserSigner(p['held']!, { agentSocket: join(dir.path, 'dead.sock') }),
      keyError('ENCRYPTED_KEY', 'passphrase-protected', 'dead.sock', `ssh-add ${p['held']!}`),
    );
  },
);

test(
  'user key - a passphrase-protected key the agent lacks is ENCRYPTED_KEY telling to ssh-add it',
  { skip: NO_OPENSSH },
  async () => {
    await assert.rejects(
      loadUserSigner(p['notHeld']!, { agentSocket: agent!.socket }),
      keyError('ENCRYPTED_KEY', p['notHeld']!, 'does not hold it', `ssh-add ${p['notHeld']!}`),
    );
  },
);

test(
  'user key - a .pub beside an encrypted key that names another key is KEY_MISMATCH',
  { skip: NO_OPENSSH },
  async () => {
    const sub = join(dir.path, 'mixed');
    mkdirSync(sub);
    copyFileSync(p['held']!, join(sub, 'id'));
    copyFileSync(`${p['plain']!}.pub`, join(sub, 'id.pub'));
    await assert.rejects(
      loadUserSigner(join(sub, 'id'), { agentSocket: agent!.socket }),
      keyError('KEY_MISMATCH', 'id.pub'),
    );
  },
);

test('user key - a public key line is an agent-only key', { skip: NO_OPENSSH }, async () => {
  const signer = await loadUserSigner(`${p['held']!}.pub`, { agentSocket: agent!.socket });
  assert.ok(signer instanceof AgentSigner);
  assert.match(signer.description, /OpenSSH public key .*held\.pub, signing through ssh-agent/);
  await assertSigns(signer, pub['held']!);
  await assert.rejects(
    loadUserSigner(`${p['plain']!}.pub`, { agentSocket: agent!.socket }),
    keyError('NOT_IN_AGENT', 'plain.pub', 'public key', 'does not hold it', 'ssh-add'),
  );
  await assert.rejects(
    loadUserSigner(`${p['held']!}.pub`),
    keyError('NO_AGENT', 'held.pub', 'no ssh-agent is running'),
  );
  await assert.rejects(
    loadUserSigner(`${p['held']!}.pub`, { agentSocket: join(dir.path, 'dead.sock') }),
    keyError('NO_AGENT', 'dead.sock'),
  );
});

test('user key - Crossbar.io key files: private signs in process, public goes to the agent', async () => {
  const key = SigningKey.generate();
  const tags = {
    creator: 'me@host',
    'created-at': '2024-01-01T00:00:00.000Z',
    'user-id': 'me@example.org',
  };
  const priv = join(dir.path, 'default.priv');
  writeFileSync(
    priv,
    formatKeyFile('Crossbar.io user private key - KEEP THIS SAFE!', {
      ...tags,
      'public-key-ed25519': key.publicKeyHex,
      'private-key-ed25519': Buffer.from(key.seed).toString('hex'),
    }),
  );
  const signer = await loadUserSigner(priv);
  assert.ok(signer instanceof KeySigner);
  assert.match(signer.description, /Crossbar\.io private key file/);
  await assertSigns(signer, key.publicKeyHex);

  const inconsistent = join(dir.path, 'bad.priv');
  writeFileSync(
    inconsistent,
    formatKeyFile('x', {
      'public-key-ed25519': SigningKey.generate().publicKeyHex,
      'private-key-ed25519': Buffer.from(key.seed).toString('hex'),
    }),
  );
  await assert.rejects(loadUserSigner(inconsistent), keyError('KEY_MISMATCH', 'bad.priv'));

  const pubOnly = join(dir.path, 'default.pub');
  writeFileSync(
    pubOnly,
    formatKeyFile('Crossbar.io user public key', {
      ...tags,
      'public-key-ed25519': key.publicKeyHex,
    }),
  );
  await assert.rejects(
    loadUserSigner(pubOnly),
    keyError('NO_AGENT', 'Crossbar.io public key file'),
  );

  const noKey = join(dir.path, 'nokey.priv');
  writeFileSync(noKey, formatKeyFile('x', tags));
  await assert.rejects(loadUserSigner(noKey), keyError('BAD_FORMAT', 'nokey.priv'));
});

test('user key - unusable files give errors that name them', async () => {
  const f = (name: string, text: string): string => {
    const path = join(dir.path, name);
    writeFileSync(path, text);
    return path;
  };
  await assert.rejects(
    loadUserSigner(join(dir.path, 'missing')),
    keyError('NOT_FOUND', 'missing', 'does not exist'),
  );
  await assert.rejects(loadUserSigner(dir.path), keyError('IO_ERROR', 'is a directory'));
  await assert.rejects(loadUserSigner(f('empty', '')), keyError('BAD_FORMAT', 'empty'));
  await assert.rejects(loadUserSigner(f('blank', '\n\n  \n')), keyError('BAD_FORMAT', 'blank'));
  await assert.rejects(
    loadUserSigner(f('garbage', 'hello world')),
    keyError('BAD_FORMAT', 'garbage', 'ssh-keygen -t ed25519'),
  );
  await assert.rejects(
    loadUserSigner(f('rsa.pub', 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQ== x')),
    keyError('UNSUPPORTED_KEY_TYPE', 'rsa.pub'),
  );
  await assert.rejects(
    loadUserSigner(f('cert.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')),
    keyError('BAD_FORMAT', 'cert.pem'),
  );
  await assert.rejects(
    loadUserSigner(f('huge', 'x'.repeat(100_000))),
    keyError('BAD_FORMAT', 'too large'),
  );
  // An endless device is not read forever.
  if (existsSync('/dev/zero'))
    await assert.rejects(
      loadUserSigner('/dev/zero'),
      keyError('BAD_FORMAT', '/dev/zero', 'too large'),
    );
  await assert.rejects(
    loadUserSigner(f('badtag', 'header\n\nsecret-sauce: 1\n')),
    keyError('BAD_FORMAT', 'badtag', 'line 3', 'secret-sauce'),
  );
  const line = formatOpenSshPublicKey(SigningKey.generate().publicKey, 'x');
  await assert.rejects(
    loadUserSigner(f('two.pub', `${line}\n${line}\n`)),
    keyError('BAD_FORMAT', 'two.pub'),
  );
});

test(
  'user key - other OpenSSH key types are UNSUPPORTED_KEY_TYPE',
  { skip: NO_OPENSSH },
  async () => {
    await assert.rejects(
      loadUserSigner(p['ecdsa']!),
      keyError('UNSUPPORTED_KEY_TYPE', p['ecdsa']!),
    );
    await assert.rejects(loadUserSigner(`${p['ecdsa']!}.pub`), keyError('UNSUPPORTED_KEY_TYPE'));
  },
);
