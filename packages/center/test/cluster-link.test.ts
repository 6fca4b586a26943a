/**
 * The cluster link between two routers in one process (SPEC §9): a client of @cdc/client
 * connects to instance A for a realm only B has; A authenticates it and forwards the
 * session over a real TCP link on 127.0.0.1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CallResult } from '@cdc/client';
import type { Session } from '@cdc/client';
import { CLIENT_ROLES, WampError } from '@cdc/protocol';
import { plainBytes, until } from '@cdc/testkit';
import { connect } from '@cdc/transport';
import { join, left, startInstance } from './cluster-link-helpers.js';
import type { Instance, Placement } from './cluster-link-helpers.js';

const placement: Placement = new Map();
let a: Instance;
let b: Instance;
/** A session joined on B directly (the owner). */
let local: Session;

before(async () => {
  a = await startInstance('a', ['a-realm'], placement);
  b = await startInstance('b', ['owned'], placement);
  local = await join(b.url, 'owned', { authid: 'ann', ticket: 'an0ther' });
});

after(async () => {
  await local.leave().catch(() => undefined);
  await a.close();
  await b.close();
});

test('cluster link - a session joined through A lives on B, with its real authid', async () => {
  const joins: unknown[] = [];
  const sub = await local.subscribe('wamp.session.on_join', (args) => joins.push(args[0]));
  const s = await join(a.url, 'owned');
  try {
    assert.equal(s.realm, 'owned');
    assert.equal(s.authid, 'joe');
    assert.equal(s.authrole, 'user');
    assert.equal(s.authmethod, 'ticket');
    // B assigned the session ID and knows the client's own transport.
    const info = await local.call('wamp.session.get', [s.id]);
    const d = info.args[0] as Record<string, unknown>;
    assert.equal(d['authid'], 'joe');
    const transport = d['transport'] as Record<string, unknown>;
    assert.match(String(transport['peer']), /^tcp4:127\.0\.0\.1:\d+$/);
    assert.equal(transport['type'], 'websocket');
    await until(() => joins.length > 0, 5000, 'on_join');
    assert.equal((joins[0] as Record<string, unknown>)['authid'], 'joe');
    assert.equal((joins[0] as Record<string, unknown>)['session'], s.id);
    assert.equal(a.link.stats().forwarded, 1);
    assert.equal(b.link.stats().hosted, 1);
    assert.equal(a.router.getRealm('owned'), undefined);
  } finally {
    await sub.unsubscribe();
    await s.leave();
  }
  await until(() => b.link.stats().hosted === 0, 5000, 'hosted session gone');
  assert.equal(a.link.stats().forwarded, 0);
});

test('cluster link - calls, registrations, events and progressive results both ways', async () => {
  const s = await join(a.url, 'owned');
  const rs = await join(a.rsUrl, 'owned', {}, { serializer: 'msgpack' });
  try {
    // forwarded caller → callee on the owner, with the caller disclosed
    const reg = await local.register('com.b.add', (args, _kw, det) => {
      assert.equal(det.callerAuthid, 'joe');
      return Number(args[0]) + Number(args[1]);
    });
    assert.deepEqual((await s.call('com.b.add', [2, 3])).args, [5]);
    assert.deepEqual((await rs.call('com.b.add', [4, 5])).args, [9]);
    await reg.unregister();
    // owner → forwarded callee, binary in and out
    const bin = randomBytes(1000);
    await s.register('com.a.echo', (args) => new CallResult(args));
    const r = await local.call('com.a.echo', [bin, 'text']);
    assert.deepEqual(plainBytes(r.args), plainBytes([bin, 'text']));
    // forwarded → forwarded (two sessions on A, routed by B)
    const r2 = await rs.call('com.a.echo', [bin]);
    assert.deepEqual(plainBytes(r2.args), plainBytes([bin]));
    // progressive results from the owner's callee to the forwarded caller
    await local.register('com.b.count', (args, _kw, det) => {
      for (let i = 1; i < Number(args[0]); i++) det.progress?.([i]);
      return Number(args[0]);
    });
    const chunks: unknown[] = [];
    const res = await s.call('com.b.count', [4], {}, { onProgress: (c) => chunks.push(c.args[0]) });
    assert.deepEqual(chunks, [1, 2, 3]);
    assert.deepEqual(res.args, [4]);
    // events both ways
    const atA: unknown[] = [];
    const atB: unknown[] = [];
    await s.subscribe('com.t', (args) => atA.push(args[0]));
    await local.subscribe('com.t', (args) => atB.push(args[0]));
    await local.publish('com.t', ['from b'], {}, { acknowledge: true });
    await s.publish('com.t', ['from a'], {}, { acknowledge: true, excludeMe: false });
    await until(() => atA.length === 2 && atB.length === 1, 5000, 'events');
    assert.deepEqual(atA.sort(), ['from a', 'from b']);
    assert.deepEqual(atB, ['from a']); // the publisher on B is excluded by default
  } finally {
    await s.leave();
    await rs.leave();
  }
});

