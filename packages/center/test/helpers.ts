/** Test helpers: a center on an ephemeral port with its own data dir, users, and real nodes. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { captureLogger, testNodeOptions } from '@cdc/testkit';
import type { CapturedLog } from '@cdc/testkit';

export { until, captureLogger } from '@cdc/testkit';
import { connect } from '@cdc/transport';
import { WampError } from '@cdc/protocol';
import { NodeController, openNodeDirectory } from '@cdc/node';
import { Center, addRealm } from '../src/index.js';
import type { GlobalBackendOptions, HttpApiLimits } from '../src/index.js';

export interface TestCenter {
  center: Center;
  dir: string;
  log: CapturedLog;
  url: string;
  /** Stop the center and start it again on the same port with the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCenter(
  opts: {
    databaseUrl?: string;
    heartbeatPeriodS?: number;
    tls?: { key: string; cert: string };
    global?: GlobalBackendOptions;
    /** The backends' log level; default info. */
    logLevel?: string;
    httpApi?: Partial<HttpApiLimits>;
  } = {},
): Promise<TestCenter> {
  const dir = mkdtempSync(joinPath(tmpdir(), 'cdc-center-'));
  const log = captureLogger();
  const make = (port: number): Center =>
    new Center({
      port,
      dir: joinPath(dir, 'data'),
      databaseUrl: opts.databaseUrl,
      logger: log,
      logLevel: opts.logLevel ?? 'info',
      heartbeatPeriodS: opts.heartbeatPeriodS ?? 1,
      reconcileIntervalMs: 200,
      tls: opts.tls,
      ...(opts.global !== undefined ? { global: opts.global } : {}),
      ...(opts.httpApi !== undefined ? { httpApi: opts.httpApi } : {}),
      // Backend processes log pino JSON lines; keep them with the center's records.
      onBackendLog: (realm, line) => {
        try {
          const { msg, level, ...rest } = JSON.parse(line) as {
            msg?: string;
            level?: number;
          } & Record<string, unknown>;
          log.records.push({
            level: (level ?? 30) >= 40 ? 'warn' : 'info',
            obj: { ...rest, realm },
            msg,
          });
        } catch {
          log.records.push({ level: 'info', obj: { realm }, msg: line });
        }
      },
    });
  const center = make(0);
  await center.start();
  const tc: TestCenter = {
    center,
    dir,
    log,
    url: center.url,
    async restart() {
      const port = Number(new URL(tc.url).port);
      await tc.center.stop();
      tc.center = make(port);
      await tc.center.start();
    },
    async stop() {
      await tc.center.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return tc;
}

/** A user key that owns a new realm (created in the database; the center picks it up). */
export async function ownedRealm(
  c: TestCenter,
  realm: string,
  owner = 'alice',
): Promise<SigningKey> {
  const key = SigningKey.generate();
  await addRealm(c.center.domain, realm, { pubkey: key.publicKeyHex, comment: null }, owner);
  await c.center.reconcile();
  return key;
}

/** A session that joins as a node would, with `key` (paired or not). */
export async function joinAsNode(c: TestCenter, key: SigningKey): Promise<Session> {
  return joinSession(await connect(c.url), {
    realm: null,
    authrole: 'node',
    authmethods: ['cryptosign'],
    signer: new KeySigner(key),
  });
}

/** Publish a node heartbeat (acknowledged, so it has reached the router). */
export async function heartbeat(
  node: Session,
  nodeId: string,
  hb: Record<string, unknown>,
): Promise<void> {
  await node.publish(
    'crossbarfabriccenter.node.on_heartbeat',
    [nodeId, hb],
    {},
    { acknowledge: true },
  );
}

/** An allow-all role for the routers of node tests. */
export const OPEN_ROLE = {
  name: 'anonymous',
  permissions: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
};

/** A router worker config: realm `realm1` open to anonymous, a WebSocket on an ephemeral port. */
export const OPEN_ROUTER = {
  realms: [{ name: 'realm1', roles: [OPEN_ROLE] }],
  transports: [
    { type: 'websocket', id: 'ws1', endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' } },
  ],
};

/** Asserts `p` fails with the WAMP error `uri`, a message first (matching `message`). */
export function rejectsWith(p: Promise<unknown>, uri: string, message?: RegExp): Promise<void> {
  return assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof WampError, String(e));
    assert.equal(e.uri, uri, String(e.args[0]));
    assert.equal(typeof e.args[0], 'string', 'a human message comes first');
    if (message !== undefined) assert.match(e.args[0] as string, message);
    return true;
  });
}

export async function join(c: TestCenter, key: SigningKey, realm: string | null): Promise<Session> {
  return joinSession(await connect(c.url), {
    realm,
    authmethods: ['cryptosign'],
    signer: new KeySigner(key),
  });
}

export interface TestNode {
  controller: NodeController;
  pubkey: string;
  dir: string;
  /** Shut the node down; `keep` keeps its directory for a restart. */
  stop(keep?: boolean): Promise<void>;
}

/**
 * A real node (its controller in this process, its router worker a real process) managed by
 * the center; `dir` restarts a node from the directory (and key) of an earlier one.
 */
export async function startNode(
  c: TestCenter,
  config?: unknown,
  reuse?: { dir: string },
): Promise<TestNode> {
  const root =
    reuse === undefined ? mkdtempSync(joinPath(tmpdir(), 'cdc-center-node-')) : undefined;
  const dir = reuse?.dir ?? joinPath(root as string, '.crossbar');
  mkdirSync(dir, { recursive: true });
  if (config !== undefined) writeFileSync(joinPath(dir, 'config.json'), JSON.stringify(config));
  const { node } = await openNodeDirectory(dir);
  const controller = new NodeController({ node, ...testNodeOptions(c.url) });
  await controller.start();
  return {
    controller,
    pubkey: node.key.publicKeyHex,
    dir,
    async stop(keep = false) {
      await controller.shutdown();
      if (!keep && root !== undefined) rmSync(root, { recursive: true, force: true });
    },
  };
}

export const ROUTER_CONFIG = {
  version: 2,
  workers: [
    {
      type: 'router',
      id: 'router1',
      realms: [{ name: 'realm1' }],
      transports: [
        {
          type: 'websocket',
          id: 'ws1',
          endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        },
      ],
    },
  ],
};
