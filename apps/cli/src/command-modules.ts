/**
 * The CLI's command modules in the order they register (a later one may add subcommands
 * to an earlier one's command: `config` adds `router create…` beside `router start`). Each
 * is loaded only when its commands run: `cdc --help` loads none of them (its text and the
 * module owning each command are indexed at build time, `scripts/gen-command-index.mjs`).
 * @module
 */
import { Command } from 'commander';

type Register = (program: Command) => void;

export const COMMAND_MODULES: [id: string, load: () => Promise<Register>][] = [
  ['router', async () => (await import('./commands/router.js')).registerRouterCommands],
  ['node', async () => (await import('./commands/node.js')).registerNodeCommands],
  ['center', async () => (await import('./commands/center.js')).registerCenterCommands],
  ['api', async () => (await import('./commands/api.js')).registerApiCommands],
  ['config', async () => (await import('./commands/config.js')).registerConfigCommands],
  ['remote', async () => (await import('./commands/remote.js')).registerRemoteCommands],
  ['logs', async () => (await import('./commands/logs.js')).registerLogsCommand],
  [
    'worker-objects',
    async () => (await import('./commands/worker-objects.js')).registerWorkerObjectCommands,
  ],
  ['profile', async () => (await import('./commands/profile.js')).registerProfileCommands],
  ['audit', async () => (await import('./commands/audit.js')).registerAuditCommand],
  ['quickstart', async () => (await import('./commands/quickstart.js')).registerQuickstartCommand],
  ['register', async () => (await import('./commands/register.js')).registerRegistrationCommands],
  ['access', async () => (await import('./commands/access.js')).registerAccessCommands],
  ['auth', async () => (await import('./commands/auth.js')).registerAuthCommands],
  ['token', async () => (await import('./commands/token.js')).registerTokenCommands],
  ['generic', async () => (await import('./commands/generic.js')).registerGenericCommands],
];

/** The program without its commands: the same for `cdc`, its help index and its tests. */
export function newProgram(): Command {
  const program = new Command();
  program
    .name('cdc')
    .description('CDC: the DevOps Center for fleets of WAMP routers')
    .version('0.1.0');
  program.showHelpAfterError();
  return program;
}

/** What the build indexes: the top-level help, and the modules behind each command. */
export interface CommandIndex {
  help: string;
  owners: Record<string, string[]>;
}

/**
 * Register the modules with `ids` (all by default), in their order; returns, for the
 * index, which modules added or extended each top-level command.
 */
export async function registerModules(
  program: Command,
  ids?: readonly string[],
): Promise<Record<string, string[]>> {
  const owners: Record<string, string[]> = {};
  const shape = (): Map<string, number> =>
    new Map(program.commands.map((c) => [c.name(), c.commands.length]));
  for (const [id, load] of COMMAND_MODULES) {
    if (ids !== undefined && !ids.includes(id)) continue;
    const before = shape();
    (await load())(program);
    for (const [name, subs] of shape())
      if (before.get(name) !== subs) (owners[name] ??= []).push(id);
  }
  return owners;
}
