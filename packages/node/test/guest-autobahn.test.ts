/**
 * A guest worker running a real autobahn-python component (Debian's python3-autobahn)
 * against the node's own router worker; a client calls the procedure it registered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { FIXTURES, OPEN_ROLE, call, startNode, until } from './helpers.js';
import type { TestNode } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const skip = existsSync(PYTHON) ? false : 'Debian python3-autobahn is not installed';
let node: TestNode | undefined;

before(async () => {
  if (skip !== false) return;
  node = await startNode({
    version: 2,
    workers: [
      {
        type: 'router',
        id: 'router1',
        realms: [{ name: 'realm1', roles: [OPEN_ROLE] }],
        transports: [
          {
            type: 'websocket',
            id: 'ws1',
            endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
          },
        ],
      },
    ],
  });
});
after(() => node?.stop());

test("guest - an autobahn-python component against the node's own router", { skip }, async () => {
  const n = node!;
  const t = await call<{ address: { port: number } }>(
    n.session,
    'crossbar.worker.router1.get_router_transport',
    ['ws1'],
  );
  const url = `ws://127.0.0.1:${t.address.port}/ws`;
  await call(n.session, 'crossbar.start_worker', [
    'ab1',
    'guest',
    {
      executable: PYTHON,
      arguments: ['-u', join(FIXTURES, 'ab_component.py'), url, 'realm1'],
      options: { stdout: 'log', stderr: 'log' },
    },
  ]);
  await until(
    async () =>
      (await call<{ message: string }[]>(n.session, 'crossbar.get_worker_log', ['ab1'])).some((e) =>
        e.message.includes('ab component ready'),
      ),
    15_000,
    'the autobahn component to join',
  );
  const client = await joinSession(await connect(url), { realm: 'realm1' });
  assert.equal(
    (await client.call('com.example.ab.greet', ['cdc'])).value,
    'hello cdc from autobahn-python',
  );
  await client.leave();
  await call(n.session, 'crossbar.stop_worker', ['ab1']);
  const w = await call<Record<string, unknown>>(n.session, 'crossbar.get_worker', ['ab1']);
  assert.equal(w['status'], 'stopped');
});
