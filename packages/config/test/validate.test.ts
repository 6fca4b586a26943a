import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  routerWorkersFromConfig,
  validateNodeConfig,
  validateRouterWorker,
  check,
} from '../src/index.js';

const router = {
  type: 'router',
  realms: [
    {
      name: 'realm1',
      roles: [
        {
          name: 'anonymous',
          permissions: [
            {
              uri: '',
              match: 'prefix',
              allow: { call: true, register: true, publish: true, subscribe: true },
            },
          ],
        },
        { name: 'dyn', authorizer: 'com.example.authorize' },
      ],
    },
  ],
  transports: [
    {
      type: 'websocket',
      endpoint: { type: 'tcp', port: 8080 },
      serializers: ['json', 'cbor'],
      auth: { anonymous: { type: 'static', role: 'anonymous' } },
    },
    { type: 'rawsocket', endpoint: { type: 'unix', path: '/tmp/x.sock' } },
    {
      type: 'universal',
      endpoint: { type: 'tcp', port: 8081, tls: { key: 'k.pem', certificate: 'c.pem' } },
      rawsocket: { serializers: ['msgpack'] },
      websocket: {
        ws: {
          auth: {
            ticket: { type: 'static', principals: { joe: { ticket: 't', role: 'anonymous' } } },
          },
        },
      },
      web: { paths: { '/': { type: 'static', directory: '.' }, info: { type: 'nodeinfo' } } },
    },
    {
      type: 'web',
      endpoint: { type: 'tcp', port: 8082 },
      paths: {
        ws: {
          type: 'websocket',
          auth: { cryptosign: { type: 'dynamic', authenticator: 'com.example.auth' } },
        },
        pub: { type: 'publisher', realm: 'realm1', role: 'anonymous' },
      },
    },
  ],
  components: [
    { type: 'module', path: './c.js', realm: 'realm1', role: 'anonymous', extra: { a: 1 } },
  ],
};

function issues(f: () => unknown): { path: string; message: string }[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.uri, 'crossbar.error.invalid_configuration');
    return e.issues;
  }
  assert.fail('expected a ConfigError');
}

test('config - a full router worker validates and gets IDs', () => {
  const w = validateRouterWorker(router);
  assert.equal(w.realms?.[0]?.id !== undefined, true);
  assert.deepEqual(
    w.transports?.map((t) => t.id),
    ['transport001', 'transport002', 'transport003', 'transport004'],
  );
  assert.equal(w.components?.[0]?.id, 'component001');
});

test('config - node config with all worker types', () => {
  const cfg = validateNodeConfig({
    version: 2,
    controller: { cdc: { url: 'ws://127.0.0.1:9000/ws' } },
    workers: [
      { ...router, id: 'router1' },
      {
        type: 'container',
        components: [
          {
            type: 'module',
            path: 'x.js',
            realm: 'realm1',
            transport: {
              type: 'websocket',
              endpoint: { type: 'tcp', host: '127.0.0.1', port: 8080 },
              url: 'ws://127.0.0.1:8080/ws',
            },
          },
        ],
      },
      {
        type: 'guest',
        executable: '/usr/bin/env',
        arguments: ['true'],
        options: { stdout: 'log', workdir: '/tmp', env: { inherit: true, vars: { A: 'b' } } },
      },
    ],
  });
  assert.deepEqual(
    cfg.workers?.map((w) => w.id),
    ['router1', 'worker001', 'worker002'],
  );
});

test('config - every error names the path of the bad field', () => {
  const bad = structuredClone(router) as Record<string, unknown>;
  (bad['transports'] as Record<string, unknown>[])[0]!['endpoint'] = { type: 'tcp', port: 70000 };
  (bad['realms'] as Record<string, unknown>[])[0]!['name'] = '1bad';
  (bad['transports'] as Record<string, unknown>[])[1]!['colour'] = 'blue';
  const got = issues(() => validateRouterWorker(bad));
  const paths = got.map((i) => i.path);
  assert.ok(paths.includes('transports[0].endpoint.port'), JSON.stringify(got));
  assert.ok(paths.includes('realms[0].name'), JSON.stringify(got));
  const unknown = got.find((i) => i.path === 'transports[1]');
  assert.match(unknown?.message ?? '', /unknown field "colour"/);
});

test('config - unknown types, missing fields, bad IDs and duplicates', () => {
  let got = issues(() => validateNodeConfig({ version: 2, workers: [{ type: 'robot' }] }));
  assert.equal(got[0]?.path, 'workers[0].type');
  got = issues(() => validateNodeConfig({ version: 2, workers: [{ type: 'guest' }] }));
  assert.deepEqual(got[0], { path: 'workers[0]', message: 'missing required field "executable"' });
  got = issues(() =>
    validateNodeConfig({ version: 2, workers: [{ type: 'router', id: 'Bad ID' }] }),
  );
  assert.equal(got[0]?.path, 'workers[0].id');
  got = issues(() =>
    validateNodeConfig({
      version: 2,
      workers: [
        { type: 'router', id: 'r1' },
        { type: 'container', id: 'r1' },
      ],
    }),
  );
  assert.match(got[0]?.message ?? '', /"r1" is used twice/);
  got = issues(() => validateNodeConfig({ version: 1 }));
  assert.equal(got[0]?.path, 'version');
  got = issues(() =>
    validateRouterWorker({ type: 'router', realms: [{ name: 'realm1' }, { name: 'realm1' }] }),
  );
  assert.match(got[0]?.message ?? '', /defined twice/);
  got = issues(() => check('role', { name: 'x', permissions: [], authorizer: 'com.a' }));
  assert.match(got[0]?.message ?? '', /exclude each other/);
  got = issues(() =>
    check('transport', {
      type: 'websocket',
      endpoint: { type: 'tcp', port: 1 },
      auth: {
        cryptosign: { type: 'static', principals: { a: { role: 'x', authorized_keys: ['zz'] } } },
      },
    }),
  );
  assert.equal(got[0]?.path, 'auth.cryptosign.principals.a.authorized_keys[0]');
});

test('config - router start accepts a router entry or a node config', () => {
  assert.equal(routerWorkersFromConfig(router).length, 1);
  assert.equal(routerWorkersFromConfig({ version: 2, workers: [router, { ...router }] }).length, 2);
  const got = issues(() =>
    routerWorkersFromConfig({ version: 2, workers: [{ type: 'guest', executable: 'x' }] }),
  );
  assert.match(got[0]?.message ?? '', /no router worker/);
});
