/**
 * The client's names, at run time and in the types: each record below must list exactly the
 * type-level method names of its group (else it does not compile), and the test holds the
 * run-time names to the same lists. A procedure added to the contract fails here until its
 * name is added: on purpose, so a new method name is a reviewed one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROCEDURES, PUBLIC_EVENTS } from '@cdc/api';
import type { ConfigApi, GlobalApi, ManagementApi, RegistrationApi, RemoteApi } from '@cdc/api';
import { GROUP_KEYS, eventMethodName, methodName, optionName } from '../src/index.js';
import type { EventSubscriptions, Methods } from '../src/index.js';

const GLOBAL: Record<keyof Methods<GlobalApi>, true> = {
  getStatus: true,
  getNodesV1: true,
  getNodesV2: true,
  getNodes: true,
  getNodeStatus: true,
};

const MANAGEMENT: Record<keyof Methods<ManagementApi>, true> = {
  pairNode: true,
  unpairNode: true,
  grantAccess: true,
  revokeAccess: true,
  listAccess: true,
  getAuditLog: true,
  createToken: true,
  listTokens: true,
  revokeToken: true,
};

const REMOTE: Record<keyof Methods<RemoteApi>, true> = {
  getControllerStatus: true,
  shutdownNode: true,
  getNodeWorkers: true,
  getWorkerStatus: true,
  getWorkerLog: true,
  startRouterWorker: true,
  startContainerWorker: true,
  startGuestWorker: true,
  shutdownWorker: true,
  getWorkerCpuCount: true,
  getWorkerCpuAffinity: true,
  setWorkerCpuAffinity: true,
  getWorkerPythonpath: true,
  addWorkerPythonpath: true,
  getWorkerProfilers: true,
  startWorkerProfiler: true,
  getWorkerProfile: true,
  getRouterRealms: true,
  getRouterRealmStatus: true,
  startRouterRealm: true,
  stopRouterRealm: true,
  getRealmRoles: true,
  getRealmRoleStatus: true,
  startRealmRole: true,
  stopRealmRole: true,
  getRouterTransports: true,
  getRouterTransportStatus: true,
  startRouterTransport: true,
  stopRouterTransport: true,
  getWebServices: true,
  getWebServiceStatus: true,
  startWebService: true,
  stopWebService: true,
  getRouterComponents: true,
  getRouterComponentStatus: true,
  startRouterComponent: true,
  stopRouterComponent: true,
  stopContainer: true,
  getContainerComponents: true,
  getContainerComponentStatus: true,
  startContainerComponent: true,
  stopContainerComponent: true,
  restartContainerComponent: true,
};

const CONFIG: Record<keyof Methods<ConfigApi>, true> = {
  createNode: true,
  listWorkers: true,
  listNodeWorkers: true,
  getRouter: true,
  createRouter: true,
  modifyRouter: true,
  deleteRouter: true,
  startRouter: true,
  stopRouter: true,
  reloadRouter: true,
  profileWorker: true,
  getStats: true,
};

const ACCOUNT: Record<keyof Methods<RegistrationApi>, true> = {
  registerUser: true,
  verifyUserRegistration: true,
  registerManagementRealm: true,
  verifyManagementRealmRegistration: true,
  getUser: true,
  listManagementRealms: true,
};

const EVENTS: Record<keyof EventSubscriptions, true> = {
  onNodeStatus: true,
  onWorkerStatus: true,
  onRouterRealm: true,
  onRealmRole: true,
  onRouterTransport: true,
  onWebService: true,
  onRouterComponent: true,
  onContainerComponent: true,
  onWorkerLog: true,
};

const EXPECTED: Record<string, Record<string, true>> = {
  global: GLOBAL,
  management: MANAGEMENT,
  remote: REMOTE,
  config: CONFIG,
  registration: ACCOUNT,
};

test('every procedure has the method name its type has, in its group', () => {
  for (const [group, expected] of Object.entries(EXPECTED)) {
    const names = PROCEDURES.filter((d) => d.group === group).map((d) => methodName(d, PROCEDURES));
    assert.deepEqual(names.sort(), Object.keys(expected).sort(), group);
  }
  assert.deepEqual(Object.keys(GROUP_KEYS).sort(), Object.keys(EXPECTED).sort());
});

test('the newest version of get_nodes is getNodes, older ones carry their version', () => {
  const names = PROCEDURES.filter((d) => d.name === 'com.crossbario.cdc.get_nodes').map(
    (d) => `${d.version}:${methodName(d, PROCEDURES)}`,
  );
  assert.deepEqual(names, ['1:getNodesV1', '2:getNodesV2', '3:getNodes']);
});

test('events are on + their name; the worker log has its own', () => {
  const names = PUBLIC_EVENTS.map((e) => eventMethodName(e.topic));
  assert.deepEqual([...names, 'onWorkerLog'].sort(), Object.keys(EVENTS).sort());
});

test('options are camelCase, with filter_ dropped', () => {
  assert.equal(optionName('filter_status'), 'status');
  assert.equal(optionName('filter_type'), 'type');
  assert.equal(optionName('restart_if_required'), 'restartIfRequired');
  assert.equal(optionName('prune_percent'), 'prunePercent');
  assert.equal(optionName('filter'), 'filter');
});
