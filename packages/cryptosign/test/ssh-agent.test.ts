import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import {
  AgentSigner,
  SigningKey,
  SshAgentClient,
  parseOpenSshPublicKey,
  randomChallenge,
  verifyChallengeSignature,
  verifyEd25519,
} from '../src/index.js';
import { SshWriter, ed25519KeyBlob } from '../src/ssh-wire.js';
import { sharedDir } from '@cdc/testkit';
import {
  NO_OPENSSH,
  buildOpenSshKey,
  keyError,
  sshKeygen,
  startAgent,
  tempDir,
  type TestAgent,
} from './tools.js';

interface Vector {
  channel_id: string | null;
  private_key: string;
  challenge: string;
  signature: string;
}
const vectors = (
  JSON.parse(
    readFileSync(join(sharedDir(), 'wamp-testsuite', 'cryptosign-vectors.json'), 'utf8'),
  ) as { vectors: Vector[] }
).vectors;

const dir = tempDir();
let agent: TestAgent | undefined;
let encPath = '';
let encPub = '';
let strangerPub = '';

before(async () => {
  if (NO_OPENSSH !== false) return;
  agent = await startAgent(dir.path);
  encPath = sshKeygen(dir.path, 'enc', { passphrase: 'correct horse', comment: 'enc-key' });
  encPub = parseOpenSshPublicKey(readFileSync(`${encPath}.pub`, 'utf8')).publicKeyHex;
  strangerPub = parseOpenSshPublicKey(
    readFileSync(`${sshKeygen(dir.path, 'stranger')}.pub`, 'utf8'),
  ).publicKeyHex;
});

after(async () => {
  await agent?.stop();
  dir.remove();
});

function client(): SshAgentClient {
  return new SshAgentClient({ socketPath: agent!.socket });
}

test('ssh-agent - an empty agent lists no identities', { skip: NO_OPENSSH }, async () => {
  assert.deepEqual(await client().listIdentities(), []);
});

test(
  'ssh-agent - a passphrase-protected key added with ssh-add is listed with its comment',
  { skip: NO_OPENSSH },
  async () => {
    agent!.add(encPath, 'correct horse');
    // Keys of other types in the agent are left out.
    agent!.add(sshKeygen(dir.path, 'ecdsa', { type: 'ecdsa' }));
    const ids = await client().listIdentities();
    assert.equal(ids.length, 1);
    assert.equal(ids[0]!.publicKeyHex, encPub);
    assert.equal(ids[0]!.comment, 'enc-key');
    assert.equal((await client().findIdentity(encPub.toUpperCase()))?.comment, 'enc-key');
    assert.equal(await client().findIdentity(strangerPub), undefined);
  },
);

test(
  'ssh-agent - agent signatures verify, and AgentSigner answers challenges that verify',
  { skip: NO_OPENSSH },
  async () => {
    const data = Buffer.from('arbitrary data to sign');
    const sig = await client().sign(Buffer.from(encPub, 'hex'), data);
    assert.equal(sig.length, 64);
    assert.equal(verifyEd25519(encPub, data, sig), true);
    const signer = new AgentSigner(client(), encPub);
    assert.equal(signer.kind, 'agent');
    assert.equal(signer.publicKeyHex, encPub);
    const challenge = randomChallenge();
    const channel = Buffer.alloc(32, 0xa5);
    const unbound = await signer.signChallenge(challenge);
    assert.equal(verifyChallengeSignature(encPub, challenge, unbound), true);
    const bound = await signer.signChallenge(challenge, channel);
    assert.equal(verifyChallengeSignature(encPub, challenge, bound, channel), true);
    assert.equal(verifyChallengeSignature(encPub, challenge, bound), false);
    await assert.rejects(signer.signChallenge('xyz'), keyError('INVALID_ARGUMENT'));
  },
);

