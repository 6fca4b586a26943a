import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType as M, CLIENT_ROLES, msgpackSerializer } from '@cdc/protocol';
import type { Transport, TransportHandler, TransportInfo } from '@cdc/protocol';
import { Router } from '../src/index.js';
import type { ForwardHook, ForwardRequest, ForwardSink, SessionForwarder } from '../src/index.js';
import { Peer, openRealm } from './peer.js';

/** The owner's side of a loop forwarder: a transport that serializes with MessagePack. */
class OwnerSide implements Transport {
  readonly serializer = msgpackSerializer;
  isOpen = true;
  handler: TransportHandler | undefined;
  constructor(
    readonly info: TransportInfo,
    private readonly toClient: (m: unknown[]) => void,
    private readonly closed: () => void,
  ) {}
  attach(h: TransportHandler): void {
    this.handler = h;
  }
  send(message: unknown[]): void {
    this.sendSerialized(this.serializer.serialize(message));
  }
  sendSerialized(data: Uint8Array | string): void {
    if (!this.isOpen) return;
    const m = this.serializer.unserialize(data) as unknown[];
    queueMicrotask(() => this.toClient(m));
  }
  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    queueMicrotask(() => {
      this.handler?.onClose({ wasClean: true });
      this.closed();
    });
  }
}

/** A forwarder that carries the session to another router in the same process. */
class LoopForwarder implements SessionForwarder {
  sink: ForwardSink | undefined;
  closedWith: string | undefined;
  leaving = false;
  readonly owner: OwnerSide;

  constructor(
    private readonly router: Router,
    private readonly req: ForwardRequest,
  ) {
    this.owner = new OwnerSide(
      { ...req.transport, serializer: 'msgpack' },
      (m) => {
        this.sink?.send(m);
        // The owner answered the client's GOODBYE: the connection is the acceptor's again.
        if (m[0] === M.GOODBYE && this.leaving) {
          this.owner.isOpen = false;
          this.sink?.release();
        }
      },
      () => this.sink?.close(),
    );
  }
  start(sink: ForwardSink): void {
    this.sink = sink;
    this.router.acceptAuthenticated(this.owner, this.req.principal, this.req.hello);
  }
  send(message: unknown): void {
    if ((message as unknown[])[0] === M.GOODBYE) this.leaving = true;
    const ser = this.owner.serializer;
    const data = ser.serialize(message as unknown[]);
    queueMicrotask(() => this.owner.handler?.onMessage(ser.unserialize(data)));
  }
  close(reason: string): void {
    this.closedWith ??= reason;
    this.owner.close();
  }
}

function pair(): { a: Router; b: Router; forwarders: LoopForwarder[]; requests: ForwardRequest[] } {
  const a = new Router({ helloTimeoutMs: 500, goodbyeTimeoutMs: 100 });
  const b = new Router({ helloTimeoutMs: 500, goodbyeTimeoutMs: 100 });
  a.addRealm(openRealm('local'));
  b.addRealm(openRealm('owned'));
  const forwarders: LoopForwarder[] = [];
  const requests: ForwardRequest[] = [];
  const hook: ForwardHook = {
    forwards: (realm) => realm === 'owned',
    open: (req) => {
      requests.push(req);
      const f = new LoopForwarder(b, req);
      forwarders.push(f);
      return f;
    },
  };
  a.forward = hook;
  return { a, b, forwarders, requests };
}

test('forward - without a hook a realm not served here is no_such_realm, as before', async () => {
  const r = new Router({ helloTimeoutMs: 500 });
  r.addRealm(openRealm('local'));
  const p = new Peer(r);
  p.send([M.HELLO, 'owned', { roles: CLIENT_ROLES }]);
  const abort = await p.expect(M.ABORT);
  assert.equal(abort[2], 'wamp.error.no_such_realm');
  await p.waitClosed();
});

test('forward - a hook that refuses leaves the client with no_such_realm', async () => {
  const r = new Router({ helloTimeoutMs: 500 });
  r.addRealm(openRealm('local'));
  r.forward = { forwards: (realm) => realm === 'owned', open: () => undefined };
  const p = new Peer(r);
  p.send([M.HELLO, 'owned', { roles: CLIENT_ROLES }]);
  assert.equal((await p.expect(M.ABORT))[2], 'wamp.error.no_such_realm');
  // A realm the hook does not forward is refused by the authenticator already.
  const q = new Peer(r);
  q.send([M.HELLO, 'elsewhere', { roles: CLIENT_ROLES }]);
  assert.equal((await q.expect(M.ABORT))[2], 'wamp.error.no_such_realm');
  assert.equal(r.sessionIdCount, 0);
});

