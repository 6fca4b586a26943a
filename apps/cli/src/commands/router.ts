/**
 * `cdc router start --config FILE`: a standalone router from a Crossbar.io router worker
 * entry or a whole node config (SPEC §1). `cdc router start NODE ROUTER` instead starts a
 * router configured in the center (SPEC §4.3; the other center subcommands are in config.ts).
 * @module
 */
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, routerWorkersFromConfig } from '@cdc/config';
import type { RouterHost } from '@cdc/router-host';
import { createLogger } from '../log.js';
import { CliError } from '../errors.js';
import { readJsonFile } from '../input.js';
import type { CenterFlags } from '../center-api.js';
import { connectionOptions } from './api.js';
import { startRouterOnCenter } from './config.js';

type StartFlags = CenterFlags & { config?: string; logLevel: string };

export function registerRouterCommands(program: Command): void {
  const router = program
    .command('router')
    .description('run a standalone WAMP router, or manage routers configured in the center');
  connectionOptions(
    router
      .command('start [node] [router]')
      .description(
        'run a local router from a Crossbar.io router worker or node config file (--config), ' +
          'or start router ROUTER of node NODE as configured in the center',
      ),
  )
    .option('-c, --config <file>', 'config file (router worker entry or node config.json)')
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .action(async (node: string | undefined, id: string | undefined, opts: StartFlags) => {
      if (opts.config !== undefined && node !== undefined)
        throw new CliError(
          'router start takes --config FILE (a local router) or NODE ROUTER (a router ' +
            'configured in the center), not both',
        );
      if (opts.config === undefined) {
        if (node === undefined || id === undefined)
          throw new CliError(
            'router start needs --config FILE (to run a local router) or NODE ROUTER (to ' +
              'start a router configured in the center)',
          );
        return startRouterOnCenter(node, id, opts);
      }
      const file = resolve(opts.config);
      let workers;
      try {
        workers = routerWorkersFromConfig(readJsonFile(file), file);
      } catch (e) {
        if (e instanceof ConfigError) throw new CliError(e.message, e.uri);
        throw e;
      }
      const log = createLogger({ level: opts.logLevel, name: 'router' });
      const { RouterHost } = await import('@cdc/router-host');
      const hosts: RouterHost[] = [];
      const stop = async (signal: string): Promise<void> => {
        log.info({ signal }, 'shutting down');
        await Promise.all(hosts.map((h) => h.stop()));
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
      for (const w of workers) {
        const host = new RouterHost({
          logger: log.child({ worker: w.id }),
          baseDir: dirname(file),
        });
        try {
          await host.start(w);
        } catch (e) {
          await Promise.all(hosts.map((h) => h.stop()));
          throw e;
        }
        hosts.push(host);
        for (const r of w.realms ?? []) log.info({ realm: r.name }, 'realm ready');
        for (const id of host.getTransports()) {
          const t = host.getTransport(id);
          const urls =
            t.type === 'rawsocket'
              ? [host.transportUrl(id)]
              : t.type === 'universal'
                ? [host.transportUrl(id, '/ws'), host.transportUrl(id)]
                : [host.transportUrl(id, '/ws')];
          log.info({ transport: id, type: t.type, url: urls.join(' ') }, 'listening');
        }
      }
      log.info({ workers: workers.length }, 'router running; Ctrl-C to stop');
    });
}
