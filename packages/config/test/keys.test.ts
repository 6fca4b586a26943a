/**
 * No silently ignored key: every key the config schemas accept is either read by the code
 * that implements it, fixed to the one value CDC always behaves as (`const`), or refused
 * by name (`unsupported(…)` in the schema: "… is not supported by CDC").
 *
 * The walk finds every key, grouped by the object that holds it. READ_BY names, per group,
 * the source files that consume that object; each accepted key must be mentioned in one
 * of them (as `.key`, `'key'`, `key:` and the like). A key added to a schema fails here
 * until its group's reader reads it, or the schema refuses it; a group added fails until
 * it is given its readers; a stale group fails too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, check } from '../src/index.js';
import { schemaKeys } from './schema-walk.js';

/** The repository root (this file runs from packages/config/dist/test/). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

const HOST = 'packages/router-host/src/host.ts';
const TRANSPORTS = 'packages/router-host/src/transports.ts';
const TLS = 'packages/router-host/src/tls.ts';
const COOKIES = 'packages/router-host/src/cookies.ts';
const WEB = 'packages/router-host/src/web/services.ts';
const COMPONENTS = 'packages/router-host/src/components.ts';
const AUTH = 'packages/router/src/auth/';
const DYNAMIC = `${AUTH}dynamic.ts`;
const UPLINK = 'packages/node/src/uplink/config.ts';
const WORKER = 'packages/node/src/controller/worker-process.ts';
const WORKERS = 'packages/node/src/controller/workers.ts';

/** Who reads each group's keys. */
const READ_BY: Record<string, string[]> = {
  node: ['packages/config/src/validate.ts', 'packages/node/src/controller/controller.ts'],
  'node.controller': ['packages/node/src/controller/controller.ts', UPLINK],
  'node.controller.options': ['packages/node/src/controller/controller.ts'],
  'node.controller.cdc': [UPLINK],
  'node.controller.cdc.transport': [UPLINK],
  'node.controller.cdc.transport.endpoint': [UPLINK],
  'node.controller.cdc.transport.endpoint.tls': [UPLINK],
  'node.controller.cdc.heartbeat': [UPLINK],
  'node.controller.fabric': [UPLINK],
  'node.controller.fabric.transport': [UPLINK],
  'node.controller.fabric.transport.endpoint': [UPLINK],
  'node.controller.fabric.transport.endpoint.tls': [UPLINK],
  'node.controller.fabric.heartbeat': [UPLINK],
  'node.workers[][container]': [WORKERS, 'packages/node/src/worker/main.ts'],
  'node.workers[][container].options': [WORKERS, WORKER, 'packages/node/src/worker/main.ts'],
  'node.workers[][container].options.env': [WORKER],
  'node.workers[][guest]': [WORKER],
  'node.workers[][guest].options': [WORKER, WORKERS],
  'node.workers[][guest].options.env': [WORKER],
  permission: ['packages/router/src/authorization/static-role.ts'],
  'permission.allow': ['packages/router/src/authorization/static-role.ts'],
  'permission.disclose': ['packages/router/src/authorization/static-role.ts'],
  role: [
    'packages/router/src/authorization/static-role.ts',
    'packages/router/src/authorization/authorizer.ts',
    HOST,
  ],
  realm: ['packages/router/src/realm.ts', 'packages/router/src/broker/broker.ts', HOST],
  'realm.options': ['packages/router/src/realm.ts'],
  'realm.store': ['packages/router/src/broker/broker.ts'],
  'realm.store.event-history[]': ['packages/router/src/broker/history.ts'],
  'endpoint[tcp]': [TLS],
  'endpoint[tcp].tls': [TLS],
  'endpoint[unix]': [TLS],
  auth: [`${AUTH}index.ts`],
  'auth.cookie': [],
  'auth.anonymous[static]': [`${AUTH}anonymous.ts`],
  'auth.anonymous[dynamic]': [DYNAMIC],
  'auth.ticket[static]': [`${AUTH}ticket.ts`],
  'auth.ticket[static].principals.*': [`${AUTH}ticket.ts`],
  'auth.ticket[dynamic]': [DYNAMIC],
  'auth.wampcra[static]': [`${AUTH}wampcra.ts`],
  'auth.wampcra[static].users.*': [`${AUTH}wampcra.ts`],
  'auth.wampcra[dynamic]': [DYNAMIC],
  'auth.cryptosign[static]': [`${AUTH}cryptosign.ts`],
  'auth.cryptosign[static].principals.*': [`${AUTH}cryptosign.ts`],
  'auth.cryptosign[dynamic]': [DYNAMIC],
  'auth.scram[static]': [`${AUTH}scram.ts`],
  'auth.scram[static].principals.*': [`${AUTH}scram.ts`],
  'auth.scram[dynamic]': [DYNAMIC],
  'auth.tls[static]': [`${AUTH}tls.ts`],
  'auth.tls[static].principals.*': [`${AUTH}tls.ts`],
  'auth.tls[dynamic]': [DYNAMIC],
  websocketOptions: [TRANSPORTS],
  'websocketOptions.compression': [TRANSPORTS],
  'websocketOptions.compression.deflate': [TRANSPORTS],
  cookie: [COOKIES],
  'cookie.store[memory]': [COOKIES],
  'cookie.store[file]': [COOKIES],
  'webPath[static]': [WEB],
  'webPath[static].options': [WEB],
  'webPath[websocket]': [TRANSPORTS],
  'webPath[redirect]': [WEB],
  'webPath[nodeinfo]': [WEB],
  'webPath[publisher]': [WEB],
  'webPath[publisher].options': [],
  'webPath[caller]': [WEB],
  'webPath[caller].options': [],
  'webPath[json]': [WEB],
  'transport[websocket]': [TRANSPORTS, HOST],
  'transport[rawsocket]': [TRANSPORTS, HOST],
  'transport[universal]': [TRANSPORTS, HOST],
  'transport[universal].rawsocket': [TRANSPORTS],
  'transport[universal].websocket.*': [TRANSPORTS],
  'transport[universal].web': [TRANSPORTS],
  'transport[web]': [TRANSPORTS, HOST],
  'transport[web].options': [],
  clientTransport: [COMPONENTS],
  'clientTransport.endpoint': [COMPONENTS],
  'clientTransport.endpoint.tls': [COMPONENTS],
  component: [COMPONENTS],
  routerWorker: [HOST, WORKERS],
  'routerWorker.options': [WORKERS, WORKER, 'packages/node/src/worker/main.ts', HOST],
  'routerWorker.options.limits': [
    'packages/router/src/limits.ts',
    'packages/router-host/src/limits.ts',
  ],
  'routerWorker.options.env': [WORKER],
};

