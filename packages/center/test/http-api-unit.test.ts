/**
 * The HTTP API's parts on their own: token secrets (format, salted hash, constant-time
 * check), the status of each error URI, request bodies, the rate limiter, limits from the
 * environment, and the OpenAPI document, validated by a real OpenAPI 3.1 validator and
 * checked to list every public procedure of management realms with its least role.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CdcErrors, PROCEDURES, USER_ROLES, procedureByUri, roleAtLeast } from '@cdc/api';
import { WampError } from '@cdc/protocol';
import { BodyError, parseCallBody } from '../src/http-api/body.js';
import { RateLimiter, limitsFromEnv } from '../src/http-api/limits.js';
import { openApiDocument } from '../src/http-api/openapi.js';
import { fromWamp, statusOf } from '../src/http-api/status.js';
import { hashSecret, makeToken, parseToken, secretMatches } from '../src/tokens/secret.js';

test("tokens - only the highest role makes tokens, so a token's role is at most its maker's", () => {
  // create_token has no role check of its own (backend/api-tokens.ts): the router lets only
  // callers of its least role in; were that lowered, a cdc-admin could make owner tokens.
  const top = USER_ROLES[USER_ROLES.length - 1];
  const create = procedureByUri().get('com.crossbario.cdc.management.create_token@1');
  assert.equal(create?.role, top);
  for (const role of USER_ROLES) assert.ok(roleAtLeast(top ?? '', role));
});

test('tokens - a made token parses back, its hash matches only its secret', () => {
  const t = makeToken();
  const p = parseToken(t.token);
  assert.equal(p?.token_id, t.token_id);
  assert.equal(hashSecret(t.salt, p.secret), t.hash);
  assert.ok(secretMatches(t.salt, t.hash, p.secret));
  assert.ok(!secretMatches(t.salt, t.hash, `${p.secret.slice(0, -1)}A`));
  assert.ok(!secretMatches(makeToken().salt, t.hash, p.secret), 'the salt matters');
  assert.notEqual(makeToken().token, t.token);
  for (const bad of [
    '',
    'cdc_',
    `cdc_${t.token_id}`,
    t.token.toUpperCase(),
    `${t.token}x`,
    ` ${t.token}`,
    `cdc_${t.token_id}_${'a'.repeat(42)}!`,
  ])
    assert.equal(parseToken(bad), undefined, bad);
});

test('status - each error URI has its status, anything else is 500', () => {
  const cases: [string, number][] = [
    ['wamp.error.invalid_argument', 400],
    [CdcErrors.INVALID_CONFIG, 400],
    ['wamp.error.authentication_failed', 401],
    ['wamp.error.not_authorized', 403],
    ['wamp.error.no_such_procedure', 404],
    [CdcErrors.NO_SUCH_NODE, 404],
    [CdcErrors.ROUTER_RUNNING, 409],
    [CdcErrors.ALREADY_EXISTS, 409],
    [CdcErrors.RATE_LIMITED, 429],
    [CdcErrors.NODE_OFFLINE, 503],
    [CdcErrors.DATABASE_UNAVAILABLE, 503],
    [CdcErrors.BAD_NODE_ANSWER, 500],
    ['wamp.error.runtime_error', 500],
    ['com.example.whatever', 500],
  ];
  for (const [uri, status] of cases) assert.equal(statusOf(uri), status, uri);
  const e = fromWamp(WampError.of(CdcErrors.NODE_OFFLINE, 'gone'));
  assert.deepEqual(
    [e.status, e.error, e.args, e.retryAfter],
    [503, CdcErrors.NODE_OFFLINE, ['gone'], 5],
  );
  const plain = fromWamp(new Error('boom'));
  assert.deepEqual(
    [plain.status, plain.error, plain.args],
    [500, 'wamp.error.runtime_error', ['boom']],
  );
});

test('body - {args, kwargs}, both optional; anything else is a 400 naming the problem', () => {
  assert.deepEqual(parseCallBody(Buffer.from('')), { args: [], kwargs: {} });
  assert.deepEqual(parseCallBody(Buffer.from(' {"args": [1], "kwargs": {"a": 2}} ')), {
    args: [1],
    kwargs: { a: 2 },
  });
  for (const bad of [
    '{',
    '[]',
    '1',
    '"x"',
    'null',
    '{"args": {}}',
    '{"kwargs": [1]}',
    '{"kwargs": null}',
    '{"x": 1}',
    '\u0000',
  ])
    assert.throws(
      () => parseCallBody(Buffer.from(bad)),
      (e: unknown) => e instanceof BodyError && e.answer.status === 400,
      bad,
    );
});

test('rate - a token bucket per key: the burst, then the rate, with the wait', () => {
  const r = new RateLimiter(10, 5);
  const t0 = 1_000_000;
  for (let i = 0; i < 5; i++) assert.equal(r.take('a', t0), 0);
  const wait = r.take('a', t0);
  assert.ok(wait > 0.09 && wait <= 0.1, String(wait));
  assert.equal(r.take('b', t0), 0, 'another key has its own bucket');
  assert.equal(r.take('a', t0 + 100), 0, 'a tenth of a second later: one more');
  assert.ok(r.take('a', t0 + 100) > 0);
});

test('limits - from CDC_HTTP_* with defaults; bad values refused by name', () => {
  const d = limitsFromEnv({});
  assert.deepEqual(d, {
    maxBodyBytes: 1048576,
    ratePerS: 50,
    burst: 100,
    requestTimeoutMs: 10000,
    corsOrigins: [],
  });
  const l = limitsFromEnv({
    CDC_HTTP_MAX_BODY: '2048',
    CDC_HTTP_RATE: '2.5',
    CDC_HTTP_BURST: '7',
    CDC_HTTP_TIMEOUT_MS: '500',
    CDC_HTTP_CORS_ORIGINS: 'https://ops.example.com, http://localhost:3000',
  });
  assert.deepEqual(l, {
    maxBodyBytes: 2048,
    ratePerS: 2.5,
    burst: 7,
    requestTimeoutMs: 500,
    corsOrigins: ['https://ops.example.com', 'http://localhost:3000'],
  });
  assert.throws(() => limitsFromEnv({ CDC_HTTP_RATE: '0' }), /CDC_HTTP_RATE/);
  assert.throws(() => limitsFromEnv({ CDC_HTTP_MAX_BODY: 'lots' }), /CDC_HTTP_MAX_BODY/);
  assert.throws(
    () => limitsFromEnv({ CDC_HTTP_CORS_ORIGINS: 'ops.example.com/path' }),
    /CDC_HTTP_CORS_ORIGINS/,
  );
});

test('openapi - a valid OpenAPI 3.1 document listing every public procedure of a realm', async () => {
  const doc = openApiDocument('0.0.0-test');
  const v = new Validator();
  const res = await v.validate(doc);
  assert.equal(res.valid, true, JSON.stringify(res.errors ?? null).slice(0, 2000));
  assert.equal(v.version, '3.1');
  const paths = doc['paths'] as Record<string, { post?: Record<string, unknown> }>;
  const wanted = PROCEDURES.filter((d) => d.group !== 'registration');
  assert.ok(wanted.length > 60);
  for (const d of wanted) {
    const op = paths[`/api/${d.name}@${d.version}`]?.post;
    assert.ok(op !== undefined, `${d.name}@${d.version} is missing`);
    assert.equal(op['x-cdc-least-role'], d.role);
    const responses = op['responses'] as Record<string, unknown>;
    for (const s of ['200', '400', '401', '403', '404', '429', '500', '503'])
      assert.ok(responses[s] !== undefined, `${d.name}: ${s}`);
  }
  assert.equal(Object.keys(paths).filter((p) => p !== '/api/events/{topic}').length, wanted.length);
  // The schemas in it compile as JSON Schema 2020-12 and judge a call's body.
  const ajv = new Ajv2020({ strict: false });
  const body = (
    paths['/api/com.crossbario.cdc.get_node_status@1']?.post?.['requestBody'] as {
      content: Record<string, { schema: object }>;
    }
  ).content['application/json']!.schema;
  const check = ajv.compile(body);
  assert.ok(check({ args: ['node1'] }));
  assert.ok(check({ kwargs: { node_id: 'node1' } }));
  assert.ok(!check({ args: [42] }));
  assert.ok(!check({ args: ['a', 'b'] }));
  assert.ok(!check({ other: 1 }));
});
