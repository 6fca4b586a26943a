import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  NODE_PRIVATE_KEY_HEADER,
  NODE_PUBLIC_KEY_HEADER,
  SigningKey,
  fixKeyPermissions,
  formatKeyFile,
  readNodeKeyPair,
  readNodePublicKey,
  writeNodeKeyPair,
} from '../src/index.js';
import { NO_AUTOBAHN, python } from './python.js';
import { keyError, tempDir } from './tools.js';

const root = tempDir();
after(() => root.remove());
let n = 0;
function freshDir(): string {
  const d = join(root.path, `node${n++}`);
  mkdirSync(d);
  return d;
}
const mode = (path: string): number => statSync(path).mode & 0o777;
const INFO = {
  creator: 'cdc@host',
  'created-at': '2024-05-01T10:00:00.000Z',
  'machine-id': 'abc123',
  'node-authid': 'node1',
  'node-cluster-ip': '10.0.0.5',
};

test('node keys - written files have Crossbar.io headers, tag order and modes 0600/0644', async () => {
  const dir = freshDir();
  const key = SigningKey.generate();
  const oldMask = process.umask(0o077); // modes must not depend on the umask
  let files;
  try {
    files = await writeNodeKeyPair(dir, key, INFO);
  } finally {
    process.umask(oldMask);
  }
  assert.equal(files.privatePath, join(dir, 'key.priv'));
  assert.equal(files.publicPath, join(dir, 'key.pub'));
  assert.equal(mode(files.privatePath), 0o600);
  assert.equal(mode(files.publicPath), 0o644);
  const seedHex = Buffer.from(key.seed).toString('hex');
  assert.equal(
    readFileSync(files.privatePath, 'utf8'),
    `${NODE_PRIVATE_KEY_HEADER}\n\ncreator: cdc@host\ncreated-at: 2024-05-01T10:00:00.000Z\nmachine-id: abc123\n` +
      `node-authid: node1\nnode-cluster-ip: 10.0.0.5\npublic-key-ed25519: ${key.publicKeyHex}\n` +
      `private-key-ed25519: ${seedHex}\n`,
  );
  assert.equal(
    readFileSync(files.publicPath, 'utf8'),
    `${NODE_PUBLIC_KEY_HEADER}\n\ncreator: cdc@host\ncreated-at: 2024-05-01T10:00:00.000Z\nmachine-id: abc123\n` +
      `node-authid: node1\nnode-cluster-ip: 10.0.0.5\npublic-key-ed25519: ${key.publicKeyHex}\n`,
  );
  assert.equal(NODE_PRIVATE_KEY_HEADER, 'Crossbar.io node private key - KEEP THIS SAFE!');
  assert.equal(NODE_PUBLIC_KEY_HEADER, 'Crossbar.io node public key');
});

test('node keys - ethereumTags "unknown" writes the Ethereum tags as unknown', async () => {
  const dir = freshDir();
  const key = SigningKey.generate();
  await writeNodeKeyPair(dir, key, INFO, { ethereumTags: 'unknown' });
  const priv = readFileSync(join(dir, 'key.priv'), 'utf8');
  const pub = readFileSync(join(dir, 'key.pub'), 'utf8');
  assert.match(
    priv,
    /public-key-ed25519: [0-9a-f]{64}\npublic-adr-eth: unknown\nprivate-key-ed25519: [0-9a-f]{64}\nprivate-key-eth: unknown\n$/,
  );
  assert.match(pub, /public-key-ed25519: [0-9a-f]{64}\npublic-adr-eth: unknown\n$/);
  assert.equal((await readNodeKeyPair(join(dir, 'key.priv'))).key.publicKeyHex, key.publicKeyHex);
});

