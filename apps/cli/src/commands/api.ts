/**
 * Commands on the public API of a management realm (SPEC §4.1): `cdc status`,
 * `cdc nodes [--status S]`, and `cdc node status ID` (the center's view of a node).
 * @module
 */
import type { Command } from 'commander';
import type { NodeStatus } from '@cdc/api';
import { DEFAULT_URL, withCenter } from '../profile.js';
import type { ConnectionFlags } from '../profile.js';
import { printResult } from '../output.js';
import { styleFor } from '../format/style.js';
import { nodeView, nodesView, statusView } from '../format/views.js';

type Flags = ConnectionFlags & { json?: boolean };

/** The connection options every center command takes. */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'profile in ~/.cdc/config.json (default "default")')
    .option('--url <url>', `center URL (ws://…/ws, rs://…); default CDC_URL, else ${DEFAULT_URL}`)
    .option('--realm <realm>', 'management realm; default CDC_REALM, else the one the key may join')
    .option(
      '--key <file>',
      'private key (OpenSSH); default CDC_KEY, else ~/.cdc/id_ed25519 or ~/.ssh/id_ed25519',
    )
    .option('--json', 'print JSON');
}

export async function nodeStatus(id: string, flags: Flags): Promise<void> {
  const node = await withCenter(flags, (cdc) => cdc.getNodeStatus(id));
  if (flags.json === true) printResult(node, true);
  else process.stdout.write(nodeView(node, styleFor()));
}

export function registerApiCommands(program: Command): void {
  connectionOptions(program.command('status').description('status of the management realm')).action(
    async (flags: Flags) => {
      const status = await withCenter(flags, (cdc) => cdc.getStatus());
      if (flags.json === true) printResult(status, true);
      else process.stdout.write(statusView(status, styleFor()));
    },
  );
  connectionOptions(program.command('nodes').description('nodes of the management realm'))
    .option('--status <status>', 'only nodes with this status (created, online, running, offline)')
    .action((flags: Flags & { status?: string }) =>
      withCenter(flags, async (cdc) => {
        // get_nodes@2: a list (the unknown status is the center's to refuse).
        const nodes = await cdc.getNodesV2({ status: (flags.status ?? null) as NodeStatus | null });
        if (flags.json === true) printResult(nodes, true);
        else process.stdout.write(nodesView(nodes, styleFor()));
      }),
    );
}
