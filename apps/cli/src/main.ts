/**
 * The `cdc` command line. Only the modules of the command being run are loaded (see
 * `command-modules.ts`); top-level help comes from the build's index without any.
 * @module
 */
import { readFileSync } from 'node:fs';
import { newProgram, registerModules } from './command-modules.js';
import type { CommandIndex } from './command-modules.js';
import { reportError } from './errors.js';

function readIndex(): CommandIndex | undefined {
  try {
    return JSON.parse(
      readFileSync(new URL('../command-index.json', import.meta.url), 'utf8'),
    ) as CommandIndex;
  } catch {
    return undefined; // not built with the index: load everything
  }
}

async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  const index = readIndex();
  const first = args.find((a) => !a.startsWith('-'));
  const helpOnly =
    (first === undefined && args.some((a) => a === '--help' || a === '-h')) ||
    (first === 'help' && args.length === 1);
  if (index !== undefined && helpOnly) {
    process.stdout.write(index.help);
    return;
  }
  if (index !== undefined && args.length === 0) {
    // As commander does: what there is to run, on stderr, and a failure.
    process.stderr.write(index.help);
    process.exitCode = 1;
    return;
  }
  // `cdc help nodes` is about `nodes`.
  const name = first === 'help' ? args[args.indexOf('help') + 1] : first;
  const ids = name !== undefined ? index?.owners[name] : undefined;
  const program = newProgram();
  // An unknown command loads them all, so commander can suggest the closest.
  await registerModules(program, ids ?? (first === undefined ? [] : undefined));
  await program.parseAsync(argv);
}

main(process.argv).catch((e: unknown) => {
  process.exitCode = reportError(e);
});
