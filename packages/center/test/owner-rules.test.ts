/**
 * The owner's rules of SPEC §4.4/§4.5 on the management API: a node key paired with another
 * realm is `key_in_use` (without naming that realm), a user's key cannot pair a node, and the
 * last owner key can be neither revoked nor demoted; nothing changes when refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKey } from '@cdc/cryptosign';
import { CdcErrors } from '@cdc/api';
import { join, ownedRealm, rejectsWith, startCenter, until } from './helpers.js';
import type { TestCenter } from './helpers.js';

const MGMT = 'com.crossbario.cdc.management';
let c: TestCenter;

before(async () => {
  c = await startCenter();
});
after(() => c.stop());

test('owner rules - a node key paired with another realm is key_in_use there, and names nothing', async () => {
  const a = await ownedRealm(c, 'realm-alpha', 'anna');
  const b = await ownedRealm(c, 'realm-beta', 'bert');
  const sa = await join(c, a, 'realm-alpha');
  const sb = await join(c, b, 'realm-beta');
  const nodeKey = SigningKey.generate().publicKeyHex;
  await sa.call(`${MGMT}.pair_node@1`, [nodeKey, 'edge1']);
  await assert.rejects(sb.call(`${MGMT}.pair_node@1`, [nodeKey, 'edge1']), (e: unknown) => {
    const w = e as { uri: string; args: unknown[] };
    assert.equal(w.uri, CdcErrors.KEY_IN_USE);
    assert.match(String(w.args[0]), /another management realm/);
    assert.doesNotMatch(String(w.args[0]), /alpha|edge1/);
    return true;
  });
  await rejectsWith(
    sa.call(`${MGMT}.pair_node@1`, [nodeKey, 'edge2']),
    CdcErrors.ALREADY_EXISTS,
    /already paired here as node "edge1"/,
  );
  await rejectsWith(
    sb.call(`${MGMT}.pair_node@1`, [a.publicKeyHex, 'edge9']),
    CdcErrors.KEY_IN_USE,
    /user's or an API client's key/,
  );
  await rejectsWith(
    sb.call(`${MGMT}.grant_access@1`, [nodeKey, 'cdc-guest', 'x']),
    CdcErrors.KEY_IN_USE,
  );
  assert.deepEqual(await c.center.domain.listPairings('realm-beta'), []);
  assert.deepEqual(
    (await c.center.domain.listPairings('realm-alpha')).map((p) => p.node_id),
    ['edge1'],
  );
  await sa.leave();
  await sb.leave();
});

test('owner rules - the last owner key cannot be revoked or demoted; with a second owner it can, and its session closes', async () => {
  const owner = await ownedRealm(c, 'realm-gamma', 'gina');
  const s = await join(c, owner, 'realm-gamma');
  await rejectsWith(
    s.call(`${MGMT}.revoke_access@1`, [owner.publicKeyHex]),
    CdcErrors.LAST_OWNER,
    /last owner key/,
  );
  await rejectsWith(
    s.call(`${MGMT}.grant_access@1`, [owner.publicKeyHex, 'cdc-admin', 'me']),
    CdcErrors.LAST_OWNER,
  );
  assert.deepEqual(
    (await c.center.domain.listAccess('realm-gamma')).map((a) => [a.pubkey, a.role]),
    [[owner.publicKeyHex, 'cdc-owner']],
  );
  const second = SigningKey.generate();
  await s.call(`${MGMT}.grant_access@1`, [second.publicKeyHex, 'cdc-owner', 'backup']);
  const t = await join(c, second, 'realm-gamma');
  await t.call(`${MGMT}.revoke_access@1`, [owner.publicKeyHex]);
  await until(() => !s.isOpen, 5000, "the revoked owner's session to close");
  await rejectsWith(t.call(`${MGMT}.revoke_access@1`, [second.publicKeyHex]), CdcErrors.LAST_OWNER);
  await t.leave();
});
