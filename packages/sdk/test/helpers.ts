/** A real center on an ephemeral port with its own data dir, OpenSSH user keys, real nodes. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Center, addRealm } from '@cdc/center';
import { parseOpenSshPublicKey } from '@cdc/cryptosign';
import { NodeController, openNodeDirectory } from '@cdc/node';
import { captureLogger, testNodeOptions } from '@cdc/testkit';

import { until } from '@cdc/testkit';

export { until };

export interface TestCenter {
  center: Center;
  url: string;
  dir: string;
  /** Stop the center and start it again on the same port with the same data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCenter(): Promise<TestCenter> {
  const dir = mkdtempSync(join(tmpdir(), 'cdc-sdk-'));
  const make = (port: number): Center =>
    new Center({
      port,
      dir: join(dir, 'data'),
      logger: captureLogger(),
      logLevel: 'warn',
      // Nodes beat every second; a busy machine may hold one back a while.
      heartbeatPeriodS: 5,
      reconcileIntervalMs: 200,
      onBackendLog: () => undefined,
    });
  const tc: TestCenter = {
    center: make(0),
    url: '',
    dir,
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
  await tc.center.start();
  tc.url = tc.center.url;
  return tc;
}

/** An OpenSSH key made by ssh-keygen in the center's dir: its path and public key (hex). */
export function sshKey(
  tc: TestCenter,
  name: string,
  passphrase = '',
): { path: string; pubkey: string } {
  const keys = join(tc.dir, 'keys');
  mkdirSync(keys, { recursive: true });
  const path = join(keys, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path]);
  return { path, pubkey: parseOpenSshPublicKey(readFileSync(`${path}.pub`, 'utf8')).publicKeyHex };
}

/** A management realm owned by a new OpenSSH key (written to the database; the center picks it up). */
export async function ownedRealm(tc: TestCenter, realm: string, owner: string) {
  const key = sshKey(tc, owner);
  await addRealm(tc.center.domain, realm, { pubkey: key.pubkey, comment: owner }, owner);
  await tc.center.reconcile();
  return key;
}

export interface TestNode {
  pubkey: string;
  /** Shut the node down, keeping its directory (and so its key and node ID). */
  pause(): Promise<void>;
  /** Start it again from its directory. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** A real node (controller here, workers as processes) managed by the center. */
export async function startNode(tc: TestCenter, config?: unknown): Promise<TestNode> {
  const root = mkdtempSync(join(tmpdir(), 'cdc-sdk-node-'));
  const dir = join(root, '.crossbar');
  mkdirSync(dir);
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const launch = async (): Promise<{ controller: NodeController; pubkey: string }> => {
    const { node } = await openNodeDirectory(dir);
    const c = new NodeController({ node, ...testNodeOptions(tc.url) });
    await c.start();
    return { controller: c, pubkey: node.key.publicKeyHex };
  };
  const first = await launch();
  let controller: NodeController | undefined = first.controller;
  return {
    pubkey: first.pubkey,
    async pause() {
      await controller?.shutdown();
      controller = undefined;
    },
    async resume() {
      controller ??= (await launch()).controller;
    },
    async stop() {
      await controller?.shutdown();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A real ssh-agent (`-D`) on a socket in the center's dir, holding `key` (its passphrase fed by SSH_ASKPASS). */
export async function agentWith(
  tc: TestCenter,
  key: string,
  passphrase: string,
): Promise<{ socket: string; stop(): Promise<void> }> {
  const socket = join(tc.dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  await until(() => existsSync(socket), 5000, 'the ssh-agent socket');
  const askpass = join(tc.dir, 'askpass.sh');
  writeFileSync(askpass, `#!/bin/sh\necho '${passphrase}'\n`, { mode: 0o700 });
  execFileSync('ssh-add', [key], {
    stdio: 'ignore',
    env: {
      ...process.env,
      SSH_AUTH_SOCK: socket,
      SSH_ASKPASS: askpass,
      SSH_ASKPASS_REQUIRE: 'force',
      DISPLAY: ':0',
    },
  });
  return {
    socket,
    stop: () =>
      new Promise<void>((resolve) => {
        agent.once('exit', () => resolve());
        agent.kill('SIGTERM');
      }),
  };
}
