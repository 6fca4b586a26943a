/**
 * The center's configuration API (SPEC §4.3): routers kept in the center's database
 * (`cdc router create|modify|start|stop|reload|delete|show NODE ROUTER`) and node entries
 * (`cdc node create`). `cdc router` and `cdc node` also have local subcommands (router.ts,
 * node.ts); these are added beside them.
 * @module
 */
import type { Command } from 'commander';
import type { RouterConfigInput } from '@cdc/api';
import type { NodeConfig } from '@cdc/config';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { jsonObjectArg, readJsonObject } from '../input.js';
import { connectionOptions } from './api.js';

/** `cdc router start NODE ROUTER`: the router.ts `start` command calls this for a center. */
export function startRouterOnCenter(
  node: string,
  router: string,
  flags: CenterFlags,
): Promise<void> {
  return runCall(flags, (cdc) => cdc.config.startRouter(node, router));
}

/** The command `name` of `program`, made when there is none yet. */
function subcommand(program: Command, name: string, description: string): Command {
  return (
    program.commands.find((c) => c.name() === name) ??
    program.command(name).description(description)
  );
}

export function registerConfigCommands(program: Command): void {
  const router = subcommand(program, 'router', 'routers');
  const nodeRouter = (name: string, description: string): Command =>
    connectionOptions(router.command(`${name} <node> <router>`).description(description));

  nodeRouter('create', 'store a router config for a node in the center (starts nothing)')
    .requiredOption('--config <file>', 'router worker config (JSON)')
    .action((node: string, id: string, flags: CenterFlags & { config: string }) => {
      // The center validates the config; the CLI only reads it.
      const config = readJsonObject(flags.config) as RouterConfigInput;
      return runCall(flags, (cdc) => cdc.config.createRouter(node, id, config));
    });
  nodeRouter('modify', "change a router's stored config with a JSON Merge Patch (RFC 7396)")
    .requiredOption('--patch <file|json>', 'the merge patch: a JSON file, or JSON text')
    .action((node: string, id: string, flags: CenterFlags & { patch: string }) => {
      const patch = jsonObjectArg(flags.patch, '--patch');
      return runCall(flags, (cdc) => cdc.config.modifyRouter(node, id, patch));
    });
  nodeRouter('stop', 'stop a router configured in the center').action(
    (node: string, id: string, flags: CenterFlags) =>
      runCall(flags, (cdc) => cdc.config.stopRouter(node, id)),
  );
  nodeRouter('reload', 'bring a running router to its stored config')
    .option('--restart', 'restart the worker if a change needs it (else such changes are refused)')
    .action((node: string, id: string, flags: CenterFlags & { restart?: boolean }) =>
      runCall(flags, (cdc) =>
        cdc.config.reloadRouter(node, id, { restartIfRequired: flags.restart === true }),
      ),
    );
  nodeRouter('delete', 'delete a stopped router from the center').action(
    (node: string, id: string, flags: CenterFlags) =>
      runCall(flags, (cdc) => cdc.config.deleteRouter(node, id)),
  );
  nodeRouter('show', 'stored config, status, running config and drift of a router').action(
    (node: string, id: string, flags: CenterFlags) =>
      runCall(flags, (cdc) => cdc.config.getRouter(node, id)),
  );

  const node = subcommand(program, 'node', 'nodes');
  connectionOptions(
    node
      .command('create <node>')
      .description('store a node entry with its config in the center (pair its key separately)'),
  )
    .requiredOption('--config <file>', 'node config (JSON, Crossbar.io config.json format)')
    .action((id: string, flags: CenterFlags & { config: string }) => {
      const config = readJsonObject(flags.config) as unknown as NodeConfig;
      return runCall(flags, (cdc) => cdc.config.createNode(id, config));
    });
}
