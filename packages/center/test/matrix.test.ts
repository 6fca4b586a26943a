/**
 * SPEC §4.8 walked whole: every public procedure under every name, called by every role.
 * The router refuses what a role may not call (`wamp.error.not_authorized`) before any
 * backend sees it; a result or a backend error shows the call was let through, and
 * `no_such_procedure` fails the walk (every procedure of the contract is served).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { WampError } from '@cdc/protocol';
import { PROCEDURES, USER_ROLES, registeredUris, roleAtLeast } from '@cdc/api';
import type { Session } from '@cdc/client';
import { join, ownedRealm, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

let c: TestCenter;
const sessions = new Map<string, Session>();

before(async () => {
  c = await startCenter();
  const owner = await ownedRealm(c, 'matrix');
  const s = await join(c, owner, 'matrix');
  sessions.set('cdc-owner', s);
  for (const role of USER_ROLES) {
    if (role === 'cdc-owner') continue;
    const k = SigningKey.generate();
    await s.call('com.crossbario.cdc.management.grant_access@1', [
      k.publicKeyHex,
      role,
      `as-${role}`,
    ]);
    sessions.set(role, await join(c, k, 'matrix'));
  }
});
after(async () => {
  for (const s of sessions.values()) await s.leave().catch(() => undefined);
  await c.stop();
});

// Arguments that make mutating calls fail harmlessly (unknown IDs), so the walk changes nothing.
const HARMLESS: Record<string, unknown[]> = {
  'com.crossbario.cdc.management.pair_node': ['zz', 'x'],
  'com.crossbario.cdc.management.grant_access': ['zz', 'cdc-guest', 'x'],
  'com.crossbario.cdc.management.revoke_access': ['zz'],
  'com.crossbario.cdc.management.unpair_node': ['no-such-node'],
};

test('matrix - every procedure under every name, by every role', async () => {
  let checked = 0;
  for (const d of PROCEDURES) {
    for (const uri of registeredUris(d)) {
      for (const role of USER_ROLES) {
        const s = sessions.get(role)!;
        const args =
          HARMLESS[d.name] ?? d.params.map((p) => (p.endsWith('_id') ? 'no-such-id' : null));
        let outcome: string;
        try {
          await s.call(uri, args);
          outcome = 'ok';
        } catch (e) {
          outcome = e instanceof WampError ? e.uri : String(e);
        }
        const allowed = roleAtLeast(role, d.role);
        if (allowed) {
          assert.notEqual(outcome, 'wamp.error.not_authorized', `${role} may call ${uri}`);
          // Every procedure of the contract is served: a missing one must not pass as let through.
          assert.notEqual(outcome, 'wamp.error.no_such_procedure', `${uri} is served`);
        } else
          assert.equal(
            outcome,
            'wamp.error.not_authorized',
            `${role} may not call ${uri} (got ${outcome})`,
          );
        checked++;
      }
    }
  }
  assert.ok(checked > 300, `${checked} checks`);
});

test('matrix - users may subscribe to status events and logs, but not to raw node topics or meta events', async () => {
  const guest = sessions.get('cdc-guest')!;
  await guest.subscribe('com.crossbario.cdc.remote.on_node_status@1', () => undefined);
  await guest.subscribe('com.crossbario.cdc.node.', () => undefined, { match: 'prefix' });
  for (const topic of ['crossbarfabriccenter.node.on_heartbeat', 'wamp.session.on_join']) {
    await assert.rejects(
      guest.subscribe(topic, () => undefined),
      (e: unknown) => e instanceof WampError && e.uri === 'wamp.error.not_authorized',
      topic,
    );
  }
  await assert.rejects(
    guest.call('crossbarfabriccenter.node.any.get_status'),
    (e: unknown) => e instanceof WampError && e.uri === 'wamp.error.not_authorized',
  );
  await assert.rejects(
    guest.publish('crossbarfabriccenter.node.on_heartbeat', ['x', {}], {}, { acknowledge: true }),
    (e: unknown) => e instanceof WampError && e.uri === 'wamp.error.not_authorized',
  );
});

test('matrix - an inline worker config with components or module paths needs cdc-admin', async () => {
  const router = { components: [{ type: 'class', classname: 'x.y', realm: 'realm1' }] };
  const container = { options: { pythonpath: ['/opt/mine'] } };
  const cases: [string, string, Record<string, unknown>][] = [
    ['com.crossbario.cdc.remote.start_router_worker@1', 'router_config', router],
    ['com.crossbario.cdc.remote.start_container_worker@1', 'container_config', container],
  ];
  for (const [uri, key, config] of cases) {
    await assert.rejects(
      sessions.get('cdc-devop')!.call(uri, ['no-such-node', 'w1'], { [key]: config }),
      (e: unknown) =>
        e instanceof WampError &&
        e.uri === 'wamp.error.not_authorized' &&
        /cdc-admin/.test(String(e.args[0])),
      uri,
    );
    // An admin gets past the role check to the unknown node.
    await assert.rejects(
      sessions.get('cdc-admin')!.call(uri, ['no-such-node', 'w1'], { [key]: config }),
      (e: unknown) => e instanceof WampError && e.uri === 'com.crossbario.cdc.error.no_such_node',
      uri,
    );
  }
  // Without code of its own, a devop may start one.
  await assert.rejects(
    sessions
      .get('cdc-devop')!
      .call('com.crossbario.cdc.remote.start_router_worker@1', ['no-such-node', 'w1'], {
        router_config: {},
      }),
    (e: unknown) => e instanceof WampError && e.uri === 'com.crossbario.cdc.error.no_such_node',
  );
});
