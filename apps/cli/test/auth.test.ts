/**
 * `cdc auth scram-credentials` as a real process: the printed JSON goes into a router's
 * `auth.scram.principals` unchanged, and a client that knows the password joins over a
 * real WebSocket (a wrong password is refused). Also the vector of autobahn-python's
 * `derive_scram_credential`, and bad options.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, joinSession } from '@cdc/client';
import { RouterHost } from '@cdc/router-host';
import { connect } from '@cdc/transport';
import { killAll, run } from './helpers.js';

after(() => killAll());

async function credentials(
  args: string[],
  password: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const r = run(['auth', 'scram-credentials', ...args]);
  r.child.stdin?.end(`${password}\n`);
  const code = await r.exit;
  return { code, out: r.out(), err: r.err() };
}

test('cli auth scram-credentials - argon2id13 matches autobahn-python; pbkdf2 principals log in', async () => {
  const vector = await credentials(
    ['--salt', 'ff8d9819fc0e12bf0d24892e45987e24'],
    's3cret-pässword',
  );
  assert.equal(vector.code, 0, vector.err);
  assert.deepEqual(JSON.parse(vector.out), {
    kdf: 'argon2id-13',
    iterations: 4096,
    memory: 512,
    salt: 'ff8d9819fc0e12bf0d24892e45987e24',
    'stored-key': 'd8df763bf2b478d1765b81e4809397c2f5a07849724030036a906b550e6dfbc4',
    'server-key': '98c7495d0218914219930c6664ad3ced331be754b7f6ebf84dad4df51281c4ca',
  });

  const made = await credentials(
    ['--kdf', 'pbkdf2', '--iterations', '2000', '--authid', 'joe', '--role', 'user'],
    'hunter2',
  );
  assert.equal(made.code, 0, made.err);
  const principals = JSON.parse(made.out) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(principals), ['joe']);
  assert.equal(principals['joe']?.['role'], 'user');

  const host = new RouterHost();
  await host.start({
    type: 'router',
    realms: [{ name: 'realm1', roles: [{ name: 'user', permissions: [] }] }],
    transports: [
      {
        type: 'websocket',
        id: 'ws',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        auth: { scram: { type: 'static', principals: principals as never } },
      },
    ],
  });
  try {
    const url = host.transportUrl('ws', '/ws');
    const s = await joinSession(await connect(url), {
      realm: 'realm1',
      authid: 'joe',
      password: 'hunter2',
    });
    assert.equal(s.authmethod, 'scram');
    assert.equal(s.authrole, 'user');
    await s.leave();
    await assert.rejects(
      joinSession(await connect(url), { realm: 'realm1', authid: 'joe', password: 'hunter3' }),
      (e: unknown) => e instanceof AbortError && e.uri === 'wamp.error.authentication_failed',
    );
  } finally {
    await host.stop();
  }
});

test('cli auth scram-credentials - bad options and no password fail with a message', async () => {
  const kdf = await credentials(['--kdf', 'md5'], 'x');
  assert.equal(kdf.code, 1);
  assert.match(kdf.err, /--kdf must be argon2id13 or pbkdf2/);
  const memory = await credentials(['--kdf', 'pbkdf2', '--memory', '64'], 'x');
  assert.match(memory.err, /--memory applies to argon2id13 only/);
  const empty = await credentials([], '');
  assert.equal(empty.code, 1);
  assert.match(empty.err, /no password on standard input/);
});
