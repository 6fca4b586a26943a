/**
 * The `cdc` command line.
 * @module
 */
import { Command } from 'commander';
import { registerApiCommands } from './commands/api.js';
import { registerCenterCommands } from './commands/center.js';
import { registerNodeCommands } from './commands/node.js';
import { registerQuickstartCommand } from './commands/quickstart.js';
import { registerRouterCommands } from './commands/router.js';
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
registerQuickstartCommand(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.exitCode = reportError(e);
});
