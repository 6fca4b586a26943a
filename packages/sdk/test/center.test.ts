/**
 * The SDK against a real center and a real node, in Node: an OpenSSH key, calls of every
 * group, events, errors with their URIs, a browser key over the browser transport, and a
 * reconnect after the center restarts with the subscriptions restored.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { SigningKey, writeNodeKeyPair } from '@cdc/cryptosign';
import { CdcErrors, GLOBAL_REALM } from '@cdc/api';
import type { NodeStatus } from '@cdc/api';
import { WampErrors } from '@cdc/protocol';
import { CdcError, connectCenter, centerClient, isCdcError, loadKey } from '../src/node/index.js';
import type { Center, ConnectionState } from '../src/node/index.js';
import * as browser from '../src/browser/index.js';
import type { WebSocketConstructor } from '../src/browser/index.js';
import { agentWith, ownedRealm, sshKey, startCenter, startNode, until } from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

const ROUTER = {
  version: 2,
  workers: [
    {
      type: 'router',
      id: 'router1',
      realms: [{ name: 'realm1' }],
      transports: [
        {
          type: 'websocket',
          id: 'ws1',
          endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        },
      ],
    },
  ],
};

let tc: TestCenter;
let owner: { path: string; pubkey: string };
let cdc: Center;
let node: TestNode | undefined;
const statuses: [string, NodeStatus | null, NodeStatus][] = [];

before(async () => {
  tc = await startCenter();
  owner = await ownedRealm(tc, 'sdk-realm', 'alice');
  cdc = await connectCenter({ url: tc.url, key: owner.path });
});

after(async () => {
  await cdc.close();
  await node?.stop();
  await tc.stop();
});

test('an OpenSSH key signs in; the session says who it is and what it may do', async () => {
  assert.equal(cdc.state.status, 'connected');
  assert.equal(cdc.realm, 'sdk-realm');
  assert.equal(cdc.authid, 'alice');
  assert.equal(cdc.authrole, 'cdc-owner');
  assert.equal(cdc.pubkey, owner.pubkey);
  assert.ok(cdc.can('config.reloadRouter'));
  assert.ok(cdc.can('management.grantAccess'));
  assert.ok(cdc.can('com.crossbario.cdc.get_status'));
  assert.ok(!cdc.can('account.getUser'), 'a global realm procedure, not here');
  assert.ok(!cdc.can('nothing.ofThat'));
  const status = await cdc.getStatus();
  assert.equal(status.realm, 'sdk-realm');
  assert.equal(status.nodes.total, 0);
});

test('a node paired through the SDK comes up: onNodeStatus tells, every group answers', async () => {
  const off = cdc.onNodeStatus((nodeId, old, now) => statuses.push([nodeId, old, now]));
  await off.ready;
  node = await startNode(tc, ROUTER);
  const paired = await cdc.management.pairNode(node.pubkey, 'n1', { nodeExtra: { site: 'a' } });
  assert.equal(paired.node_id, 'n1');
  assert.deepEqual(paired.extra, { site: 'a' });
  await until(
    () => statuses.some(([id, , now]) => id === 'n1' && now === 'running'),
    20_000,
    'n1 running',
  );

  assert.deepEqual(await cdc.getNodesV1(), ['n1']);
  const running = await cdc.getNodesV2({ status: 'running' });
  assert.deepEqual(
    running.map((n) => n.node_id),
    ['n1'],
  );
  assert.deepEqual(Object.keys(await cdc.getNodes({ status: 'running' })), ['n1']);
  assert.deepEqual(await cdc.getNodes({ status: 'offline' }), {});
  assert.equal((await cdc.getNodeStatus('n1')).status, 'running');
  assert.ok((await cdc.management.listAccess()).some((a) => a.pubkey === owner.pubkey));

  assert.deepEqual(await cdc.remote.getNodeWorkers('n1'), ['router1']);
  assert.equal((await cdc.remote.getWorkerStatus('n1', 'router1')).status, 'started');
  const log = await cdc.remote.getWorkerLog('n1', 'router1', { limit: 3 });
  assert.ok(Array.isArray(log) && log.length <= 3);
  assert.deepEqual(
    (await cdc.config.listWorkers('n1')).map((w) => w.worker_id),
    [],
  );
  const stored = await cdc.config.createRouter('n1', 'r2', { realms: [{ name: 'realm2' }] });
  assert.equal(stored.desired, 'stopped');
  const state = await cdc.config.getRouter('n1', 'r2');
  assert.equal(state.status, 'stopped');
  await cdc.config.deleteRouter('n1', 'r2');
  const audit = await cdc.management.getAuditLog({ filter: { limit: 2 } });
  assert.equal(audit[0]?.procedure, 'io.crossbar.cdc.delete_router@1');
  await off();
});

test('the global realm: the account group, and can() there', async () => {
  const g = await connectCenter({ url: tc.url, key: owner.path, realm: GLOBAL_REALM });
  try {
    assert.equal(g.authrole, 'cdc-user');
    assert.ok(g.can('account.getUser') && g.can('account.registerUser'));
    assert.ok(!g.can('getStatus'));
    const me = await g.account.getUser();
    assert.equal(me.name, 'alice');
    assert.deepEqual(
      (await g.account.listManagementRealms()).map((r) => r.realm),
      ['sdk-realm'],
    );
  } finally {
    await g.close();
  }
});

test('errors carry their URI, message and payload', async () => {
  await assert.rejects(cdc.getNodeStatus('nope'), (e: unknown) => {
    assert.ok(isCdcError(e, CdcErrors.NO_SUCH_NODE), String(e));
    assert.match(e.message, /no node "nope"/);
    assert.equal(e.procedure, 'com.crossbario.cdc.get_node_status@1');
    return true;
  });
  await assert.rejects(cdc.getNodeStatus('Bad ID'), (e: unknown) =>
    isCdcError(e, WampErrors.INVALID_ARGUMENT),
  );
  await assert.rejects(
    cdc.config.createRouter('n1', 'r3', { realms: 'many' } as never),
    (e: unknown) => isCdcError(e, CdcErrors.INVALID_CONFIG) && /realms/.test(e.message),
  );
  // A bad call is refused before it is sent.
  await assert.rejects(
    (cdc.remote.getWorkerLog as (...a: unknown[]) => Promise<unknown>)('n1'),
    (e: unknown) => isCdcError(e, WampErrors.INVALID_ARGUMENT) && /workerId/.test(e.message),
  );
  await assert.rejects(loadKey(`${owner.path}.missing`), (e: unknown) =>
    isCdcError(e, WampErrors.CANNOT_AUTHENTICATE),
  );
});

test('a key without access is refused with not_authorized; no center is center_unreachable', async () => {
  const stranger = sshKey(tc, 'stranger');
  await assert.rejects(
    connectCenter({ url: tc.url, key: stranger.path, realm: 'sdk-realm' }),
    (e: unknown) => isCdcError(e, WampErrors.NOT_AUTHORIZED),
  );
  await assert.rejects(
    connectCenter({ url: 'ws://127.0.0.1:1/ws', key: owner.path }),
    (e: unknown) => isCdcError(e, CdcErrors.CENTER_UNREACHABLE) && /127\.0\.0\.1:1/.test(e.message),
  );
});

test('a passphrase-protected key signs in through ssh-agent; a Crossbar.io key file too', async () => {
  const locked = sshKey(tc, 'locked', 'open sesame');
  await cdc.management.grantAccess(locked.pubkey, 'cdc-devop', { label: 'locked' });
  await assert.rejects(
    connectCenter({ url: tc.url, key: locked.path, agentSocket: join(tc.dir, 'no-agent.sock') }),
    (e: unknown) =>
      isCdcError(e, WampErrors.CANNOT_AUTHENTICATE) && /passphrase-protected/.test(e.message),
  );
  const agent = await agentWith(tc, locked.path, 'open sesame');
  try {
    const viaAgent = await connectCenter({
      url: tc.url,
      key: locked.path,
      agentSocket: agent.socket,
    });
    assert.equal(viaAgent.authid, 'locked');
    assert.equal(viaAgent.authrole, 'cdc-devop');
    assert.ok(viaAgent.can('config.startRouter') && !viaAgent.can('config.createRouter'));
    await viaAgent.close();
  } finally {
    await agent.stop();
  }
  const nodeKeyDir = join(tc.dir, 'crossbar-key');
  mkdirSync(nodeKeyDir);
  const key = SigningKey.generate();
  await writeNodeKeyPair(nodeKeyDir, key);
  await cdc.management.grantAccess(key.publicKeyHex, 'cdc-guest', { label: 'keyfile' });
  const viaFile = await connectCenter({ url: tc.url, key: join(nodeKeyDir, 'key.priv') });
  assert.equal(viaFile.authid, 'keyfile');
  await viaFile.close();
});

test('a browser key over the browser transport: a guest sees what a guest may do', async () => {
  const store = browser.memoryKeyStore();
  const key = await browser.createKey(store);
  await cdc.management.grantAccess(key.publicKeyHex, 'cdc-guest', { label: 'browser' });
  const guest = await browser.connectCenter({
    url: tc.url,
    key,
    websocket: {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      serializers: ['msgpack'],
    },
  });
  try {
    assert.equal(guest.authid, 'browser');
    assert.equal(guest.authrole, 'cdc-guest');
    assert.ok(guest.can('getNodes') && !guest.can('config.startRouter'));
    assert.deepEqual(await guest.getNodesV1(), ['n1']);
    await assert.rejects(guest.config.stopRouter('n1', 'router1'), (e: unknown) =>
      isCdcError(e, WampErrors.NOT_AUTHORIZED),
    );
  } finally {
    await guest.close();
  }
  assert.equal(guest.state.status, 'closed');
  assert.equal(guest.state.reason, 'closed');
  await assert.rejects(guest.getStatus(), (e: unknown) =>
    isCdcError(e, CdcErrors.CENTER_UNREACHABLE),
  );
});

test('the center restarts: the client reconnects, its subscriptions come back', async (t) => {
  const client = await centerClient({
    url: tc.url,
    key: owner.path,
    retry: { initialDelay: 100, maxDelay: 500 },
  });
  // Closed even when the test fails: a client left retrying would keep the process alive.
  t.after(() => client.close());
  const states: ConnectionState['status'][] = [];
  client.onState((s) => states.push(s.status));
  await client.open();
  const seen: [string, NodeStatus][] = [];
  const off = client.onNodeStatus((id, _old, now) => seen.push([id, now]));
  await off.ready;
  // The node stays down until the client is back: were it running again before the client
  // had subscribed again, there would be no event left for the restored subscription to see.
  await node?.pause();
  await tc.restart();
  await until(
    () => client.state.status === 'connected' && states.includes('reconnecting'),
    20_000,
    'reconnected',
  );
  await node?.resume();
  // The node comes back too; its status events reach the restored subscription.
  await until(
    () => seen.some(([id, now]) => id === 'n1' && now === 'running'),
    20_000,
    'n1 running again',
  );
  assert.equal((await client.getStatus()).realm, 'sdk-realm');
  await off();
  await client.close();
  assert.deepEqual(states.slice(-1), ['closed']);
  assert.ok(states.indexOf('reconnecting') < states.lastIndexOf('connected'));
  assert.ok(!(client.state.error instanceof CdcError) || client.state.reason === 'closed');
});