test('forward - the owner welcomes, routes calls and events both ways, and sees the principal', async () => {
  const { a, b, requests } = pair();
  const client = new Peer(a, { info: { peer: 'tcp4:10.0.0.7:5555' } });
  const welcome = await client.join('owned', { authid: 'ignored-by-anonymous' });
  assert.equal(welcome['realm'], 'owned');
  assert.equal(welcome['authrole'], 'anonymous');
  assert.equal(requests.length, 1);
  assert.equal(requests[0]!.transport.peer, 'tcp4:10.0.0.7:5555');
  assert.ok(requests[0]!.hello['roles'] !== undefined);
  // The session lives on B: its ID and authid are B's, and A holds none.
  const local = new Peer(b);
  await local.join('owned');
  const sessions = await local.call('wamp.session.list');
  assert.ok((sessions[3] as number[][])[0]!.includes(client.sessionId));
  const got = await local.call('wamp.session.get', [client.sessionId]);
  const details = (got[3] as Record<string, unknown>[])[0]!;
  assert.equal(details['authid'], welcome['authid']);
  assert.equal((details['transport'] as Record<string, unknown>)['peer'], 'tcp4:10.0.0.7:5555');
  assert.equal(a.sessionIdCount, 0);

  // client → B callee
  const reg = await local.register('com.b.add');
  const callId = client.nextId();
  client.send([M.CALL, callId, {}, 'com.b.add', [2, 3]]);
  const inv = await local.expect(M.INVOCATION);
  assert.equal(inv[2], reg);
  local.send([M.YIELD, inv[1], {}, [5]]);
  const res = await client.expect(M.RESULT);
  assert.deepEqual([res[1], res[3]], [callId, [5]]);
  // B caller → client callee, with a binary payload
  const creg = await client.register('com.a.echo');
  const bin = new Uint8Array([0, 1, 2, 255]);
  const lid = local.nextId();
  local.send([M.CALL, lid, {}, 'com.a.echo', [bin]]);
  const inv2 = await client.expect(M.INVOCATION);
  assert.equal(inv2[2], creg);
  assert.deepEqual([...(inv2[4] as Uint8Array[])[0]!], [...bin]);
  client.send([M.YIELD, inv2[1], {}, inv2[4]]);
  const r2 = await local.expect(M.RESULT);
  assert.deepEqual([...(r2[3] as Uint8Array[])[0]!], [...bin]);
  // events both ways
  await client.subscribe('com.t');
  const sid = await local.subscribe('com.t');
  local.send([M.PUBLISH, local.nextId(), { exclude_me: false }, 'com.t', ['from b']]);
  assert.deepEqual((await client.expect(M.EVENT))[4], ['from b']);
  assert.deepEqual((await local.expect(M.EVENT))[4], ['from b']);
  client.send([M.PUBLISH, client.nextId(), {}, 'com.t', ['from a']]);
  const ev = await local.expect(M.EVENT);
  assert.deepEqual([ev[1], ev[4]], [sid, ['from a']]);
});

test('forward - the client leaving closes the owner session, and the owner closing closes the client', async () => {
  const { a, b, forwarders } = pair();
  const c1 = new Peer(a);
  await c1.join('owned');
  assert.equal(b.connectionCount, 1);
  c1.drop();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(forwarders[0]!.closedWith, 'the client closed the connection');
  assert.equal(b.connectionCount, 0);
  assert.equal(a.connectionCount, 0);

  const c2 = new Peer(a);
  await c2.join('owned');
  b.removeRealm('owned', 'moving');
  const bye = await c2.expect(M.GOODBYE);
  assert.equal(bye[2], 'wamp.close.close_realm');
  c2.send([M.GOODBYE, {}, 'wamp.close.goodbye_and_out']);
  forwarders[1]!.owner.close();
  await c2.waitClosed();
  assert.equal(a.connectionCount, 0);
});

test('forward - an unknown role on the owner is refused there with no_such_role', async () => {
  const { a, b } = pair();
  const t = new LoopForwarder(b, {
    principal: {
      realm: 'owned',
      authid: 'x',
      authrole: 'nope',
      authmethod: 'ticket',
      authprovider: 'static',
    },
    hello: { roles: CLIENT_ROLES },
    transport: { type: 'memory', serializer: 'msgpack', peer: 'memory', tls: false },
  });
  const got: unknown[][] = [];
  const state = { closed: false };
  t.start({
    send: (m) => got.push(m),
    close: () => (state.closed = true),
    release: () => undefined,
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got.length, 1);
  assert.equal(got[0]![0], M.ABORT);
  assert.equal(got[0]![2], 'wamp.error.no_such_role');
  assert.ok(state.closed);
  assert.equal(b.sessionIdCount, 0);
  assert.equal(a.connectionCount, 0);
});

test("forward - after GOODBYE the connection is the accepting router's again", async () => {
  const { a, b } = pair();
  const c = new Peer(a);
  await c.join('owned');
  c.send([M.GOODBYE, {}, 'wamp.close.normal']);
  assert.equal((await c.expect(M.GOODBYE))[2], 'wamp.close.goodbye_and_out');
  // A new session on the same connection, on a realm served here.
  const d = await c.join('local');
  assert.equal(d['realm'], 'local');
  assert.equal(a.getRealm('local')!.sessions.size, 1);
  assert.equal(b.getRealm('owned')!.sessions.size, 0);
});

test('forward - a session forwarded for a realm the owner no longer serves may try again', async () => {
  const { b } = pair();
  const t = new LoopForwarder(b, {
    principal: {
      realm: 'moved',
      authid: 'x',
      authrole: 'user',
      authmethod: 'ticket',
      authprovider: 'static',
    },
    hello: { roles: CLIENT_ROLES },
    transport: { type: 'memory', serializer: 'msgpack', peer: 'memory', tls: false },
  });
  const got: unknown[][] = [];
  t.start({ send: (m) => got.push(m), close: () => undefined, release: () => undefined });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(
    got.map((m) => [m[0], m[2]]),
    [[M.ABORT, 'wamp.error.unavailable']],
  );
  assert.equal(b.sessionIdCount, 0);
  assert.equal(b.connectionCount, 0);
});
