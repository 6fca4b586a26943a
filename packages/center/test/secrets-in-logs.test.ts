/**
 * No private key, PIN, ticket, password or token in any log line or audit record (SPEC §8):
 * an end-to-end run with the center and its backends logging at debug level — a user and a
 * realm registered with their PINs, a node paired, a key granted, a router config with a
 * ticket and a password stored and changed — then every log line and every audit record is
 * searched for each secret.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { SigningKey } from '@cdc/cryptosign';
import type { Session } from '@cdc/client';
import { join, startNode } from './helpers.js';
import type { TestNode } from './helpers.js';
import { registerRealm, registerUser, startRegCenter } from './registration-helpers.js';
import type { RegCenter } from './registration-helpers.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

let c: RegCenter;
let node: TestNode | undefined;
let s: Session | undefined;
const secrets = new Map<string, RegExp>();

before(async () => {
  c = await startRegCenter({ logLevel: 'debug' });
});
after(async () => {
  await s?.leave().catch(() => undefined);
  await node?.stop().catch(() => undefined);
  if (node !== undefined) rmSync(dirname(node.dir), { recursive: true, force: true });
  await c.stop();
});

/** A secret as a whole token: a PIN must not match inside a longer number. */
function token(text: string): RegExp {
  return new RegExp(
    `(?<![0-9A-Za-z])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`,
  );
}

test('secrets - an end-to-end run at debug level leaves no secret in a log line or audit record', async () => {
  const owner = SigningKey.generate();
  secrets.set('owner private key', token(hex(owner.seed)));
  await registerUser(c, owner, 'alice', 'alice@example.com');
  await registerRealm(c, owner, 'secret-realm', 'alice@example.com');
  for (const kind of ['user', 'realm'] as const)
    secrets.set(`${kind} PIN`, token(String(await c.pins.pinFor('alice@example.com', kind))));

  s = await join(c, owner, 'secret-realm');
  node = await startNode(c);
  await s.call('com.crossbario.cdc.management.pair_node@1', [node.pubkey, 'node1']);
  const member = SigningKey.generate();
  secrets.set('member private key', token(hex(member.seed)));
  await s.call('com.crossbario.cdc.management.grant_access@1', [
    member.publicKeyHex,
    'cdc-admin',
    'bob',
  ]);
  const ticket = 'tk-Xq83-secret-ticket';
  const password = 'pw-Zr55-secret-password';
  const token1 = 'tok-Mm21-api-token';
  secrets.set('ticket', token(ticket));
  secrets.set('password', token(password));
  secrets.set('token', token(token1));
  const router = {
    realms: [{ name: 'app', roles: [{ name: 'user', permissions: [] }] }],
    transports: [
      {
        type: 'websocket',
        endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        auth: {
          ticket: { type: 'static', principals: { joe: { ticket, role: 'user' } } },
          wampcra: { type: 'static', users: { ann: { secret: password, role: 'user' } } },
        },
      },
    ],
  };
  await s.call('io.crossbar.cdc.create_router@1', ['node1', 'r1', router]);
  await s.call('io.crossbar.cdc.modify_router@1', [
    'node1',
    'r1',
    {
      transports: [
        {
          ...router.transports[0],
          auth: {
            ticket: { type: 'static', principals: { joe: { ticket: token1, role: 'user' } } },
          },
        },
      ],
    },
  ]);
  const audit = (await s.call('com.crossbario.cdc.management.get_audit_log@1', [{}])).value;
  assert.ok(Array.isArray(audit) && audit.length >= 3, `${JSON.stringify(audit).length} audit`);

  const lines = c.log.records.map((r) => JSON.stringify(r));
  assert.ok(lines.length >= 10, `${lines.length} log lines`);
  const records = (audit as unknown[]).map((r) => JSON.stringify(r));
  for (const [what, re] of secrets) {
    for (const line of lines) assert.doesNotMatch(line, re, `${what} in a log line: ${line}`);
    for (const rec of records) assert.doesNotMatch(rec, re, `${what} in an audit record: ${rec}`);
  }
  // The audit still says what happened.
  assert.ok(records.some((r) => r.includes('create_router')));
  assert.ok(records.some((r) => r.includes('"***"')));
});