test(
  'ssh-agent - through the agent, the spec vectors give exactly the expected signatures',
  { skip: NO_OPENSSH },
  async () => {
    // Ed25519 is deterministic, so the agent must produce the vectors' bytes.
    for (const [i, seed] of [...new Set(vectors.map((v) => v.private_key))].entries()) {
      const path = join(dir.path, `vector${i}`);
      writeFileSync(path, buildOpenSshKey(SigningKey.fromSeed(seed), { comment: `vector ${i}` }), {
        mode: 0o600,
      });
      agent!.add(path);
    }
    for (const v of vectors) {
      const signer = new AgentSigner(client(), SigningKey.fromSeed(v.private_key).publicKey);
      const channel = v.channel_id === null ? null : Buffer.from(v.channel_id, 'hex');
      assert.equal(await signer.signChallenge(v.challenge, channel), v.signature);
    }
  },
);

test(
  'ssh-agent - signing with a key the agent lacks is NOT_IN_AGENT',
  { skip: NO_OPENSSH },
  async () => {
    await assert.rejects(
      client().sign(Buffer.from(strangerPub, 'hex'), Buffer.from('x')),
      keyError('NOT_IN_AGENT', strangerPub, 'ssh-add'),
    );
    await assert.rejects(
      new AgentSigner(client(), strangerPub).signChallenge(randomChallenge()),
      keyError('NOT_IN_AGENT'),
    );
    await assert.rejects(
      client().sign(new Uint8Array(31), Buffer.from('x')),
      keyError('INVALID_KEY'),
    );
  },
);

test(
  'ssh-agent - a locked agent refuses, an unlocked one signs again',
  { skip: NO_OPENSSH },
  async () => {
    assert.equal(agent!.run(['-x'], 'lockpw'), 0);
    // A locked OpenSSH agent lists nothing and fails every signature.
    await assert.rejects(
      client().sign(Buffer.from(encPub, 'hex'), Buffer.from('x')),
      keyError('NOT_IN_AGENT', 'locked'),
    );
    assert.equal(agent!.run(['-X'], 'lockpw'), 0);
    assert.equal((await client().sign(Buffer.from(encPub, 'hex'), Buffer.from('x'))).length, 64);
  },
);

test('ssh-agent - no SSH_AUTH_SOCK or a dead socket is NO_AGENT', async () => {
  const saved = process.env['SSH_AUTH_SOCK'];
  delete process.env['SSH_AUTH_SOCK'];
  try {
    const none = new SshAgentClient();
    assert.equal(none.socketPath, undefined);
    await assert.rejects(none.listIdentities(), keyError('NO_AGENT', 'SSH_AUTH_SOCK is not set'));
    process.env['SSH_AUTH_SOCK'] = '';
    assert.equal(new SshAgentClient().socketPath, undefined);
    process.env['SSH_AUTH_SOCK'] = '/nonexistent/agent.sock';
    assert.equal(new SshAgentClient().socketPath, '/nonexistent/agent.sock');
  } finally {
    if (saved === undefined) delete process.env['SSH_AUTH_SOCK'];
    else process.env['SSH_AUTH_SOCK'] = saved;
  }
  const dead = new SshAgentClient({ socketPath: join(dir.path, 'no-such.sock') });
  await assert.rejects(dead.listIdentities(), keyError('NO_AGENT', 'no-such.sock'));
  await assert.rejects(dead.sign(new Uint8Array(32), Buffer.from('x')), keyError('NO_AGENT'));
  // A path that is a plain file, not a socket.
  const file = join(dir.path, 'plain-file');
  writeFileSync(file, '');
  await assert.rejects(
    new SshAgentClient({ socketPath: file }).listIdentities(),
    keyError('NO_AGENT'),
  );
});

/** A scripted fake agent: `reply` maps each request to raw bytes to send back (or nothing). */
async function fakeAgent(
  name: string,
  reply: (request: Buffer, socket: Socket) => Buffer | undefined,
): Promise<{ path: string; server: Server }> {
  const path = join(dir.path, `${name}.sock`);
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) return;
      const out = reply(buf.subarray(4), socket);
      if (out !== undefined) socket.write(out);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, server };
}

function frame(body: Buffer): Buffer {
  return new SshWriter().string(body).toBuffer();
}