test('cluster link - one link carries both directions', async () => {
  const toA = await join(b.url, 'a-realm');
  const toB = await join(a.url, 'owned');
  try {
    const onA = await join(a.url, 'a-realm', { authid: 'ann', ticket: 'an0ther' });
    await onA.register('com.a.who', (_a, _k, det) => det.callerAuthid);
    assert.deepEqual((await toA.call('com.a.who')).args, ['joe']);
    await onA.leave();
    assert.equal(a.link.stats().links, 1);
    assert.equal(b.link.stats().links, 1);
  } finally {
    await toA.leave();
    await toB.leave();
  }
});

test('cluster link - closing a realm closes its forwarded sessions, and clients may rejoin', async () => {
  const s1 = await join(a.url, 'owned');
  const s2 = await join(a.url, 'owned');
  const gone1 = left(s1);
  const gone2 = left(s2);
  assert.equal(a.link.closeRealm('owned'), 2);
  const [i1, i2] = await Promise.all([gone1, gone2]);
  assert.equal(i1.reason, 'wamp.close.close_realm');
  assert.match(String(i1.message), /realm "owned" moved/);
  assert.equal(i2.reason, 'wamp.close.close_realm');
  await until(() => b.link.stats().hosted === 0, 5000, 'owner sessions closed');
  // The owner's side closes the forwarded sessions it hosts too.
  const s3 = await join(a.url, 'owned');
  const gone3 = left(s3);
  assert.equal(b.link.closeRealm('owned', 'handing over'), 1);
  const i3 = await gone3;
  assert.equal(i3.reason, 'wamp.close.close_realm');
  assert.equal(i3.message, 'handing over');
  assert.equal(a.link.closeRealm('owned'), 0);
  const again = await join(a.url, 'owned');
  assert.deepEqual((await again.call('wamp.session.count')).args.length, 1);
  await again.leave();
});

test('cluster link - an owner whose realm is not ready yet refuses forwarded sessions with backend_unavailable', async () => {
  let ready = false;
  const c = await startInstance('c', ['starting'], placement, { admits: () => ready });
  try {
    await assert.rejects(
      join(a.url, 'starting'),
      (e: unknown) =>
        e instanceof WampError && e.uri === 'com.crossbario.cdc.error.backend_unavailable',
    );
    await until(() => c.link.stats().hosted === 0, 5000, 'the refused channel closed');
    assert.equal(c.router.getRealm('starting')?.sessions.size, 0, 'nobody joined the realm');
    ready = true;
    const s = await join(a.url, 'starting');
    assert.equal(s.realm, 'starting');
    await s.leave();
  } finally {
    await c.close();
  }
});

