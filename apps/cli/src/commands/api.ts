/**
 * Commands on the public API of a management realm (SPEC §4.1): `cdc status`,
 * `cdc nodes [--status S]`, and `cdc node status ID` (the center's view of a node).
 * @module
 */
import type { Command } from 'commander';
import type { NodeInfo, NodeStatus } from '@cdc/api';
import { withCenter } from '../profile.js';
import type { ConnectionFlags } from '../profile.js';
import { printResult } from '../output.js';

type Flags = ConnectionFlags & { json?: boolean };

/** The connection options every center command takes. */
export function connectionOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'profile in ~/.cdc/config.json (default "default")')
    .option('--url <url>', 'center URL (ws://…/ws, rs://…)')
    .option('--realm <realm>', 'management realm')
    .option('--key <file>', 'private key (OpenSSH); default ~/.cdc/id_ed25519 or ~/.ssh/id_ed25519')
    .option('--json', 'print JSON');
}

export function nodeRow(n: NodeInfo): Record<string, unknown> {
  const w = n.workers;
  return {
    node_id: n.node_id,
    status: n.status,
    type: n.type,
    workers: `${w.router}r/${w.container}c/${w.guest}g`,
    last_seen: n.last_seen,
    heartbeat: n.heartbeat,
  };
}

export async function nodeStatus(id: string, flags: Flags): Promise<void> {
  await withCenter(flags, async (cdc) => {
    printResult(await cdc.getNodeStatus(id), flags.json === true);
  });
}

export function registerApiCommands(program: Command): void {
  connectionOptions(program.command('status').description('status of the management realm')).action(
    (flags: Flags) =>
      withCenter(flags, async (cdc) => printResult(await cdc.getStatus(), flags.json === true)),
  );
  connectionOptions(program.command('nodes').description('nodes of the management realm'))
    .option('--status <status>', 'only nodes with this status (created, online, running, offline)')
    .action((flags: Flags & { status?: string }) =>
      withCenter(flags, async (cdc) => {
        // get_nodes@2: a list (the unknown status is the center's to refuse).
        const nodes = await cdc.getNodesV2({ status: (flags.status ?? null) as NodeStatus | null });
        printResult(flags.json === true ? nodes : nodes.map(nodeRow), flags.json === true);
      }),
    );
}
