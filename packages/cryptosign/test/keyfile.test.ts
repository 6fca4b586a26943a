import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyError, formatKeyFile, parseKeyFile, UNKNOWN_VALUE } from '../src/index.js';
import { keyError } from './tools.js';

/** A key.priv exactly as Crossbar.io writes it (values from its documentation). */
const CROSSBAR_PRIV = `Crossbar.io node private key - KEEP THIS SAFE!

creator: oberstet@intel-nuci7
created-at: 2022-07-05T12:29:48.832Z
machine-id: 3f1c4d5e6a7b8c9d0e1f2a3b4c5d6e7f
node-authid: intel-nuci7
node-cluster-ip: 127.0.0.1
public-key-ed25519: 7326d9dc0307681cc6940fde0e60eb31a6e4d642a81e55c434462ce31f95deed
public-adr-eth: 0x10848feBdf7f200Ba989CDf7E3eEB3EC03ae7768
private-key-ed25519: f750f42b0430e28a2e272c3cedcae4dcc4a1cf33bc345c35099d3322626ab666
private-key-eth: 4d787714dcb0ae52e1c5d2144648c255d660b9a55eac9deeb80d9f506f501025
`;

test('key file - a file in Crossbar.io layout parses into ordered tags', () => {
  const { header, tags } = parseKeyFile(CROSSBAR_PRIV);
  assert.equal(header, 'Crossbar.io node private key - KEEP THIS SAFE!');
  assert.deepEqual(
    [...tags.keys()],
    [
      'creator',
      'created-at',
      'machine-id',
      'node-authid',
      'node-cluster-ip',
      'public-key-ed25519',
      'public-adr-eth',
      'private-key-ed25519',
      'private-key-eth',
    ],
  );
  assert.equal(tags.get('created-at'), '2022-07-05T12:29:48.832Z');
  assert.equal(tags.get('public-adr-eth'), '0x10848feBdf7f200Ba989CDf7E3eEB3EC03ae7768');
});

test('key file - parsing follows Crossbar.io: case-insensitive tags, trimmed values, multi-line header, CRLF', () => {
  const text =
    'line one\r\nline two\r\n\r\n  Creator :  me@host  \r\n\r\nPUBLIC-KEY-ED25519: ' +
    'AB'.repeat(32) +
    '\r\n';
  const { header, tags } = parseKeyFile(text);
  assert.equal(header, 'line one\nline two');
  assert.equal(tags.get('creator'), 'me@host');
  assert.equal(tags.get('public-key-ed25519'), 'AB'.repeat(32));
  // Values may contain colons (timestamps, URLs).
  assert.equal(parseKeyFile('h\n\ncreator: a:b:c\n').tags.get('creator'), 'a:b:c');
  // A header is optional when the file starts with the blank line; no tags is not an error.
  assert.equal(parseKeyFile('\ncreator: x\n').header, '');
  assert.equal(parseKeyFile('header only\n\n').tags.size, 0);
  // autobahn user keys carry user-id.
  assert.equal(
    parseKeyFile('h\n\nuser-id: me@example.org\n').tags.get('user-id'),
    'me@example.org',
  );
});

test('key file - bad lines are BAD_FORMAT naming the file and line', () => {
  const cases: [string, string, string[]][] = [
    ['unknown tag', 'h\n\ncreator: x\nfavourite-colour: blue\n', ['line 4', 'favourite-colour']],
    ['duplicate', 'h\n\ncreator: x\ncreator: y\n', ['line 4', 'duplicate']],
    ['no colon', 'h\n\ncreator x\n', ['line 3', 'tag: value']],
    [
      'bad public key hex',
      'h\n\npublic-key-ed25519: 1234\n',
      ['line 3', 'public-key-ed25519', '64 hex'],
    ],
    [
      'bad private key hex',
      `h\n\nprivate-key-ed25519: ${'zz'.repeat(32)}\n`,
      ['line 3', 'private-key-ed25519'],
    ],
    ['no blank line', 'just one line', ['header line, a blank line']],
    [
      'tags in the header',
      'Crossbar.io node public key\ncreator: x\n',
      ['line 2', 'before the blank line'],
    ],
  ];
  for (const [name, text, fragments] of cases)
    assert.throws(
      () => parseKeyFile(text, { source: '/node/.crossbar/key.priv' }),
      keyError('BAD_FORMAT', '/node/.crossbar/key.priv', ...fragments),
      name,
    );
  assert.throws(
    () => parseKeyFile('h\n\nfoo: 1\n'),
    (e: unknown) => e instanceof KeyError && e.path === undefined,
  );
});

test('key file - private tags are refused in a public key file', () => {
  assert.throws(
    () => parseKeyFile(CROSSBAR_PRIV, { private: false, source: 'key.pub' }),
    keyError('BAD_FORMAT', 'key.pub', 'line 10', 'private tag "private-key-ed25519"'),
  );
  assert.equal(parseKeyFile(CROSSBAR_PRIV, { private: true }).tags.size, 9);
});

test('key file - formatKeyFile round-trips and writes missing values as unknown', () => {
  const text = formatKeyFile('Crossbar.io node public key', [
    ['creator', 'me@host'],
    ['node-authid', undefined],
    ['public-adr-eth', null],
    ['public-key-ed25519', 'ab'.repeat(32)],
  ]);
  assert.equal(
    text,
    `Crossbar.io node public key\n\ncreator: me@host\nnode-authid: unknown\npublic-adr-eth: unknown\npublic-key-ed25519: ${'ab'.repeat(32)}\n`,
  );
  const back = parseKeyFile(text);
  assert.equal(back.tags.get('node-authid'), UNKNOWN_VALUE);
  assert.equal(formatKeyFile(back.header, back.tags), text);
  // A plain object keeps its key order.
  assert.equal(
    formatKeyFile('h', { 'machine-id': 'm', creator: 'c' }),
    'h\n\nmachine-id: m\ncreator: c\n',
  );
  // Crossbar.io's own file survives a parse/format round trip byte for byte.
  const parsed = parseKeyFile(CROSSBAR_PRIV);
  assert.equal(formatKeyFile(parsed.header, parsed.tags), CROSSBAR_PRIV);
});

test('key file - formatKeyFile refuses input that would not parse back', () => {
  assert.throws(() => formatKeyFile('a\n\nb', {}), keyError('INVALID_ARGUMENT', 'header'));
  assert.throws(() => formatKeyFile('', {}), keyError('INVALID_ARGUMENT', 'header'));
  assert.throws(
    () => formatKeyFile('h', { creator: 'a\nnode-authid: b' }),
    keyError('INVALID_ARGUMENT', 'creator'),
  );
  assert.throws(
    () => formatKeyFile('h', [['bogus' as 'creator', 'x']]),
    keyError('INVALID_ARGUMENT', 'bogus'),
  );
});

test('key file - errors never quote a secret back', () => {
  const seed = 'f750f42b0430e28a2e272c3cedcae4dcc4a1cf33bc345c35099d3322626ab666';
  for (const text of [
    `h\n\nprivate-key-ed25519 ${seed}\n`,
    `h\n\nprivate-key-ed25519: ${seed}0\n`,
  ]) {
    assert.throws(
      () => parseKeyFile(text),
      (e: unknown) => e instanceof KeyError && e.code === 'BAD_FORMAT' && !e.message.includes(seed),
    );
  }
});
