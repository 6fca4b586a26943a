/**
 * Property tests (fast-check) of the config validators: for any JSON value, and for valid
 * configs with random changes, `check` of every kind and the node and router worker
 * validators either accept or throw a ConfigError naming a path; never anything else, and
 * never a change to the value they were given.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, check, validateNodeConfig, validateRouterWorker } from '../src/index.js';
import type { ConfigKind } from '../src/index.js';

/** `CDC_FUZZ_RUNS` for the long runs of `bench/fuzz.mjs` (this package has no testkit). */
const RUNS = Number(process.env['CDC_FUZZ_RUNS'] ?? 200);
const KINDS: ConfigKind[] = [
  'node',
  'routerWorker',
  'worker',
  'realm',
  'role',
  'transport',
  'component',
  'webPath',
];

const VALID_NODE = {
  version: 2,
  controller: {},
  workers: [
    {
      type: 'router',
      options: { limits: { max_pending_per_address: 10 } },
      realms: [{ name: 'realm1', roles: [{ name: 'anonymous', permissions: [] }] }],
      transports: [
        {
          type: 'websocket',
          endpoint: { type: 'tcp', port: 8080 },
          options: { max_message_size: 65536, open_handshake_timeout: 5000 },
        },
      ],
    },
  ],
};

function onlyConfigErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `unexpected ${String(e)}`);
    assert.ok(e.issues.length > 0 && e.message.length > 0);
  }
}

/** Set `value` at a random path inside `root` (a copy). */
function mutate(root: unknown, path: number[], value: unknown): unknown {
  const copy = structuredClone(root);
  let at: unknown = copy;
  for (const step of path) {
    if (typeof at !== 'object' || at === null) break;
    const keys = Object.keys(at);
    if (keys.length === 0) break;
    const key = keys[step % keys.length]!;
    const next = (at as Record<string, unknown>)[key];
    if (typeof next !== 'object' || next === null) {
      (at as Record<string, unknown>)[key] = value;
      return copy;
    }
    at = next;
  }
  if (typeof at === 'object' && at !== null) (at as Record<string, unknown>)['x'] = value;
  return copy;
}

test('fuzz - every config kind: any JSON value is accepted or a ConfigError, and is not changed', () => {
  fc.assert(
    fc.property(fc.constantFrom(...KINDS), fc.jsonValue(), (kind, value) => {
      const before = JSON.stringify(value);
      onlyConfigErrors(() => check(kind, value));
      assert.equal(JSON.stringify(value), before);
    }),
    { numRuns: RUNS },
  );
});

test('fuzz - a valid node config changed anywhere validates or names what is wrong', () => {
  assert.doesNotThrow(() => validateNodeConfig(VALID_NODE));
  fc.assert(
    fc.property(fc.array(fc.nat(), { maxLength: 8 }), fc.jsonValue(), (path, value) => {
      const cfg = mutate(VALID_NODE, path, value);
      onlyConfigErrors(() => validateNodeConfig(cfg));
      const worker = (cfg as { workers?: unknown[] }).workers?.[0];
      onlyConfigErrors(() => validateRouterWorker(worker));
    }),
    { numRuns: RUNS },
  );
});