test('cluster link - the link dropping closes forwarded clients cleanly; a new link is made', async () => {
  const s = await join(a.url, 'owned');
  const gone = left(s);
  try {
    b.link.disconnect('test: link cut');
    const info = await gone;
    assert.equal(info.reason, 'wamp.close.transport_lost');
    assert.match(String(info.message), /link cut|closed by the peer/);
    assert.ok(a.log.records.some((r) => r.msg === 'cluster link down'));
    // A reconnects on demand for the next session.
    const s2 = await join(a.url, 'owned');
    assert.equal(s2.authid, 'joe');
    await s2.leave();
    // An owner that is not there: the client is refused with a retryable reason.
    placement.set('elsewhere', '127.0.0.1:1');
    await assert.rejects(join(a.url, 'elsewhere'), (e: Error & { uri?: string }) => {
      assert.equal(e.uri, 'wamp.error.unavailable');
      assert.match(e.message, /ECONNREFUSED|connection/);
      return true;
    });
  } finally {
    placement.delete('elsewhere');
  }
});

test('cluster link - an instance with the wrong secret is refused, and says why', async () => {
  const rogue = await startInstance('rogue', ['rogue-realm'], placement, {
    secret: randomBytes(32),
  });
  try {
    await assert.rejects(join(rogue.url, 'owned'), (e: Error & { uri?: string }) => {
      assert.equal(e.uri, 'wamp.error.unavailable');
      return true;
    });
    await until(
      () => b.log.records.find((r) => /wrong cluster secret/.test(String(r.obj['reason']))),
      2000,
      'refusal logged on B',
    );
    const onRogue = rogue.log.records.find((r) => r.msg === 'cluster link refused');
    assert.match(String(onRogue?.obj['reason']), /refused this instance: wrong cluster secret/);
    assert.equal(b.link.stats().hosted, 0);
  } finally {
    await rogue.close();
  }
});

test('cluster link - after GOODBYE a forwarded connection carries a new session', async () => {
  const t = await connect(a.url);
  const inbox: unknown[][] = [];
  t.attach({
    onMessage: (m) => inbox.push(m as unknown[]),
    onProtocolError: () => undefined,
    onClose: () => undefined,
  });
  const next = async (): Promise<unknown[]> => {
    await until(() => inbox.length > 0, 5000, 'a message');
    return inbox.shift() ?? [];
  };
  try {
    t.send([1, 'owned', { roles: CLIENT_ROLES, authmethods: ['ticket'], authid: 'joe' }]);
    assert.equal((await next())[0], 4); // CHALLENGE, from A
    t.send([5, 's3cret', {}]);
    const welcome = await next();
    assert.equal(welcome[0], 2);
    assert.equal(b.link.stats().hosted, 1);
    t.send([6, {}, 'wamp.close.normal']);
    assert.deepEqual((await next()).slice(0, 1), [6]);
    await until(() => b.link.stats().hosted === 0, 5000, 'channel closed');
    // Same connection, a realm A serves itself.
    t.send([1, 'a-realm', { roles: CLIENT_ROLES, authmethods: ['anonymous'] }]);
    const w2 = await next();
    assert.equal(w2[0], 2);
    assert.equal((w2[2] as Record<string, unknown>)['realm'], 'a-realm');
    assert.equal(a.link.stats().forwarded, 0);
  } finally {
    t.close();
  }
});

test('cluster link - a link that backs up past its bound closes its sessions, saying why', async () => {
  const small = await startInstance('small', [], placement, { maxBufferedBytes: 16 * 1024 });
  try {
    const s = await join(small.url, 'owned');
    const gone = left(s);
    await assert.rejects(s.call('com.nowhere', [randomBytes(256 * 1024)]));
    const info = await gone;
    assert.equal(info.reason, 'wamp.close.transport_lost');
    assert.match(String(info.message), /overloaded: \d+ bytes wait to be sent \(at most 16384\)/);
    assert.ok(small.log.records.some((r) => r.msg === 'cluster link down'));
  } finally {
    await small.close();
  }
});
