/**
 * What the browser tests run against: a real center (this process, its realm backends as
 * processes) serving the built UI, and a real node — `cdc node start` as a process of its
 * own — paired with the realm, running a guest that prints a line every 300 ms. An owner
 * session (the SDK in Node, a WebCrypto key) sets up what the pages show.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Center, addRealm, pairNode } from '@cdc/center';
import { openNodeDirectory } from '@cdc/node';
import { WebCryptoSigner } from '@cdc/sdk/browser';
import { connectCenter } from '@cdc/sdk/node';
import type { Center as Client } from '@cdc/sdk/node';
import { captureLogger, pinRecorder, repoRoot, until } from '@cdc/testkit';
import type { PinRecorder } from '@cdc/testkit';

export const REALM = 'web-realm';
export const NODE = 'node1';

export interface Fixture {
  /** Replaced by {@link Fixture.restartCenter}. */
  center: Center;
  dir: string;
  /** `http://127.0.0.1:<port>/` */
  base: string;
  owner: Client;
  /** The PINs the global backend makes (the mail's captcha shows the same). */
  pins: PinRecorder;
  stopNode(): Promise<void>;
  /** Stop the center, start a new one on the same port and data directory. */
  restartCenter(): Promise<void>;
  stop(): Promise<void>;
}

const NODE_CONFIG = {
  version: 2,
  controller: { options: { title: 'browser test node' } },
  workers: [
    {
      type: 'guest',
      id: 'ticker',
      executable: process.execPath,
      arguments: ['-e', 'setInterval(() => console.log("tick " + Date.now()), 300)'],
      options: { stdout: 'log' },
    },
  ],
};

export async function startFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-web-'));
  const pins = pinRecorder(dir);
  const make = (port: number): Center =>
    new Center({
      port,
      dir: join(dir, 'data'),
      logger: captureLogger(),
      logLevel: 'warn',
      heartbeatPeriodS: 5,
      reconcileIntervalMs: 200,
      onBackendLog: () => undefined,
      // The registration test reads the PIN the captcha shows from here.
      global: { pinModule: pins.module },
    });
  const center = make(0);
  await center.start();
  const ownerKey = await WebCryptoSigner.generate();
  await addRealm(
    center.domain,
    REALM,
    { pubkey: ownerKey.publicKeyHex, comment: 'owner' },
    'owner',
  );
  await center.reconcile();

  const cbdir = join(dir, 'node', '.crossbar');
  mkdirSync(cbdir, { recursive: true });
  writeFileSync(join(cbdir, 'config.json'), JSON.stringify(NODE_CONFIG));
  const { node } = await openNodeDirectory(cbdir);
  await pairNode(center.domain, REALM, NODE, { pubkey: node.key.publicKeyHex, comment: null }, {});
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(repoRoot(), 'apps/cli/bin/cdc.js'),
      'node',
      'start',
      '--cbdir',
      cbdir,
      '--log-level',
      'warn',
    ],
    { env: { ...process.env, CDC_URL: center.url }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const owner = await connectCenter({ url: center.url, signer: ownerKey, realm: REALM });
  await until(
    // The realm knows the node once it first connects.
    async () => (await owner.getNodes())[NODE]?.status === 'online',
    30_000,
    'the node online',
  );
  let nodeStopped = false;
  const stopNode = async (): Promise<void> => {
    if (nodeStopped) return;
    nodeStopped = true;
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  };
  const base = center.url.replace(/^ws/, 'http').replace(/\/ws$/, '/');
  let stopped = false;
  const fx: Fixture = {
    center,
    dir,
    base,
    owner,
    pins,
    stopNode,
    async restartCenter() {
      await fx.center.stop();
      fx.center = make(Number(new URL(base).port));
      await fx.center.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await owner.close().catch(() => undefined);
      await stopNode();
      await fx.center.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fx;
}