test('ssh-agent - replies split into single bytes are reassembled', async () => {
  const key = SigningKey.generate();
  const identities = new SshWriter()
    .byte(12)
    .uint32(1)
    .string(ed25519KeyBlob(key.publicKey))
    .string('frag')
    .toBuffer();
  const { path, server } = await fakeAgent('frag', (_req, socket) => {
    const bytes = frame(identities);
    let i = 0;
    const drip = (): void => {
      if (i >= bytes.length) return;
      socket.write(bytes.subarray(i, i + 1), drip);
      i++;
    };
    drip();
    return undefined;
  });
  try {
    const ids = await new SshAgentClient({ socketPath: path }).listIdentities();
    assert.equal(ids.length, 1);
    assert.equal(ids[0]!.publicKeyHex, key.publicKeyHex);
    assert.equal(ids[0]!.comment, 'frag');
  } finally {
    server.close();
  }
});

test('ssh-agent - nonsense from the agent is AGENT_FAILURE', async () => {
  const key = SigningKey.generate();
  const data = Buffer.from('data');
  const sigBlob = (type: string, sig: Uint8Array): Buffer =>
    new SshWriter().byte(14).string(new SshWriter().string(type).string(sig).toBuffer()).toBuffer();
  const cases: [string, (req: Buffer) => Buffer | undefined, 'list' | 'sign'][] = [
    ['wrong reply type', () => frame(Buffer.of(99)), 'list'],
    ['truncated identities', () => frame(new SshWriter().byte(12).uint32(2).toBuffer()), 'list'],
    ['oversized length', () => Buffer.from([0x7f, 0, 0, 0, 12]), 'list'],
    ['zero length', () => Buffer.from([0, 0, 0, 0]), 'list'],
    [
      'extra bytes after reply',
      () => Buffer.concat([frame(new SshWriter().byte(12).uint32(0).toBuffer()), Buffer.of(1)]),
      'list',
    ],
    ['wrong signature type', () => frame(sigBlob('ssh-rsa', key.sign(data))), 'sign'],
    ['short signature', () => frame(sigBlob('ssh-ed25519', new Uint8Array(63))), 'sign'],
    [
      'signature that does not verify',
      () => frame(sigBlob('ssh-ed25519', new Uint8Array(64))),
      'sign',
    ],
    [
      'signature by another key',
      () => frame(sigBlob('ssh-ed25519', SigningKey.generate().sign(data))),
      'sign',
    ],
    ['closes without answering', () => undefined, 'list'],
  ];
  for (const [name, reply, op] of cases) {
    const { path, server } = await fakeAgent(
      `bad${cases.findIndex((c) => c[0] === name)}`,
      (req, socket) => {
        const out = reply(req);
        if (out === undefined) socket.end();
        return out;
      },
    );
    try {
      const c = new SshAgentClient({ socketPath: path });
      const p = op === 'list' ? c.listIdentities() : c.sign(key.publicKey, data);
      await assert.rejects(p, keyError('AGENT_FAILURE', path), name);
    } finally {
      server.close();
    }
  }
});

test('ssh-agent - a refusal for a key the agent holds is AGENT_FAILURE, and a silent agent times out', async () => {
  const key = SigningKey.generate();
  const identities = new SshWriter()
    .byte(12)
    .uint32(1)
    .string(ed25519KeyBlob(key.publicKey))
    .string('held')
    .toBuffer();
  const { path, server } = await fakeAgent('refuse', (req) =>
    req[0] === 11 ? frame(identities) : frame(Buffer.of(5)),
  );
  const silent = await fakeAgent('silent', () => undefined);
  try {
    await assert.rejects(
      new SshAgentClient({ socketPath: path }).sign(key.publicKey, Buffer.from('x')),
      keyError('AGENT_FAILURE', 'refused', 'held'),
    );
    const c = new SshAgentClient({ socketPath: silent.path, timeoutMs: 100 });
    await assert.rejects(c.listIdentities(), keyError('AGENT_FAILURE', '100 ms'));
  } finally {
    server.close();
    silent.server.close();
  }
});
