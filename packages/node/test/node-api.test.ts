/**
 * The node registers exactly the node API of the contract (`@cdc/api`): the controller its
 * procedures, a router worker and a container worker theirs; and a router worker answers
 * `get_router_config` with what runs, live changes included.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from '@cdc/client';
import { CONTROLLER_PROCEDURES, nodeCall, parseLocalUri, workerProcedures } from '@cdc/api';
import type { NodeArgs, NodeProcedure, NodeResult } from '@cdc/api';
import { OPEN_ROLE, startNode } from './helpers.js';
import type { TestNode } from './helpers.js';

let node: TestNode;
const ENDPOINT = { type: 'tcp', port: 0, interface: '127.0.0.1' };

async function callNode<K extends NodeProcedure>(
  s: Session,
  name: K,
  args: NodeArgs<K>,
): Promise<NodeResult<K>> {
  const c = nodeCall(name, args);
  return c.answer((await s.call(c.uri, c.args)).value, 'the node');
}

before(async () => {
  node = await startNode({
    version: 2,
    workers: [
      {
        type: 'router',
        id: 'router1',
        options: { title: 'router one' },
        realms: [{ id: 'realm1', name: 'realm1', roles: [OPEN_ROLE] }],
        transports: [
          { type: 'websocket', id: 'ws1', endpoint: ENDPOINT },
          {
            type: 'web',
            id: 'web1',
            endpoint: ENDPOINT,
            paths: { '/': { type: 'json', value: 1 }, ws: { type: 'websocket' } },
          },
        ],
      },
      { type: 'container', id: 'c1' },
    ],
  });
});
after(() => node.stop());

test('node api - the controller and each worker register exactly the procedures of the contract', async () => {
  const s = node.session;
  const list = (await s.call('wamp.registration.list')).value as Record<string, number[]>;
  const ids = [...(list['exact'] ?? []), ...(list['prefix'] ?? []), ...(list['wildcard'] ?? [])];
  const byOwner = new Map<string, string[]>();
  for (const id of ids) {
    const info = (await s.call('wamp.registration.get', [id])).value as { uri: string };
    const at = parseLocalUri(info.uri);
    if (at === undefined) continue;
    const owner = at.workerId ?? 'controller';
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), at.name]);
  }
  const sorted = (xs: readonly string[]): string[] => [...xs].sort();
  assert.deepEqual(
    sorted(byOwner.get('controller') ?? []),
    sorted(Object.keys(CONTROLLER_PROCEDURES)),
  );
  assert.deepEqual(
    sorted(byOwner.get('router1') ?? []),
    sorted(workerProcedures('router').map((d) => d.name)),
  );
  assert.deepEqual(
    sorted(byOwner.get('c1') ?? []),
    sorted(workerProcedures('container').map((d) => d.name)),
  );
});

test('node api - get_router_config is the running router, every part with its ID, live changes included', async () => {
  const s = node.session;
  const first = await callNode(s, 'worker.get_router_config', ['router1']);
  assert.equal(first.type, 'router');
  assert.equal(first.id, 'router1');
  assert.deepEqual(first.options, { title: 'router one' });
  assert.deepEqual(first.realms, [
    { id: 'realm1', name: 'realm1', roles: [{ ...OPEN_ROLE, id: 'anonymous' }] },
  ]);
  const transports = first.transports ?? [];
  assert.deepEqual(
    transports.map((t) => t.id),
    ['web1', 'ws1'],
  );
  const web = transports.find((t) => t.id === 'web1');
  assert.ok(web?.type === 'web');
  assert.deepEqual(Object.keys(web.paths).sort(), ['/', 'ws']);
  assert.deepEqual(first.components, []);

  await callNode(s, 'worker.start_web_transport_service', [
    'router1',
    'web1',
    'info',
    { type: 'json', value: { a: 1 } },
  ]);
  await callNode(s, 'worker.stop_router_realm_role', ['router1', 'realm1', 'anonymous']);
  await callNode(s, 'worker.start_router_realm', ['router1', 'realm2', { name: 'realm2' }]);
  const next = await callNode(s, 'worker.get_router_config', ['router1']);
  assert.deepEqual(next.realms, [
    { id: 'realm1', name: 'realm1', roles: [] },
    { id: 'realm2', name: 'realm2', roles: [] },
  ]);
  const web2 = next.transports?.find((t) => t.id === 'web1');
  assert.ok(web2?.type === 'web');
  assert.deepEqual(web2.paths['info'], { type: 'json', value: { a: 1 } });
  assert.deepEqual(Object.keys(web2.paths).sort(), ['/', 'info', 'ws']);
});
