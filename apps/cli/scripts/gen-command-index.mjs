#!/usr/bin/env node
// Indexes the CLI's commands at build time (apps/cli/dist/command-index.json): the
// top-level help text and, per command, the modules that define it, so `cdc --help` loads
// no command module and `cdc nodes` only its own.
import { writeFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const { newProgram, registerModules } = await import(new URL('src/command-modules.js', dist).href);
const program = newProgram();
// Help as off a terminal (80 columns), whatever the build runs in.
program.configureOutput({ getOutHelpWidth: () => 80 });
const owners = await registerModules(program);
const index = { help: program.helpInformation(), owners };
writeFileSync(new URL('command-index.json', dist), JSON.stringify(index, null, 1) + '\n');
console.log(`cli command index: ${Object.keys(owners).length} commands`);