test('node keys - defaults fill the info tags', async () => {
  const dir = freshDir();
  await writeNodeKeyPair(dir, SigningKey.generate());
  const { privateTags } = await readNodeKeyPair(join(dir, 'key.priv'));
  assert.match(privateTags.get('creator') ?? '', /.+@.+/);
  assert.match(privateTags.get('created-at') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok((privateTags.get('machine-id') ?? '').length > 0);
  assert.equal(privateTags.get('node-cluster-ip'), '127.0.0.1');
});

test('node keys - round trip through readNodeKeyPair', async () => {
  const dir = freshDir();
  const key = SigningKey.generate();
  await writeNodeKeyPair(dir, key, INFO);
  const pair = await readNodeKeyPair(join(dir, 'key.priv'));
  assert.equal(pair.key.publicKeyHex, key.publicKeyHex);
  assert.equal(pair.publicPath, join(dir, 'key.pub'));
  assert.equal(pair.privateTags.get('node-authid'), 'node1');
  assert.equal(pair.publicTags?.get('public-key-ed25519'), key.publicKeyHex);
  assert.equal((await readNodePublicKey(join(dir, 'key.pub'))).publicKeyHex, key.publicKeyHex);
});

test('node keys - a hand-written Crossbar.io key pair is read', async () => {
  const dir = freshDir();
  // Seed and public key: the first cryptosign spec vector.
  const seed = '4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510';
  const pub = '1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d';
  const common = `creator: oberstet@intel-nuci7\ncreated-at: 2022-07-05T12:29:48.832Z\nmachine-id: 3f1c\nnode-authid: intel-nuci7\nnode-cluster-ip: 127.0.0.1\npublic-key-ed25519: ${pub}\npublic-adr-eth: 0x10848feBdf7f200Ba989CDf7E3eEB3EC03ae7768\n`;
  writeFileSync(
    join(dir, 'key.priv'),
    `Crossbar.io node private key - KEEP THIS SAFE!\n\n${common}private-key-ed25519: ${seed}\nprivate-key-eth: 4d787714dcb0ae52e1c5d2144648c255d660b9a55eac9deeb80d9f506f501025\n`,
  );
  writeFileSync(join(dir, 'key.pub'), `Crossbar.io node public key\n\n${common}`);
  const pair = await readNodeKeyPair(join(dir, 'key.priv'));
  assert.equal(pair.key.publicKeyHex, pub);
  assert.equal(pair.publicTags?.get('node-authid'), 'intel-nuci7');
});

test('node keys - a public key file for another key is KEY_MISMATCH', async () => {
  const a = freshDir();
  const b = freshDir();
  await writeNodeKeyPair(a, SigningKey.generate(), INFO);
  await writeNodeKeyPair(b, SigningKey.generate(), INFO);
  await assert.rejects(
    readNodeKeyPair(join(a, 'key.priv'), join(b, 'key.pub')),
    keyError('KEY_MISMATCH', join(b, 'key.pub'), join(a, 'key.priv')),
  );
  // A private file whose public-key-ed25519 tag is not its own.
  const c = freshDir();
  const key = SigningKey.generate();
  writeFileSync(
    join(c, 'key.priv'),
    formatKeyFile(NODE_PRIVATE_KEY_HEADER, {
      'public-key-ed25519': SigningKey.generate().publicKeyHex,
      'private-key-ed25519': Buffer.from(key.seed).toString('hex'),
    }),
  );
  await assert.rejects(
    readNodeKeyPair(join(c, 'key.priv')),
    keyError('KEY_MISMATCH', 'inconsistent'),
  );
});

test('node keys - a missing sibling key.pub is allowed, a named one is not', async () => {
  const dir = freshDir();
  const key = SigningKey.generate();
  writeFileSync(
    join(dir, 'key.priv'),
    formatKeyFile(NODE_PRIVATE_KEY_HEADER, {
      'private-key-ed25519': Buffer.from(key.seed).toString('hex'),
    }),
  );
  const pair = await readNodeKeyPair(join(dir, 'key.priv'));
  assert.equal(pair.publicPath, undefined);
  assert.equal(pair.publicTags, undefined);
  assert.equal(pair.key.publicKeyHex, key.publicKeyHex);
  await assert.rejects(
    readNodeKeyPair(join(dir, 'key.priv'), join(dir, 'other.pub')),
    keyError('NOT_FOUND', 'other.pub'),
  );
});

test('node keys - bad files are reported with their path', async () => {
  const dir = freshDir();
  await assert.rejects(
    readNodeKeyPair(join(dir, 'key.priv')),
    keyError('NOT_FOUND', join(dir, 'key.priv')),
  );
  writeFileSync(join(dir, 'key.priv'), formatKeyFile(NODE_PRIVATE_KEY_HEADER, { creator: 'x' }));
  await assert.rejects(
    readNodeKeyPair(join(dir, 'key.priv')),
    keyError('BAD_FORMAT', 'private-key-ed25519'),
  );
  const key = SigningKey.generate();
  writeFileSync(
    join(dir, 'key.priv'),
    formatKeyFile(NODE_PRIVATE_KEY_HEADER, {
      'private-key-ed25519': Buffer.from(key.seed).toString('hex'),
    }),
  );
  // A key.pub that leaks the private key is refused, not silently accepted.
  writeFileSync(
    join(dir, 'key.pub'),
    formatKeyFile(NODE_PUBLIC_KEY_HEADER, {
      'public-key-ed25519': key.publicKeyHex,
      'private-key-ed25519': Buffer.from(key.seed).toString('hex'),
    }),
  );
  await assert.rejects(
    readNodeKeyPair(join(dir, 'key.priv')),
    keyError('BAD_FORMAT', 'key.pub', 'private tag'),
  );
  writeFileSync(join(dir, 'key.pub'), formatKeyFile(NODE_PUBLIC_KEY_HEADER, { creator: 'x' }));
  await assert.rejects(
    readNodeKeyPair(join(dir, 'key.priv')),
    keyError('BAD_FORMAT', 'public-key-ed25519'),
  );
  await assert.rejects(
    readNodePublicKey(join(dir, 'key.pub')),
    keyError('BAD_FORMAT', 'public-key-ed25519'),
  );
});

test('node keys - existing keys are not overwritten unless asked', async () => {
  const dir = freshDir();
  const first = SigningKey.generate();
  await writeNodeKeyPair(dir, first, INFO);
  await assert.rejects(
    writeNodeKeyPair(dir, SigningKey.generate(), INFO),
    keyError('KEY_EXISTS', 'key.priv'),
  );
  assert.equal((await readNodeKeyPair(join(dir, 'key.priv'))).key.publicKeyHex, first.publicKeyHex);
  const second = SigningKey.generate();
  await writeNodeKeyPair(dir, second, INFO, { overwrite: true });
  assert.equal(
    (await readNodeKeyPair(join(dir, 'key.priv'))).key.publicKeyHex,
    second.publicKeyHex,
  );
  assert.equal(mode(join(dir, 'key.priv')), 0o600);
  // Only key.pub present still blocks, so no half pair is written.
  const other = freshDir();
  writeFileSync(join(other, 'key.pub'), 'x');
  await assert.rejects(writeNodeKeyPair(other, first, INFO), keyError('KEY_EXISTS', 'key.pub'));
  await assert.rejects(readNodeKeyPair(join(other, 'key.priv')), keyError('NOT_FOUND'));
  await assert.rejects(
    writeNodeKeyPair(join(other, 'missing-dir'), first, INFO),
    keyError('IO_ERROR', 'missing-dir'),
  );
});

test('node keys - fixKeyPermissions sets 0600/0644 and reports what it changed', async () => {
  const dir = freshDir();
  await writeNodeKeyPair(dir, SigningKey.generate(), INFO);
  assert.deepEqual(await fixKeyPermissions(dir), []);
  chmodSync(join(dir, 'key.priv'), 0o644);
  chmodSync(join(dir, 'key.pub'), 0o600);
  assert.deepEqual(await fixKeyPermissions(dir), [
    { path: join(dir, 'key.priv'), from: 0o644, to: 0o600 },
    { path: join(dir, 'key.pub'), from: 0o600, to: 0o644 },
  ]);
  assert.equal(mode(join(dir, 'key.priv')), 0o600);
  assert.equal(mode(join(dir, 'key.pub')), 0o644);
  assert.deepEqual(await fixKeyPermissions(dir), []);
  assert.deepEqual(await fixKeyPermissions(freshDir()), []); // no files: nothing to do
});

test(
  'node keys - autobahn-python reads the key files we write',
  { skip: NO_AUTOBAHN },
  async () => {
    const dir = freshDir();
    const key = SigningKey.generate();
    await writeNodeKeyPair(dir, key, INFO);
    const out = python(
      'import sys\nfrom autobahn.wamp.cryptosign import CryptosignKey\nfrom autobahn.util import parse_keyfile\n' +
        'k = CryptosignKey.from_keyfile(sys.argv[1])\nprint(k.public_key())\nprint(k.can_sign)\n' +
        'print(k._key.sign(b"cdc").signature.hex())\n' +
        'print(dict(parse_keyfile(sys.argv[2], private=False))["public-key-ed25519"])\n',
      [join(dir, 'key.priv'), join(dir, 'key.pub')],
    );
    assert.deepEqual(out.trim().split('\n'), [
      key.publicKeyHex,
      'True',
      Buffer.from(key.sign(Buffer.from('cdc'))).toString('hex'),
      key.publicKeyHex,
    ]);
  },
);
