/**
 * The two generic commands SPEC §7 promises: `cdc call URI [ARGS…] [--kwargs JSON]` (any
 * procedure the key may call; each argument JSON when it parses, else a string) and
 * `cdc subscribe TOPIC` (one JSON line per event until Ctrl-C).
 * @module
 */
import type { Command } from 'commander';
import type { CenterFlags } from '../center-api.js';
import { choiceArg, jsonObjectArg } from '../input.js';
import { parseValue, printResult } from '../output.js';
import { untilInterrupted, withCenter } from '../profile.js';
import { connectionOptions } from './api.js';

type CallFlags = CenterFlags & { kwargs?: string };
type SubscribeFlags = CenterFlags & { match?: string };

async function call(uri: string, raw: string[], flags: CallFlags): Promise<void> {
  const args = raw.map(parseValue);
  const kwargs = flags.kwargs !== undefined ? jsonObjectArg(flags.kwargs, '--kwargs') : {};
  await withCenter(flags, async (cdc) => {
    const r = await cdc.call(uri, args, kwargs);
    // Results with keyword results (or several) print whole; the usual single value alone.
    const whole = Object.keys(r.kwargs).length > 0 || r.args.length > 1;
    printResult(whole ? { args: r.args, kwargs: r.kwargs } : r.value, flags.json === true);
  });
}

async function subscribe(topic: string, flags: SubscribeFlags): Promise<void> {
  const match = choiceArg(flags.match ?? 'exact', '--match', ['exact', 'prefix', 'wildcard']);
  await withCenter(flags, async (cdc) => {
    await cdc.subscribe(
      topic,
      (args, kwargs, d) => {
        process.stdout.write(`${JSON.stringify({ topic: d.topic, args, kwargs })}\n`);
      },
      { match },
    ).ready;
    process.stderr.write(`subscribed to ${topic}; Ctrl-C to stop\n`);
    await untilInterrupted(cdc);
  });
}

export function registerGenericCommands(program: Command): void {
  connectionOptions(
    program
      .command('call <uri> [args...]')
      .description('call any procedure (args as JSON or text)'),
  )
    .option('--kwargs <json>', 'keyword arguments: a JSON object (or a file)')
    .action((uri: string, args: string[], flags: CallFlags) => call(uri, args, flags));
  connectionOptions(
    program
      .command('subscribe <topic>')
      .description('print the events of a topic as JSON lines until Ctrl-C'),
  )
    .option('--match <policy>', 'exact (default), prefix or wildcard')
    .action((topic: string, flags: SubscribeFlags) => subscribe(topic, flags));
}
