import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WampError as ProtocolWampError, WampErrors } from '@cdc/protocol';
import * as client from '../src/index.js';

// <pkg>/dist/test/api.test.js → <pkg>/src
const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

test('api - the session core runs in browsers: no Node built-ins in src', () => {
  const offenders = files(srcDir).filter((f) => {
    const text = readFileSync(f, 'utf8');
    return /from '(node:|fs|net|tls|crypto|events)/.test(text) || /\b(process|Buffer)\./.test(text);
  });
  assert.deepEqual(offenders, []);
});

test('api - exports by name', () => {
  for (const name of [
    'joinSession',
    'Session',
    'Connection',
    'CallResult',
    'ProgressiveCall',
    'AbortError',
    'SessionClosedError',
    'TransportLostError',
    'CanceledError',
    'WampError',
    'deriveCraKey',
    'craSignature',
    'retryDelay',
    'defaultShouldRetry',
  ]) {
    assert.ok(name in client, `${name} is exported`);
  }
  assert.equal(client.WampError, ProtocolWampError);
});

test('api - error classes are WampErrors with stable URIs', () => {
  const errors = [
    new client.AbortError(WampErrors.NO_SUCH_REALM, { message: 'm' }),
    new client.SessionClosedError(),
    new client.TransportLostError(),
    new client.CanceledError(),
  ];
  assert.deepEqual(
    errors.map((e) => [e instanceof ProtocolWampError, e.name, e.uri]),
    [
      [true, 'AbortError', WampErrors.NO_SUCH_REALM],
      [true, 'SessionClosedError', 'wamp.close.normal'],
      [true, 'TransportLostError', 'wamp.close.transport_lost'],
      [true, 'CanceledError', WampErrors.CANCELED],
    ],
  );
  assert.ok(new client.TransportLostError() instanceof client.SessionClosedError);
});

test('api - default retry policy', () => {
  assert.equal(client.defaultShouldRetry(new client.AbortError(WampErrors.NOT_AUTHORIZED)), false);
  assert.equal(client.defaultShouldRetry(new client.AbortError(WampErrors.NO_SUCH_REALM)), false);
  assert.equal(
    client.defaultShouldRetry(new client.AbortError('com.crossbario.cdc.error.node_unpaired')),
    true,
  );
  assert.equal(client.defaultShouldRetry(new client.TransportLostError()), true);
  assert.equal(client.defaultShouldRetry(new Error('ECONNREFUSED')), true);
});
