/**
 * A real Crossbar.io 22.6.1 edge node's uplink session, replayed message for message from
 * the recording (`../shared/reference/crossbar-wire/edge1-uplink.jsonl`) against our center:
 * its HELLO (realm null, authrole `node`, the same authextra, with our key in place of the
 * edge's), over `wamp.2.cbor.batched` with permessage-deflate as the edge offers, its 52 +
 * 116 REGISTERs and UNREGISTERs, its `get_status` probe, its acknowledged log events and
 * heartbeats, and its GOODBYE. The center must answer each the way the real master did and
 * show the node as a `crossbar` node.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { SigningKey, signChallenge } from '@cdc/cryptosign';
import { MessageType as M } from '@cdc/protocol';
import type { Transport, TransportHandler } from '@cdc/protocol';
import { connectWebSocket } from '@cdc/transport';
import type { NodeInfo } from '@cdc/api';
import { join, ownedRealm, startCenter, until } from './helpers.js';
import type { TestCenter } from './helpers.js';

interface Line {
  dir: string;
  type: string;
  msg: unknown[];
}

const SHARED =
  process.env['CDC_SHARED_DIR'] ??
  joinPath(
    process.env['CDC_REPO_ROOT'] ?? joinPath(import.meta.dirname, '../../../..'),
    '..',
    'shared',
  );
const recording = readFileSync(
  joinPath(SHARED, 'reference', 'crossbar-wire', 'edge1-uplink.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Line);

/** Reads what the center sends, one message at a time. */
class Wire implements TransportHandler {
  private readonly inbox: unknown[][] = [];
  private wake: (() => void) | undefined;
  closed = false;
  constructor(readonly t: Transport) {
    t.attach(this);
  }
  onMessage(m: unknown): void {
    this.inbox.push(m as unknown[]);
    this.wake?.();
  }
  onProtocolError(): void {
    this.closed = true;
    this.wake?.();
  }
  onClose(): void {
    this.closed = true;
    this.wake?.();
  }
  async next(ms = 5000): Promise<unknown[]> {
    const end = Date.now() + ms;
    while (this.inbox.length === 0) {
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > end) throw new Error('timed out');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return this.inbox.shift()!;
  }
}

let c: TestCenter;
let owner: SigningKey;
const edgeKey = SigningKey.generate();

before(async () => {
  c = await startCenter();
  owner = await ownedRealm(c, 'default');
  const s = await join(c, owner, 'default');
  await s.call('com.crossbario.cdc.management.pair_node@1', [edgeKey.publicKeyHex, 'edge1']);
  await s.leave();
});
after(() => c.stop());

test('crossbar edge - the recorded edge uplink session runs against our center', async () => {
  const t = await connectWebSocket(c.url, {
    serializers: ['cbor', 'msgpack', 'json'],
    batched: true,
    perMessageDeflate: true,
  });
  assert.equal(t.info.protocol, 'wamp.2.cbor.batched');
  const wire = new Wire(t);
  const sent = recording.filter((l) => l.dir === 'c>s');
  const hello = structuredClone(sent.find((l) => l.type === 'HELLO')!.msg);
  assert.equal(hello[1], null);
  const details = hello[2] as { authrole: string; authextra: Record<string, unknown> };
  assert.equal(details.authrole, 'node');
  details.authextra['pubkey'] = edgeKey.publicKeyHex;
  t.send(hello);
  const ch = await wire.next();
  assert.equal(ch[0], M.CHALLENGE);
  assert.equal(
    (ch[2] as Record<string, unknown>)['channel_binding'],
    null,
    'nothing to bind to on ws://',
  );
  t.send([
    M.AUTHENTICATE,
    signChallenge(edgeKey, (ch[2] as Record<string, string>)['challenge']!),
    {},
  ]);
  const welcome = await wire.next();
  assert.equal(welcome[0], M.WELCOME, JSON.stringify(welcome));
  const wd = welcome[2] as Record<string, unknown>;
  assert.deepEqual([wd['realm'], wd['authid'], wd['authrole']], ['default', 'edge1', 'cdc-node']);
  // Everything else the edge sent, in order; INVOCATION answers (YIELD/ERROR) belong to calls the
  // recorded master made, which ours does not make, so they are left out.
  const expected: Record<string, number> = {
    REGISTER: M.REGISTERED,
    UNREGISTER: M.UNREGISTERED,
    PUBLISH: M.PUBLISHED,
    CALL: M.RESULT,
    GOODBYE: M.GOODBYE,
  };
  // The real master's registration IDs, by REGISTER request ID, to map UNREGISTERs onto ours.
  const recordedReg = new Map<number, number>();
  for (const l of recording)
    if (l.dir === 's>c' && l.type === 'REGISTERED')
      recordedReg.set(l.msg[1] as number, l.msg[2] as number);
  const ours = new Map<number, number>();
  let replayed = 0;
  for (const line of sent) {
    if (!(line.type in expected)) continue;
    const msg = structuredClone(line.msg);
    if (line.type === 'UNREGISTER') {
      const mine = ours.get(msg[2] as number);
      assert.ok(mine !== undefined, `the edge unregisters ${String(msg[2])}, which it registered`);
      msg[2] = mine;
    }
    t.send(msg);
    const answer = await wire.next();
    assert.equal(
      answer[0],
      expected[line.type],
      `${line.type} ${JSON.stringify(line.msg).slice(0, 120)} → ${JSON.stringify(answer).slice(0, 200)}`,
    );
    if (line.type !== 'GOODBYE') assert.equal(answer[1], line.msg[1], 'answers the same request');
    if (line.type === 'REGISTER')
      ours.set(recordedReg.get(line.msg[1] as number)!, answer[2] as number);
    if (line.type === 'CALL') {
      const status = (answer[3] as Record<string, unknown>[])[0]!;
      assert.deepEqual(Object.keys(status).sort(), [
        'now',
        'realm',
        'started',
        'tick',
        'type',
        'uptime',
      ]);
      assert.equal(status['type'], 'management');
      assert.equal(status['realm'], 'default');
    }
    replayed++;
    // Look at the center's view while the edge is still connected, after its first heartbeat.
    if (
      line.type === 'PUBLISH' &&
      line.msg[3] === 'crossbarfabriccenter.node.on_heartbeat' &&
      replayed > 0
    ) {
      const s = await join(c, owner, 'default');
      const n = await until(
        async () => {
          const info = (await s.call('com.crossbario.cdc.get_node_status@1', ['edge1']))
            .value as NodeInfo;
          return info.heartbeat !== null ? info : undefined;
        },
        5000,
        'the heartbeat to be recorded',
      );
      assert.equal(n.type, 'crossbar');
      assert.ok(n.status === 'running' || n.status === 'online');
      await s.leave();
    }
  }
  assert.ok(replayed > 300, `${replayed} messages replayed`);
  const s = await join(c, owner, 'default');
  await until(
    async () =>
      ((await s.call('com.crossbario.cdc.get_node_status@1', ['edge1'])).value as NodeInfo)
        .status === 'offline',
    5000,
    'offline after GOODBYE',
  );
  await s.leave();
});