/** Keys a group's readers need not mention, with the reason. */
const NOT_READ: Record<string, string> = {
  'node.$schema': 'a hint for editors, as in any JSON document',
  'realm.options.enable_meta_api': 'fixed',
};

function mentions(source: string, key: string): boolean {
  const k = key.replace(/[-[\]]/g, '\\$&');
  return new RegExp(`(\\.${k}\\b|['"\`]${k}['"\`]|\\b${k}\\??:|[{,]\\s*${k}\\s*[,}=])`).test(
    source,
  );
}

test('config keys - every accepted key is read by the code that implements it', () => {
  const keys = schemaKeys();
  const problems: string[] = [];
  for (const group of keys.keys()) {
    if (READ_BY[group] === undefined) problems.push(`${group}: no readers named in READ_BY`);
  }
  for (const group of Object.keys(READ_BY)) {
    if (!keys.has(group)) problems.push(`${group}: in READ_BY but not in the schemas`);
  }
  for (const [group, ks] of keys) {
    const files = READ_BY[group] ?? [];
    const sources = files.map((f) => [f, readFileSync(`${ROOT}${f}`, 'utf8')] as const);
    for (const [key, kind] of ks) {
      if (kind !== 'read' || NOT_READ[`${group}.${key}`] !== undefined) continue;
      if (!sources.some(([, src]) => mentions(src, key))) {
        problems.push(
          `${group}.${key}: accepted, but none of ${files.join(', ') || '(no readers)'} reads it`,
        );
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('config keys - an unsupported Crossbar.io key is refused by name', () => {
  const refusals: [string, unknown, RegExp][] = [
    [
      'transport',
      {
        type: 'websocket',
        endpoint: { type: 'tcp', port: 8080 },
        options: { fail_by_drop: true, auto_ping_interval: 1000 },
      },
      /options\.fail_by_drop: is not supported by CDC/,
    ],
    [
      'webPath',
      { type: 'publisher', realm: 'realm1', role: 'anonymous', options: { secret: 'x', key: 'k' } },
      /options\.secret: is not supported by CDC/,
    ],
    [
      'realm',
      { name: 'realm1', options: { bridge_meta_api: true } },
      /bridge_meta_api: is not supported/,
    ],
    [
      'realm',
      { name: 'realm1', options: { enable_meta_api: false } },
      /enable_meta_api: must be true/,
    ],
    [
      'transport',
      { type: 'websocket', endpoint: { type: 'tcp', port: 1 }, options: { no_such: 1 } },
      /unknown field "no_such"/,
    ],
  ];
  for (const [kind, value, re] of refusals) {
    assert.throws(
      () => check(kind as 'transport', value),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
      String(re),
    );
  }
});
