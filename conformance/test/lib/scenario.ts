/**
 * The interop scenario (conformance/peers/README.md) from our side: a `@cdc/client` session
 * (the counterpart) that registers `<prefix>.ours.*`, subscribes to the peer's topic, and,
 * once the peer calls `<prefix>.ours.ready`, inspects the peer's session through the meta
 * API, calls the peer's procedures and publishes to its inbox. `runScenario` runs one cell
 * and checks both what the peer printed and what the counterpart saw.
 * @module
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CallResult, WampError, joinSession } from '@cdc/client';
import type { Args, Kwargs, Session } from '@cdc/client';
import { connect } from '@cdc/transport';
import { describeRun, runPeer, scenarioArgs } from './peers.js';
import type { PeerLauncher, PeerLine, PeerRun, ScenarioParams, Serializer } from './peers.js';

type Dict = Record<string, unknown>;

const BLOB = Uint8Array.from([0x00, 0x01, 0xfe, 0xff]);

interface Seen {
  args: Args;
  kwargs: Kwargs;
  /** The disclosed caller or publisher session. */
  from: number | undefined;
  authid: string | undefined;
  authrole: string | undefined;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(p: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/** What the counterpart did to the peer once it was ready. */
interface Handover {
  caller: Seen;
  sessionInfo: Outcome<Dict>;
  echo: Outcome<CallResult>;
  progress: { steps: CallResult[]; result: Outcome<CallResult> };
  fail: Outcome<CallResult>;
  published: Outcome<unknown>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export class Counterpart {
  readonly echoes: Seen[] = [];
  readonly events: Seen[] = [];
  readonly handover: Promise<Handover>;
  private resolveHandover!: (h: Handover) => void;
  private readonly left = new Map<number, Dict>();
  private readonly leftWaiters = new Map<number, (d: Dict) => void>();

  private constructor(
    readonly session: Session,
    readonly prefix: string,
  ) {
    this.handover = new Promise((resolve) => (this.resolveHandover = resolve));
  }

  /** Join `url` anonymously and set up `<prefix>.ours.*` and the subscriptions. */
  static async start(url: string, prefix: string, serializer: Serializer): Promise<Counterpart> {
    const session = await joinSession(await connect(url, { serializers: [serializer] }), {
      realm: 'realm1',
    });
    const cp = new Counterpart(session, prefix);
    try {
      await cp.setup();
    } catch (e) {
      await session.leave();
      throw e;
    }
    return cp;
  }

  private async setup(): Promise<void> {
    const s = this.session;
    const P = this.prefix;
    await s.subscribe('wamp.session.on_leave', (args) => {
      const id = args[0];
      if (typeof id !== 'number') return;
      const info = { session: id, authid: args[1], authrole: args[2] };
      this.left.set(id, info);
      this.leftWaiters.get(id)?.(info);
    });
    await s.register(`${P}.ours.echo`, (args, kwargs, d) => {
      this.echoes.push({
        args,
        kwargs,
        from: d.caller,
        authid: d.callerAuthid,
        authrole: d.callerAuthrole,
      });
      return new CallResult(['ours', ...args], { ...kwargs, by: 'ours' });
    });
    await s.register(`${P}.ours.progress`, (_args, _kwargs, d) => {
      d.progress?.([1], { step: 1 });
      d.progress?.([2], { step: 2 });
      return new CallResult(['done'], { steps: 2 });
    });
    await s.register(`${P}.ours.fail`, () => {
      throw new WampError(`${P}.error.ours`, ['ours failed', 42], { code: 42 });
    });
    await s.register(`${P}.ours.ready`, (args, kwargs, d) => {
      const caller: Seen = {
        args,
        kwargs,
        from: d.caller,
        authid: d.callerAuthid,
        authrole: d.callerAuthrole,
      };
      // Answer first: the peer is inside this call while we call it back.
      void this.actOnPeer(caller).then(this.resolveHandover);
      return 'ok';
    });
    await s.subscribe(`${P}.peer.topic`, (args, kwargs, d) => {
      this.events.push({
        args,
        kwargs,
        from: d.publisher,
        authid: d.publisherAuthid,
        authrole: d.publisherAuthrole,
      });
    });
  }

  private async actOnPeer(caller: Seen): Promise<Handover> {
    const s = this.session;
    const P = this.prefix;
    const peerId = caller.from ?? (caller.args[0] as number);
    const sessionInfo = await settle(
      s.call('wamp.session.get', [peerId]).then((r) => r.value as Dict),
    );
    const echo = await settle(s.call(`${P}.peer.echo`, ['x', 2], { four: 4 }));
    const steps: CallResult[] = [];
    const progressResult = await settle(
      s.call(`${P}.peer.progress`, [], {}, { onProgress: (r) => steps.push(r) }),
    );
    const fail = await settle(s.call(`${P}.peer.fail`, ['a'], { b: 1 }));
    const published = await settle(
      s.publish(`${P}.peer.inbox`, ['bye'], { origin: 'ours' }, { acknowledge: true }),
    );
    return {
      caller,
      sessionInfo,
      echo,
      progress: { steps, result: progressResult },
      fail,
      published,
    };
  }

  /** Resolves with the `wamp.session.on_leave` event of `session`. */
  peerLeft(session: number, ms = 5000): Promise<Dict> {
    const seen = this.left.get(session);
    if (seen !== undefined) return Promise.resolve(seen);
    return withTimeout(
      new Promise<Dict>((resolve) => this.leftWaiters.set(session, resolve)),
      ms,
      `wamp.session.on_leave for session ${session}`,
    );
  }

  async close(): Promise<void> {
    await this.session.leave();
  }
}

/** What a cell expects of the peer's session. */
export interface Expect {
  authmethod: string;
  authrole: string;
  /** Omitted for anonymous sessions, whose authid the router makes up. */
  authid?: string;
  transport: 'websocket' | 'rawsocket';
  serializer: Serializer;
  tls: boolean;
  /** The peer sends bytes (kwarg `blob`) in `ours-echo` and expects them back. */
  binary: boolean;
}

function line(run: PeerRun, kind: string, name?: string): PeerLine {
  const l = run.lines.find((x) => x.kind === kind && (name === undefined || x['name'] === name));
  assert.ok(l, `the peer printed no "${kind}"${name !== undefined ? ` "${name}"` : ''} line`);
  return l;
}

function result(
  run: PeerRun,
  name: string,
  args: Args,
  kwargs: Kwargs,
  progress: unknown[] = [],
): void {
  const l = run.lines.find((x) => x['name'] === name);
  assert.ok(l, `no line for "${name}"`);
  assert.deepEqual(
    { kind: l.kind, args: l['args'], kwargs: l['kwargs'], progress: l['progress'] },
    { kind: 'result', args, kwargs, progress },
    `peer call "${name}"`,
  );
}

function error(run: PeerRun, name: string, uri: string, args?: Args, kwargs?: Kwargs): void {
  const l = line(run, 'error', name);
  assert.equal(l['error'], uri, `peer call "${name}": error URI`);
  if (args !== undefined) assert.deepEqual(l['args'], args, `peer call "${name}": error args`);
  if (kwargs !== undefined)
    assert.deepEqual(l['kwargs'], kwargs, `peer call "${name}": error kwargs`);
}

function ok<T>(o: Outcome<T>, what: string): T {
  if (!o.ok) assert.fail(`${what} failed: ${String(o.error)}`);
  return o.value;
}

/** Check one cell: the peer's account and the counterpart's, against the scenario. */
async function check(run: PeerRun, cp: Counterpart, exp: Expect): Promise<void> {
  const P = cp.prefix;
  const joined = run.lines.find((l) => l.kind === 'joined');
  if (joined === undefined) {
    const left = run.lines.find((l) => l.kind === 'left');
    assert.fail(
      `the peer did not join: ${left !== undefined ? `${String(left['reason'])} ${String(left['message'])}` : 'no ABORT either'}`,
    );
  }
  assert.deepEqual(
    run.lines.filter((l) => l.kind === 'fatal'),
    [],
    'the peer reported a failure',
  );
  assert.equal(run.code, 0, 'the peer exits 0');

  // The session the router welcomed.
  const peerId = joined['session'];
  assert.equal(typeof peerId, 'number');
  assert.equal(joined['realm'], 'realm1');
  assert.equal(joined['authmethod'], exp.authmethod);
  assert.equal(joined['authrole'], exp.authrole);
  if (exp.authid !== undefined) assert.equal(joined['authid'], exp.authid);
  else assert.equal(typeof joined['authid'], 'string');

  // The peer as caller: of itself, of us, progressive, errors.
  result(run, 'self-echo', ['peer', 1, 'two'], { three: 3, by: 'peer' });
  result(
    run,
    'ours-echo',
    ['ours', 1, 'two'],
    exp.binary ? { three: 3, by: 'ours', blob: { $bytes: '0001feff' } } : { three: 3, by: 'ours' },
  );
  const steps = [
    { args: [1], kwargs: { step: 1 } },
    { args: [2], kwargs: { step: 2 } },
  ];
  result(run, 'self-progress', ['done'], { steps: 2 }, steps);
  result(run, 'ours-progress', ['done'], { steps: 2 }, steps);
  error(run, 'self-fail', `${P}.error.peer`, ['peer failed', 42], { code: 42 });
  error(run, 'ours-fail', `${P}.error.ours`, ['ours failed', 42], { code: 42 });
  error(run, 'no-such', 'wamp.error.no_such_procedure');
  result(run, 'ours-ready', ['ok'], {});
  line(run, 'published');

  // The peer as callee: once called by itself, once by us (caller disclosed).
  const echoes = run.lines.filter(
    (l) => l.kind === 'invoked' && l['procedure'] === `${P}.peer.echo`,
  );
  assert.deepEqual(
    echoes.map((l) => ({ args: l['args'], kwargs: l['kwargs'], caller: l['caller'] })),
    [
      { args: [1, 'two'], kwargs: { three: 3 }, caller: peerId },
      { args: ['x', 2], kwargs: { four: 4 }, caller: cp.session.id },
    ],
    'the peer was invoked with args and kwargs, caller disclosed',
  );

  // The peer as subscriber: our event, publisher disclosed.
  const ev = line(run, 'event');
  assert.deepEqual(
    { topic: ev['topic'], args: ev['args'], kwargs: ev['kwargs'], publisher: ev['publisher'] },
    {
      topic: `${P}.peer.inbox`,
      args: ['bye'],
      kwargs: { origin: 'ours' },
      publisher: cp.session.id,
    },
  );
  assert.match(String(line(run, 'left')['reason']), /^wamp\.close\./, 'the peer left normally');

  // Our side: the peer called us with args and kwargs, as the principal it joined as.
  assert.equal(cp.echoes.length, 1, 'ours.echo was called once');
  const e = cp.echoes[0]!;
  const { blob, ...rest } = e.kwargs;
  assert.deepEqual(e.args, [1, 'two']);
  assert.deepEqual(rest, { three: 3 });
  if (exp.binary) {
    assert.ok(blob instanceof Uint8Array, `bytes arrive as bytes, got ${typeof blob}`);
    assert.deepEqual([...blob], [...BLOB]);
  }
  assert.deepEqual(
    { from: e.from, authid: e.authid, authrole: e.authrole },
    { from: peerId, authid: joined['authid'], authrole: exp.authrole },
  );

  // The peer's event reached us, publisher disclosed.
  assert.deepEqual(cp.events, [
    {
      args: ['hello', 1],
      kwargs: { origin: 'peer' },
      from: peerId,
      authid: joined['authid'],
      authrole: exp.authrole,
    },
  ]);

  // What we did to the peer, and what the router says about its session.
  const h = await withTimeout(cp.handover, 5000, 'the counterpart acting on the peer');
  assert.equal(h.caller.from, peerId);
  const info = ok(h.sessionInfo, 'wamp.session.get');
  const transport = info['transport'] as Dict;
  assert.deepEqual(
    {
      authid: info['authid'],
      authrole: info['authrole'],
      authmethod: info['authmethod'],
      type: transport['type'],
      serializer: transport['serializer'],
      is_secure: transport['is_secure'],
    },
    {
      authid: joined['authid'],
      authrole: exp.authrole,
      authmethod: exp.authmethod,
      type: exp.transport,
      serializer: exp.serializer,
      is_secure: exp.tls,
    },
    'wamp.session.get describes the peer session',
  );
  const echo = ok(h.echo, `call ${P}.peer.echo`);
  assert.deepEqual([echo.args, echo.kwargs], [['peer', 'x', 2], { four: 4, by: 'peer' }]);
  const prog = ok(h.progress.result, `call ${P}.peer.progress`);
  assert.deepEqual(
    h.progress.steps.map((r) => ({ args: r.args, kwargs: r.kwargs })),
    steps,
    'progressive results from the peer',
  );
  assert.deepEqual([prog.args, prog.kwargs], [['done'], { steps: 2 }]);
  assert.equal(h.fail.ok, false, `call ${P}.peer.fail must fail`);
  const err = (h.fail as { error: unknown }).error;
  assert.ok(err instanceof WampError, String(err));
  assert.deepEqual(
    { uri: err.uri, args: err.args, kwargs: err.kwargs },
    { uri: `${P}.error.peer`, args: ['peer failed', 42], kwargs: { code: 42 } },
  );
  ok(h.published, `publish ${P}.peer.inbox`);

  // The router saw the session end.
  const left = await cp.peerLeft(peerId as number);
  assert.equal(left['authid'], joined['authid']);
}

/** A URI-safe, unique prefix for one cell. */
export function cellPrefix(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  return `conf.${slug}.${randomBytes(3).toString('hex')}`;
}

export interface Cell {
  launcher: PeerLauncher;
  /** Where our counterpart connects (anonymous). */
  counterpartUrl: string;
  params: Omit<ScenarioParams, 'prefix' | 'realm'>;
  expect: Expect;
  /** Peer-specific arguments after the scenario's. */
  extraArgs?: string[];
  timeoutMs?: number;
}

/** Run one cell: counterpart up, peer run, both sides checked. */
export async function runScenario(name: string, cell: Cell): Promise<PeerRun> {
  const prefix = cellPrefix(name);
  // Our side speaks another serializer than the peer, so the router translates.
  const ours: Serializer = cell.params.serializer === 'json' ? 'cbor' : 'json';
  const cp = await Counterpart.start(cell.counterpartUrl, prefix, ours);
  try {
    const run = await runPeer(
      cell.launcher,
      [...scenarioArgs({ ...cell.params, prefix, realm: 'realm1' }), ...(cell.extraArgs ?? [])],
      cell.timeoutMs,
    );
    try {
      await check(run, cp, cell.expect);
    } catch (e) {
      if (e instanceof Error) {
        const account = `\n--- ${cell.launcher.name} ---\n${describeRun(run)}`;
        e.message += account;
        e.stack = `${e.stack ?? ''}${account}`;
      }
      throw e;
    }
    return run;
  } finally {
    await cp.close();
  }
}
