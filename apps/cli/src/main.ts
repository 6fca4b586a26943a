/**
 * The `cdc` command line.
 * @module
 */
import { Command } from 'commander';
import { registerAccessCommands } from './commands/access.js';
import { registerApiCommands } from './commands/api.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerAuthCommands } from './commands/auth.js';
import { registerCenterCommands } from './commands/center.js';
import { registerConfigCommands } from './commands/config.js';
import { registerGenericCommands } from './commands/generic.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerNodeCommands } from './commands/node.js';
import { registerProfileCommands } from './commands/profile.js';
import { registerQuickstartCommand } from './commands/quickstart.js';
import { registerRegistrationCommands } from './commands/register.js';
import { registerRemoteCommands } from './commands/remote.js';
import { registerRouterCommands } from './commands/router.js';
import { registerWorkerObjectCommands } from './commands/worker-objects.js';
import { reportError } from './errors.js';

const program = new Command();
program
  .name('cdc')
  .description('CDC: the DevOps Center for fleets of WAMP routers')
  .version('0.1.0');
program.showHelpAfterError();
registerRouterCommands(program);
registerNodeCommands(program);
registerCenterCommands(program);
registerApiCommands(program);
// After `router` and `node`: adds the center's configuration subcommands beside theirs.
registerConfigCommands(program);
registerRemoteCommands(program);
registerLogsCommand(program);
registerWorkerObjectCommands(program);
registerProfileCommands(program);
registerAuditCommand(program);
registerQuickstartCommand(program);
registerRegistrationCommands(program);
registerAccessCommands(program);
registerAuthCommands(program);
registerGenericCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.exitCode = reportError(e);
});
