/**
 * API tokens and the HTTP API (SPEC §7) against a real center with a real node: tokens made
 * by the owner (secret once, hash kept, bad input refused), every status code of the HTTP
 * API, the same answers over HTTP as over WAMP for procedures of every group, a guest token
 * refused a start with nothing happening on the node, revoked and expired tokens refused,
 * the audit naming the token, Server-Sent Events, and bad input of every kind while the
 * center keeps serving.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { controllerUri } from '@cdc/api';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import type { SigningKey } from '@cdc/cryptosign';
import { SigningKey as Key } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import {
  OPEN_ROUTER,
  join,
  ownedRealm,
  rejectsWith,
  startCenter,
  startNode,
  until,
} from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';
import { http, httpBase, post, raw, sse } from './http-api-helpers.js';

const run = promisify(execFile);
const M = 'com.crossbario.cdc.management.';
const CFG = 'io.crossbar.cdc.';

let c: TestCenter;
let owner: SigningKey;
let s: Session;
let node: TestNode;
let base: string;
const tokens: Record<string, string> = {};

async function makeToken(label: string, role: string, expires?: number): Promise<string> {
  const r = await s.call(
    `${M}create_token@1`,
    [label, role],
    expires !== undefined ? { expires_in_s: expires } : {},
  );
  return (r.value as { token: string }).token;
}

before(async () => {
  c = await startCenter({
    httpApi: { ratePerS: 20, burst: 40, requestTimeoutMs: 1500, maxBodyBytes: 64 * 1024 },
  });
  base = httpBase(c.url);
  owner = await ownedRealm(c, 'ops');
  s = await join(c, owner, 'ops');
  node = await startNode(c);
  await s.call(`${M}pair_node@1`, [node.pubkey, 'node1']);
  await until(() => node.controller.uplink?.managed === true, 10_000, 'node1 managed');
  tokens['owner'] = await makeToken('ci-owner', 'cdc-owner');
  tokens['devop'] = await makeToken('deployer', 'cdc-devop');
  tokens['guest'] = await makeToken('viewer', 'cdc-guest');
});
after(async () => {
  await s.leave().catch(() => undefined);
  await node.stop().catch(() => undefined);
  await c.stop();
});

test('tokens - the owner makes one: secret once, listed without it, last use recorded', async () => {
  const made = (
    await s.call(`${M}create_token@1`, ['nightly', 'cdc-devop'], { expires_in_s: 3600 })
  ).value as Record<string, unknown>;
  assert.match(made['token'] as string, /^cdc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  assert.ok(Math.abs(Date.parse(made['expires_at'] as string) - Date.now() - 3_600_000) < 60_000);
  const stored = await c.center.domain.getToken(made['token_id'] as string);
  assert.ok(stored !== undefined);
  assert.ok(
    !JSON.stringify(stored).includes((made['token'] as string).slice(21)),
    'the secret is not stored',
  );
  const list = (await s.call(`${M}list_tokens@1`)).value as Record<string, unknown>[];
  const mine = list.find((t) => t['label'] === 'nightly');
  assert.deepEqual(Object.keys(mine ?? {}).sort(), [
    'created',
    'created_by',
    'expires_at',
    'label',
    'last_used',
    'role',
    'token_id',
  ]);
  assert.equal(mine?.['created_by'], 'alice');
  assert.equal(mine['last_used'], null);
  assert.equal(
    (await post(base, 'com.crossbario.cdc.get_status@1', made['token'] as string)).status,
    200,
  );
  await until(
    async () => (await c.center.domain.getToken(made['token_id'] as string))?.last_used !== null,
    5000,
    'last_used written',
  );
  // The audit keeps the call but masks the secret-looking result-free args; no token in it.
  const audit = (
    await s.call(`${M}get_audit_log@1`, [], { filter: { procedure: `${M}create_token@1` } })
  ).value as Record<string, unknown>[];
  assert.ok(audit.length >= 1);
  assert.ok(!JSON.stringify(audit).includes('cdc_'));
});

test('tokens - bad input is refused with the right error and nothing is made', async () => {
  const before = ((await s.call(`${M}list_tokens@1`)).value as unknown[]).length;
  await rejectsWith(
    s.call(`${M}create_token@1`, ['has space', 'cdc-guest']),
    'wamp.error.invalid_argument',
    /label/,
  );
  await rejectsWith(
    s.call(`${M}create_token@1`, ['', 'cdc-guest']),
    'wamp.error.invalid_argument',
    /label/,
  );
  await rejectsWith(
    s.call(`${M}create_token@1`, ['x', 'root']),
    'wamp.error.invalid_argument',
    /role/,
  );
  await rejectsWith(
    s.call(`${M}create_token@1`, ['x', 'cdc-node']),
    'wamp.error.invalid_argument',
    /role/,
  );
  for (const e of [0, -5, 1.5, 'soon', 1e12])
    await rejectsWith(
      s.call(`${M}create_token@1`, ['x', 'cdc-guest'], { expires_in_s: e }),
      'wamp.error.invalid_argument',
      /expires_in_s/,
    );
  await rejectsWith(
    s.call(`${M}create_token@1`, ['viewer', 'cdc-guest']),
    'com.crossbario.cdc.error.already_exists',
    /viewer/,
  );
  await rejectsWith(
    s.call(`${M}revoke_token@1`, ['0123456789abcdef']),
    'com.crossbario.cdc.error.no_such_token',
  );
  await rejectsWith(s.call(`${M}revoke_token@1`, []), 'wamp.error.invalid_argument');
  assert.equal(((await s.call(`${M}list_tokens@1`)).value as unknown[]).length, before);
  // Only an owner manages tokens: a devop token's session may not.
  const r = await post(base, `${M}create_token@1`, tokens['devop'], ['escalate', 'cdc-owner']);
  assert.equal(r.status, 403);
  assert.equal(r.body['error'], 'wamp.error.not_authorized');
});

test('http - 200 with the same answer as over WAMP, for procedures of every group', async () => {
  const samples: [string, unknown[], string[]][] = [
    ['com.crossbario.cdc.get_nodes@1', [], []],
    [
      'com.crossbario.cdc.get_node_status@1',
      ['node1'],
      ['last_seen', 'heartbeat', 'heartbeat_time'],
    ],
    ['com.crossbario.cdc.general.get_status', [], ['now', 'uptime']],
    ['com.crossbario.cdc.remote.get_node_workers@1', ['node1'], []],
    [`${CFG}list_workers@1`, ['node1'], []],
    [`${M}list_access@1`, [], []],
  ];
  const strip = (v: unknown, drop: string[]): unknown =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).filter(([k]) => !drop.includes(k)))
      : v;
  for (const [proc, args, drop] of samples) {
    const wamp = (await s.call(proc, args)).args;
    const r = await post(base, proc, tokens['owner'], args);
    assert.equal(r.status, 200, `${proc}: ${r.text}`);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(r.body['kwargs'], {});
    assert.deepEqual(strip((r.body['args'] as unknown[])[0], drop), strip(wamp[0], drop), proc);
  }
  // Arguments by keyword, and an empty body.
  const kw = await post(base, 'com.crossbario.cdc.get_node_status@1', tokens['guest'], [], {
    node_id: 'node1',
  });
  assert.equal((kw.body['args'] as { node_id: string }[])[0]?.node_id, 'node1');
  const empty = await http(base, 'POST', '/api/com.crossbario.cdc.get_nodes@1', {
    token: tokens['guest'],
  });
  assert.deepEqual(empty.body['args'], [['node1']]);
});

test('http - 401 for no, malformed, unknown, wrong, revoked and expired tokens', async () => {
  const proc = '/api/com.crossbario.cdc.get_status@1';
  const expiring = await makeToken('short-lived', 'cdc-guest', 1);
  const revoked = await makeToken('revoked', 'cdc-guest');
  assert.equal((await post(base, 'com.crossbario.cdc.get_status@1', revoked)).status, 200);
  const id = revoked.slice(4, 20);
  assert.equal(
    ((await s.call(`${M}revoke_token@1`, [id])).value as { label: string }).label,
    'revoked',
  );
  const wrong = `${tokens['guest']!.slice(0, 21)}${'A'.repeat(43)}`;
  const unknown = `cdc_0000000000000000_${'A'.repeat(43)}`;
  await new Promise((r) => setTimeout(r, 1100));
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /Authorization: Bearer/],
    [{ Authorization: 'Basic dXNlcjpwYXNz' }, /Authorization: Bearer/],
    [{ Authorization: 'Bearer not-a-token' }, /not a CDC API token/],
    [{ Authorization: `Bearer ${unknown}` }, /unknown or revoked/],
    [{ Authorization: `Bearer ${wrong}` }, /unknown or revoked/],
    [{ Authorization: `Bearer ${revoked}` }, /unknown or revoked/],
    [{ Authorization: `Bearer ${expiring}` }, /expired/],
  ];
  for (const [headers, message] of cases) {
    const r = await http(base, 'POST', proc, { headers, body: '{}' });
    assert.equal(r.status, 401, JSON.stringify(headers));
    assert.equal(r.body['error'], 'wamp.error.authentication_failed');
    assert.match((r.body['args'] as string[])[0]!, message);
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="cdc"');
  }
  // The right token still works after wrong ones with its ID.
  assert.equal((await post(base, 'com.crossbario.cdc.get_status@1', tokens['guest'])).status, 200);
});

test('http - 403: a guest token may not start a router, and nothing happens on the node', async () => {
  await s.call(`${CFG}create_router@1`, ['node1', 'guarded', OPEN_ROUTER]);
  const r = await post(base, `${CFG}start_router@1`, tokens['guest'], ['node1', 'guarded']);
  assert.equal(r.status, 403);
  assert.equal(r.body['error'], 'wamp.error.not_authorized');
  assert.equal(typeof (r.body['args'] as unknown[])[0], 'string');
  const remote = await post(
    base,
    'com.crossbario.cdc.remote.start_router_worker@1',
    tokens['guest'],
    ['node1', 'x', {}],
  );
  assert.equal(remote.status, 403);
  assert.deepEqual(
    (await s.call('com.crossbario.cdc.remote.get_node_workers@1', ['node1'])).value,
    [],
  );
  const stored = (await s.call(`${CFG}list_workers@1`, ['node1'])).value as { status: string }[];
  assert.deepEqual(
    stored.map((w) => w.status),
    ['stopped'],
  );
  await s.call(`${CFG}delete_router@1`, ['node1', 'guarded']);
});

test('http - 409 for state conflicts, and the audit names the token', async () => {
  const cfg = { version: 2, workers: [] };
  assert.equal(
    (await post(base, `${CFG}create_node@1`, tokens['owner'], ['node-x', cfg])).status,
    200,
  );
  const again = await post(base, `${CFG}create_node@1`, tokens['owner'], ['node-x', cfg]);
  assert.equal(again.status, 409);
  assert.equal(again.body['error'], 'com.crossbario.cdc.error.already_exists');
  await post(base, `${CFG}create_router@1`, tokens['owner'], ['node1', 'r1', OPEN_ROUTER]);
  const started = await post(base, `${CFG}start_router@1`, tokens['devop'], ['node1', 'r1']);
  assert.equal(started.status, 200, started.text);
  const del = await post(base, `${CFG}delete_router@1`, tokens['owner'], ['node1', 'r1']);
  assert.equal(del.status, 409);
  assert.equal(del.body['error'], 'com.crossbario.cdc.error.router_running');
  const audit = (
    await s.call(`${M}get_audit_log@1`, [], { filter: { procedure: `${CFG}start_router@1` } })
  ).value as Record<string, unknown>[];
  assert.equal(audit[0]?.['authid'], 'deployer');
  assert.equal(audit[0]['role'], 'cdc-devop');
  assert.equal(audit[0]['outcome'], 'ok');
  assert.equal(
    (await post(base, `${CFG}stop_router@1`, tokens['devop'], ['node1', 'r1'])).status,
    200,
  );
  assert.equal(
    (await post(base, `${CFG}delete_router@1`, tokens['owner'], ['node1', 'r1'])).status,
    200,
  );
});

test('http - 503 with Retry-After for a node that is offline; 404 for one that does not exist', async () => {
  await s.call(`${M}pair_node@1`, [Key.generate().publicKeyHex, 'away']);
  const r = await post(base, 'com.crossbario.cdc.remote.get_controller_status@1', tokens['guest'], [
    'away',
  ]);
  assert.equal(r.status, 503);
  assert.equal(r.body['error'], 'com.crossbario.cdc.error.node_offline');
  assert.ok(Number(r.headers['retry-after']) >= 1);
  const none = await post(base, 'com.crossbario.cdc.get_node_status@1', tokens['guest'], [
    'nobody',
  ]);
  assert.equal(none.status, 404);
  assert.equal(none.body['error'], 'com.crossbario.cdc.error.no_such_node');
});

test('http - 404 for what is not a public procedure of the realm; 405 for other methods', async () => {
  for (const p of [
    'com.example.nothing',
    'wamp.session.list',
    'wamp.registration.list',
    'crossbarfabriccenter.mrealm.get_status',
    'crossbarfabriccenter.center.realm_created',
    'com.crossbario.cdc.account.register_user@1',
    'com.crossbario.cdc.get_nodes@9',
    controllerUri('get_status'),
    '',
  ]) {
    const r = await post(base, p, tokens['owner']);
    assert.equal(r.status, 404, p);
    assert.equal(r.body['error'], 'wamp.error.no_such_procedure', p);
  }
  const noAuth = await post(base, 'wamp.session.list', undefined);
  assert.equal(noAuth.status, 404, 'what does not exist is not hidden behind 401');
  const get = await http(base, 'GET', '/api/com.crossbario.cdc.get_status@1', {
    token: tokens['owner'],
  });
  assert.equal(get.status, 405);
  assert.equal(get.headers['allow'], 'POST');
  assert.equal((await http(base, 'DELETE', '/api/openapi.json')).status, 405);
});

test('http - bad bodies: 400 for malformed JSON, wrong shapes and arguments; 413 past the cap', async () => {
  const proc = '/api/com.crossbario.cdc.get_node_status@1';
  const t = tokens['guest']!;
  const bad: [string, RegExp][] = [
    ['{"args": [', /not JSON/],
    ['[1, 2]', /JSON object/],
    ['"node1"', /JSON object/],
    ['null', /JSON object/],
    ['{"args": "node1"}', /"args" must be a JSON array/],
    ['{"kwargs": []}', /"kwargs" must be a JSON object/],
    ['{"args": [], "options": {}}', /only "args" and "kwargs"/],
    ['{"args": [42]}', /node_id/],
    ['{"args": []}', /node_id/],
  ];
  for (const [body, message] of bad) {
    const r = await http(base, 'POST', proc, { token: t, body });
    assert.equal(r.status, 400, body);
    assert.equal(r.body['error'], 'wamp.error.invalid_argument', body);
    assert.match((r.body['args'] as string[])[0]!, message, body);
  }
  const huge = await http(base, 'POST', proc, {
    token: t,
    body: JSON.stringify({ args: ['x'.repeat(70_000)] }),
  });
  assert.equal(huge.status, 413);
  assert.match((huge.body['args'] as string[])[0]!, /larger than 65536 bytes/);
  // Chunked, no Content-Length: cut off as it grows.
  const chunked = await raw(
    base,
    `POST ${proc} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `10000\r\n${'a'.repeat(0x10000)}\r\n10000\r\n${'a'.repeat(0x10000)}\r\n0\r\n\r\n`,
  );
  assert.match(chunked, /^HTTP\/1\.1 413/);
  for (const q of ['token', 'access_token', 'api_key']) {
    const r = await http(base, 'POST', `${proc}?${q}=${t}`, { body: '{"args": ["node1"]}' });
    assert.equal(r.status, 400, q);
    assert.match((r.body['args'] as string[])[0]!, /Authorization header only/);
  }
  assert.equal(
    (await post(base, 'com.crossbario.cdc.get_node_status@1', t, ['node1'])).status,
    200,
  );
});

test('http - a slow client gets 408 while others are served; injected headers go nowhere', async () => {
  const t = tokens['guest']!;
  const slow = raw(
    base,
    `POST /api/com.crossbario.cdc.get_status@1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ar`,
    5000,
  );
  for (let i = 0; i < 3; i++)
    assert.equal(
      (await post(base, 'com.crossbario.cdc.get_status@1', tokens['owner'])).status,
      200,
    );
  const answer = await slow;
  assert.match(answer, /^HTTP\/1\.1 408/);
  assert.match(answer, /"error":"wamp.error.timeout"/);
  const injected = await http(
    base,
    'POST',
    '/api/com.crossbario.cdc.get_status@1%0d%0aSet-Cookie:%20a=b',
    { token: t, body: '{}' },
  );
  assert.equal(injected.status, 404);
  assert.equal(injected.headers['set-cookie'], undefined);
  const badAuth = await raw(
    base,
    `POST /api/com.crossbario.cdc.get_status@1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer cdc_x%0d%0aSet-Cookie: a=b\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
  );
  assert.match(badAuth, /^HTTP\/1\.1 401/);
  assert.doesNotMatch(badAuth, /\r\nSet-Cookie/i);
});

test("http - 429 with Retry-After past a token's rate; other tokens are still served", async () => {
  const t = await makeToken('burst', 'cdc-guest');
  // On a loaded machine 80 requests can take longer than the bucket takes to refill: send
  // bursts until one is limited, then check no more got through than burst + rate × time.
  const t0 = Date.now();
  const answers: Awaited<ReturnType<typeof post>>[] = [];
  for (let i = 0; i < 10 && !answers.some((a) => a.status === 429); i++)
    answers.push(
      ...(await Promise.all(
        Array.from({ length: 80 }, () => post(base, 'com.crossbario.cdc.get_nodes@1', t)),
      )),
    );
  const elapsedS = (Date.now() - t0) / 1000;
  const limited = answers.filter((a) => a.status === 429);
  const served = answers.filter((a) => a.status === 200).length;
  assert.ok(limited.length > 0, `none of ${answers.length} limited`);
  assert.ok(served >= 40, `${served} served: the burst is allowed`);
  assert.ok(served <= 40 + 20 * elapsedS + 1, `${served} served in ${elapsedS} s`);
  assert.equal(served + limited.length, answers.length);
  assert.equal(limited[0]?.body['error'], 'com.crossbario.cdc.error.rate_limited');
  assert.ok(Number(limited[0].headers['retry-after']) >= 1);
  assert.equal((await post(base, 'com.crossbario.cdc.get_nodes@1', tokens['guest'])).status, 200);
});

test('sse - a node status change arrives as an event; other topics are refused', async () => {
  const stream = await sse(base, 'com.crossbario.cdc.remote.on_node_status@1', tokens['guest']!);
  assert.equal(stream.status, 200);
  await stream.subscribed;
  const other = await startNode(c);
  try {
    await s.call(`${M}pair_node@1`, [other.pubkey, 'node2']);
    const ev = (await stream.next((e) => JSON.stringify(e.data).includes('node2'))) as {
      args: unknown[];
    };
    assert.equal(ev.args[0], 'node2');
  } finally {
    stream.close();
    await other.stop();
  }
  for (const topic of [
    'wamp.session.on_join',
    'crossbarfabriccenter.node.on_heartbeat',
    'com.example.x',
  ]) {
    const r = await http(base, 'GET', `/api/events/${topic}`, { token: tokens['guest'] });
    assert.equal(r.status, 404, topic);
    assert.ok(typeof r.body['error'] === 'string');
  }
  const noToken = await http(base, 'GET', '/api/events/com.crossbario.cdc.remote.on_node_status@1');
  assert.equal(noToken.status, 401);
});

test('wamp - a token is a ticket: authid the label, its role enforced; revoking closes its sessions at once', async () => {
  const t = await makeToken('script', 'cdc-guest');
  const wamp = await joinSession(await connect(c.url), {
    realm: 'ops',
    authid: 'whoever',
    authmethods: ['ticket'],
    ticket: t,
  });
  assert.equal(wamp.authid, 'script');
  assert.equal(wamp.authrole, 'cdc-guest');
  assert.deepEqual(
    (await wamp.call('com.crossbario.cdc.get_nodes@1')).value,
    (await s.call('com.crossbario.cdc.get_nodes@1')).value,
  );
  await rejectsWith(
    wamp.call(`${CFG}start_router@1`, ['node1', 'r1']),
    'wamp.error.not_authorized',
  );
  // No realm asked for: the token's realm.
  const any = await joinSession(await connect(c.url), {
    realm: null,
    authid: 'x',
    authmethods: ['ticket'],
    ticket: t,
  });
  assert.equal(any.realm, 'ops');
  assert.equal((await post(base, 'com.crossbario.cdc.get_nodes@1', t)).status, 200);
  const stream = await sse(base, 'com.crossbario.cdc.remote.on_node_status@1', t);
  await stream.subscribed;
  const revoked = (await s.call(`${M}revoke_token@1`, [t.slice(4, 20)])).value as {
    sessions_closed: number;
  };
  assert.equal(revoked.sessions_closed, 3, 'two WAMP clients and the HTTP API session');
  const closed = await Promise.race([
    wamp.closed,
    new Promise((r) => setTimeout(() => r('timeout'), 2000)),
  ]);
  assert.notEqual(closed, 'timeout');
  await any.closed;
  stream.close();
  assert.equal((await post(base, 'com.crossbario.cdc.get_nodes@1', t)).status, 401);
  await assert.rejects(
    joinSession(await connect(c.url), {
      realm: 'ops',
      authid: 'script',
      authmethods: ['ticket'],
      ticket: t,
    }),
    /unknown or revoked/,
  );
  // A token of this realm is no ticket for another, and no token is no ticket.
  await ownedRealm(c, 'elsewhere', 'alice');
  await assert.rejects(
    joinSession(await connect(c.url), {
      realm: 'elsewhere',
      authid: 'x',
      authmethods: ['ticket'],
      ticket: tokens['guest'],
    }),
    /another management realm/,
  );
  await assert.rejects(
    joinSession(await connect(c.url), {
      realm: 'ops',
      authid: 'x',
      authmethods: ['ticket'],
      ticket: 'secret',
    }),
    /not a CDC API token/,
  );
  const short = await makeToken('expires-soon', 'cdc-guest', 1);
  await new Promise((r) => setTimeout(r, 1100));
  await assert.rejects(
    joinSession(await connect(c.url), {
      realm: 'ops',
      authid: 'x',
      authmethods: ['ticket'],
      ticket: short,
    }),
    /expired/,
  );
});

test("python - the standard library's urllib calls the API with a token", async () => {
  const script = `
import json, sys, urllib.request, urllib.error
base, token = sys.argv[1], sys.argv[2]
def call(proc, args, tok):
    req = urllib.request.Request(base + "/api/" + proc, data=json.dumps({"args": args}).encode(),
        headers={"Authorization": "Bearer " + tok, "Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
print(json.dumps([call("com.crossbario.cdc.get_node_status@1", ["node1"], token),
                  call("io.crossbar.cdc.start_router@1", ["node1", "r9"], token)]))
`;
  const { stdout: out } = await run('python3', ['-c', script, base, tokens['guest']!], {
    timeout: 20_000,
  });
  const answers = JSON.parse(out) as [number, Record<string, unknown>][];
  const [okStatus, ok] = answers[0] ?? [0, {}];
  const [deniedStatus, denied] = answers[1] ?? [0, {}];
  assert.equal(okStatus, 200);
  assert.equal((ok['args'] as { node_id: string }[])[0]?.node_id, 'node1');
  assert.equal(deniedStatus, 403);
  assert.equal(denied['error'], 'wamp.error.not_authorized');
});
