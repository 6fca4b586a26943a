/**
 * `cdc quickstart` (the README's `npm start`): a center with an embedded database, an owner
 * key and realm when there are none, a local node paired with it and started, and — once
 * that node is `running` — how to talk to all of it. Everything lives in one directory
 * (default `./.cdc`); the pieces are in `../quickstart/`.
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { createLogger } from '../log.js';
import { CliError } from '../errors.js';
import { webUiBanner } from './quickstart-web.js';
import { errorMessage } from '@cdc/protocol';
import { banner } from '../quickstart/banner.js';
import { nodeConfig, routerPort } from '../quickstart/node-config.js';
import { checkExisting, checkPortFree, quickstartPaths, rel } from '../quickstart/state.js';
import { waitForNode } from '../quickstart/wait.js';

const CDC_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/cdc.js');

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

function portArg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError(`--router-port must be a port number (1-65535), not "${text}"`);
  return port;
}

/** The last lines of the node's log, to quote when it is not up. */
function logTail(file: string, n = 5): string {
  try {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n);
    return lines.map((l) => `    ${l}`).join('\n');
  } catch {
    return '';
  }
}

interface Opts {
  dir: string;
  listen: string;
  routerPort?: string;
  logLevel: string;
  waitForNode: string;
}

export function registerQuickstartCommand(program: Command): void {
  program
    .command('quickstart')
    .description("run a center with a local node paired to it (the README's first command)")
    .option('--dir <dir>', 'where everything lives', '.cdc')
    .option('--listen <host:port>', 'where the center listens', '127.0.0.1:9000')
    .option('--router-port <port>', "the port of a new local node's router (default 8080)")
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'warn')
    .option(
      '--wait-for-node <seconds>',
      'how long node1 may take to be running before the quickstart says what is not up',
      '10',
    )
    .action(async (opts: Opts) => {
      const asked = portArg(opts.routerPort);
      const waitMs = Number(opts.waitForNode) * 1000;
      if (!Number.isFinite(waitMs) || waitMs <= 0)
        throw new CliError(
          `--wait-for-node must be a number of seconds, not "${opts.waitForNode}"`,
        );
      const paths = quickstartPaths(resolve(opts.dir));
      const reusing = checkExisting(paths, asked);
      const port = routerPort(paths.configFile) ?? asked ?? 8080;
      await checkPortFree(port);
      if (reusing !== undefined) process.stderr.write(`${reusing}\n`);

      mkdirSync(paths.dir, { recursive: true });
      const [host = '127.0.0.1', portText = '9000'] = opts.listen.split(':');
      const log = createLogger({ level: opts.logLevel, name: 'quickstart' });
      ensureOwnerKey(paths.ownerKey);
      const [{ Center, pairNode, readPublicKey }, { openNodeDirectory }] = await Promise.all([
        import('@cdc/center'),
        import('@cdc/node'),
      ]);
      const center = new Center({
        host,
        port: Number(portText),
        dir: paths.dataDir,
        logger: log,
        logLevel: opts.logLevel,
        bootstrapOwnerKey: readPublicKey(`${paths.ownerKey}.pub`),
      });
      await center.start();
      mkdirSync(paths.nodeDir, { recursive: true });
      if (!existsSync(paths.configFile))
        writeFileSync(paths.configFile, JSON.stringify(nodeConfig(port), null, 2) + '\n');
      const { node } = await openNodeDirectory(paths.nodeDir);
      if ((await center.domain.lookupKey(node.key.publicKeyHex)).kind === 'unknown') {
        await pairNode(
          center.domain,
          'default',
          'node1',
          { pubkey: node.key.publicKeyHex, comment: null },
          { quickstart: true },
        );
      }
      // The node logs at info into its own file (so `cdc logs` has its workers' lines),
      // leaving the terminal to the quickstart.
      const nodeLog = openSync(paths.nodeLog, 'a');
      const child: ChildProcess = spawn(
        process.execPath,
        [CDC_BIN, 'node', 'start', '--cbdir', paths.nodeDir, '--log-level', 'info'],
        {
          env: { ...process.env, CDC_URL: center.url },
          stdio: ['ignore', nodeLog, nodeLog],
        },
      );
      const state: { stopping: boolean } = { stopping: false };
      const nodeExited = new Promise<string>((res) =>
        child.once('exit', (code, signal) => {
          if (!state.stopping)
            log.error({ code, signal }, `the local node exited; see ${rel(paths.nodeLog)}`);
          res(`its process exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
        }),
      );
      // The node goes first, so its uplink says goodbye instead of losing the center.
      const stop = (): void => {
        if (state.stopping) return;
        state.stopping = true;
        const exited =
          child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : nodeExited;
        child.kill('SIGTERM');
        void Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
          .then(() => center.stop())
          .then(() => process.exit());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);

      const wait = (timeoutMs: number): Promise<string | undefined> =>
        waitForNode({
          url: center.url,
          key: paths.ownerKey,
          nodeId: 'node1',
          timeoutMs,
          nodeExited,
          progress: process.stderr,
        });
      let notUp = await wait(waitMs);
      if (notUp !== undefined && !state.stopping) {
        const tail = logTail(paths.nodeLog);
        process.stderr.write(
          `\nCDC is NOT fully up: ${notUp}.\nThe center runs at ${center.url}; node1's log is ${rel(paths.nodeLog)}` +
            (tail !== '' ? `, ending:\n${tail}\n` : '.\n') +
            'The banner follows once node1 is running; Ctrl-C stops the center and the node.\n',
        );
        // A slow machine: keep waiting (the node's exit ends it).
        notUp = await wait(Number.POSITIVE_INFINITY);
      }
      // Ctrl-C while waiting, or a node that is gone: nothing more to say.
      if (state.stopping || notUp !== undefined) return;
      const healthUrl = center.url.replace(/^ws/, 'http').replace(/\/ws$/, '/health');
      process.stdout.write(
        banner({
          centerUrl: center.url,
          rawSocketUrl: center.rawSocketUrl,
          healthUrl,
          key: rel(paths.ownerKey),
          keyPub: readFileSync(`${paths.ownerKey}.pub`, 'utf8').trim(),
          nodeDir: rel(paths.nodeDir),
          nodeLog: rel(paths.nodeLog),
          routerUrl: `ws://127.0.0.1:${port}/ws`,
          dataDir: rel(paths.dataDir),
        }),
      );
      process.stdout.write(webUiBanner(center, 'default'));
    });
}
