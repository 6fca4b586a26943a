/**
 * `cdc quickstart` (the README's `npm start`): a center with an embedded database, an owner
 * key and realm when there are none, a local node paired with it and started, and how to
 * talk to all of it. Everything lives in one directory (default `./.cdc`).
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { openNodeDirectory } from '@cdc/node';
import { createLogger } from '../log.js';
import { CliError } from '../errors.js';
import { errorMessage } from '@cdc/protocol';

const CDC_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/cdc.js');

/** The node's config: one router worker with `realm1`, open to anonymous, on `port`. */
const nodeConfig = (port: number) => ({
  version: 2,
  controller: { options: { title: 'quickstart node' } },
  workers: [
    {
      type: 'router',
      id: 'router1',
      options: { restart: 'on-failure' },
      realms: [
        {
          name: 'realm1',
          roles: [
            {
              name: 'anonymous',
              permissions: [
                {
                  uri: '',
                  match: 'prefix',
                  allow: { call: true, register: true, publish: true, subscribe: true },
                },
              ],
            },
          ],
        },
      ],
      transports: [
        {
          type: 'universal',
          id: 'main',
          endpoint: { type: 'tcp', port, interface: '127.0.0.1' },
          rawsocket: {},
          websocket: { ws: {} },
          web: { paths: { info: { type: 'nodeinfo' } } },
        },
      ],
    },
  ],
});

/** The port of the node's first TCP transport, as its config (perhaps edited since) says. */
function routerPort(configFile: string): number | undefined {
  type Config = { workers?: { transports?: { endpoint?: { type?: string; port?: number } }[] }[] };
  try {
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Config;
    for (const w of config.workers ?? [])
      for (const t of w.transports ?? [])
        if (t.endpoint?.type === 'tcp' && typeof t.endpoint.port === 'number')
          return t.endpoint.port;
  } catch {
    // Not a config we can read: the node itself reports what is wrong with it.
  }
  return undefined;
}

/** An OpenSSH Ed25519 key pair made with `ssh-keygen`, as a user would make it. */
function ensureOwnerKey(file: string): void {
  if (existsSync(file)) return;
  try {
    execFileSync(
      'ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-C', 'owner@quickstart', '-f', file],
      { stdio: 'ignore' },
    );
  } catch (e) {
    throw new CliError(
      `could not make an owner key with ssh-keygen (install openssh-client): ${errorMessage(e)}`,
    );
  }
}

export function registerQuickstartCommand(program: Command): void {
  program
    .command('quickstart')
    .description("run a center with a local node paired to it (the README's first command)")
    .option('--dir <dir>', 'where everything lives', '.cdc')
    .option('--listen <host:port>', 'where the center listens', '127.0.0.1:9000')
    .option('--router-port <port>', "the port of the local node's router (a new node only)", '8080')
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'warn')
    .action(async (opts: { dir: string; listen: string; routerPort: string; logLevel: string }) => {
      const port = Number(opts.routerPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new CliError(
          `--router-port must be a port number (1-65535), not "${opts.routerPort}"`,
        );
      const dir = resolve(opts.dir);
      mkdirSync(dir, { recursive: true });
      const [host = '127.0.0.1', portText = '9000'] = opts.listen.split(':');
      const log = createLogger({ level: opts.logLevel, name: 'quickstart' });
      const ownerKey = join(dir, 'owner_ed25519');
      ensureOwnerKey(ownerKey);
      const { Center, pairNode, readPublicKey } = await import('@cdc/center');
      const center = new Center({
        host,
        port: Number(portText),
        dir: join(dir, 'data'),
        logger: log,
        logLevel: opts.logLevel,
        bootstrapOwnerKey: readPublicKey(`${ownerKey}.pub`),
      });
      await center.start();
      const nodeDir = join(dir, 'node', '.crossbar');
      mkdirSync(nodeDir, { recursive: true });
      const configFile = join(nodeDir, 'config.json');
      if (!existsSync(configFile))
        writeFileSync(configFile, JSON.stringify(nodeConfig(port), null, 2) + '\n');
      const { node } = await openNodeDirectory(nodeDir);
      if ((await center.domain.lookupKey(node.key.publicKeyHex)).kind === 'unknown') {
        await pairNode(
          center.domain,
          'default',
          'node1',
          { pubkey: node.key.publicKeyHex, comment: null },
          { quickstart: true },
        );
      }
      const child: ChildProcess = spawn(
        process.execPath,
        [CDC_BIN, 'node', 'start', '--cbdir', nodeDir, '--log-level', opts.logLevel],
        {
          env: { ...process.env, CDC_URL: center.url },
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      );
      // The node goes first, so its uplink says goodbye instead of losing the center.
      const stop = (): void => {
        const exited = new Promise<void>((r) => {
          if (child.exitCode !== null) r();
          else child.once('exit', () => r());
        });
        child.kill('SIGTERM');
        void Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
          .then(() => center.stop())
          .then(() => process.exit());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      child.once('exit', (code) => {
        if (code !== 0 && code !== null) log.error({ code }, 'the local node exited');
      });
      const rel = (p: string): string => relative(process.cwd(), p) || '.';
      const key = rel(ownerKey);
      const keyPub = readFileSync(`${ownerKey}.pub`, 'utf8').trim();
      process.stdout.write(
        [
          '',
          'CDC is running.',
          `  center       ${center.url}   (RawSocket ${center.rawSocketUrl}, health ${center.url.replace(/^ws/, 'http').replace(/\/ws$/, '/health')})`,
          `  realm        default, owned by the key ${key} (${keyPub.slice(0, 30)}…)`,
          `  node         node1, directory ${rel(nodeDir)}; its router: ws://127.0.0.1:${routerPort(configFile) ?? port}/ws, realm realm1`,
          `  data         ${rel(join(dir, 'data'))} (SQLite)`,
          '',
          'Try, in another terminal:',
          `  export CDC_URL=${center.url} CDC_KEY=${key}`,
          '  npx cdc status',
          '  npx cdc nodes',
          '  npx cdc node status node1',
          "  /usr/bin/python3 examples/cdc/tut1.py      # the seed's tutorials (Debian python3-autobahn)",
          '  /usr/bin/python3 examples/cdc/tut2.py',
          '',
          'Ctrl-C stops the center and the node.',
          '',
        ].join('\n'),
      );
    });
}
