import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CODE_RUNNING_PROCEDURES,
  PROCEDURES,
  USER_ROLES,
  managementRealmRoles,
  procedureByUri,
  auditName,
  realmNameProblem,
  registeredUris,
  roleAtLeast,
} from '../src/index.js';

test('api - every URI names exactly one procedure, versions and bare names as SPEC §4 says', () => {
  const seen = new Map<string, string>();
  for (const d of PROCEDURES) {
    for (const uri of registeredUris(d)) {
      assert.ok(
        !seen.has(uri),
        `${uri} is registered twice (${seen.get(uri) ?? ''} and ${d.name}@${d.version})`,
      );
      seen.set(uri, `${d.name}@${d.version}`);
    }
  }
  const m = procedureByUri();
  assert.equal(m.get('com.crossbario.cdc.get_nodes')?.version, 1, 'the bare name means @1');
  assert.equal(m.get('com.crossbario.cdc.management.get_nodes@3')?.params.length, 2);
  assert.equal(
    m.get('com.crossbario.cdc.general.get_status@1')?.name,
    'com.crossbario.cdc.get_status',
  );
  assert.equal(m.get('io.crossbar.cdc.reload_router')?.mutating, true);
});

test('api - remote procedures name their node target and take node_id first', () => {
  for (const d of PROCEDURES.filter((p) => p.group === 'remote')) {
    assert.ok(d.remote !== undefined, d.name);
    assert.equal(d.params[0], 'node_id', d.name);
    if (d.remote.level === 'worker') assert.equal(d.params[1], 'worker_id', d.name);
  }
});

test('api - roles are ordered and the router roles follow the matrix', () => {
  assert.ok(roleAtLeast('cdc-owner', 'cdc-guest'));
  assert.ok(!roleAtLeast('cdc-guest', 'cdc-devop'));
  assert.ok(!roleAtLeast('cdc-node', 'cdc-guest'));
  const roles = managementRealmRoles();
  assert.deepEqual(
    roles.map((r) => r.name),
    [...USER_ROLES, 'cdc-node'],
  );
  const guest = roles[0]!;
  const callable = new Set(
    guest.permissions.filter((p) => p.allow.call === true).map((p) => p.uri),
  );
  assert.ok(callable.has('com.crossbario.cdc.get_nodes@2'));
  assert.ok(!callable.has('com.crossbario.cdc.management.pair_node@1'));
  const node = roles[4]!;
  assert.ok(
    node.permissions.some(
      (p) =>
        p.uri === 'crossbarfabriccenter.node.{authid}.' &&
        p.match === 'prefix' &&
        p.allow.register === true,
    ),
  );
  assert.ok(
    !node.permissions.some((p) => p.allow.call === true && p.uri.startsWith('com.crossbario.cdc')),
  );
});

test("api - running code of the caller's choosing needs cdc-admin (SPEC §4.8)", () => {
  const roles = new Map(managementRealmRoles().map((r) => [r.name, r]));
  const callable = (role: string): Set<string> =>
    new Set(
      (roles.get(role)?.permissions ?? []).filter((p) => p.allow.call === true).map((p) => p.uri),
    );
  for (const name of CODE_RUNNING_PROCEDURES) {
    const d = PROCEDURES.find((p) => p.name === name);
    assert.ok(d !== undefined, name);
    assert.equal(d.role, 'cdc-admin', `${name} is an admin's in the contract`);
    for (const uri of registeredUris(d)) {
      for (const role of ['cdc-guest', 'cdc-devop']) assert.ok(!callable(role).has(uri), uri);
      for (const role of ['cdc-admin', 'cdc-owner']) assert.ok(callable(role).has(uri), uri);
    }
  }
  // Devops still start and stop what runs: routers, containers, stored workers.
  for (const uri of [
    'com.crossbario.cdc.remote.start_router_worker@1',
    'com.crossbario.cdc.remote.stop_router_component@1',
    'com.crossbario.cdc.remote.restart_container_component@1',
    'io.crossbar.cdc.start_router@1',
  ])
    assert.ok(callable('cdc-devop').has(uri), uri);
});

test('api - realm names: the rule and the reserved names', () => {
  assert.equal(realmNameProblem('com.crossbario.cdc.mrealm-test1'), undefined);
  assert.match(realmNameProblem('ab') ?? '', /must match/);
  assert.match(realmNameProblem('com.crossbario.cdc') ?? '', /global realm/);
  assert.match(realmNameProblem('wamp.x') ?? '', /reserved/);
  assert.match(realmNameProblem('crossbarfabric') ?? '', /reserved/);
});

test('api - auditName: what a person types, as the audit log names it', () => {
  const M = 'com.crossbario.cdc.management';
  assert.equal(auditName(`${M}.revoke_access@1`), `${M}.revoke_access@1`);
  assert.equal(auditName(`${M}.revoke_access`), `${M}.revoke_access@1`);
  assert.equal(auditName('revoke_access'), `${M}.revoke_access@1`);
  assert.equal(auditName(' revoke_access@1 '), `${M}.revoke_access@1`);
  // The newest version unless one is asked for.
  assert.equal(auditName('get_nodes'), 'com.crossbario.cdc.get_nodes@3');
  assert.equal(auditName('get_nodes@2'), 'com.crossbario.cdc.get_nodes@2');
  assert.equal(auditName('revoke_access@7'), undefined);
  assert.equal(auditName('no_such_thing'), undefined);
  assert.equal(auditName(''), undefined);
  assert.equal(auditName('com.example.revoke_access'), undefined);
});
