/**
 * The owner's commands over the management API (SPEC §4.5): `cdc pair` (one node, or every
 * `DIR/<node_id>/key.pub` with a progress line each), `cdc unpair`, `cdc grant`, `cdc revoke`
 * (by key or by label) and `cdc access`, against the realm of the profile.
 * @module
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ID_RE, USER_ROLES } from '@cdc/api';
import type { AccessInfo } from '@cdc/api';
import { WampError, errorMessage } from '@cdc/protocol';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { CliError } from '../errors.js';
import { choiceArg, jsonObjectArg } from '../input.js';
import { printResult } from '../output.js';
import { withCenter } from '../profile.js';
import { isKeySpec, publicKeyArg } from '../public-key.js';
import { connectionOptions } from './api.js';

type PairFlags = CenterFlags & { extra?: string; keysDir?: string };

const short = (pubkey: string): string => `${pubkey.slice(0, 16)}…`;

function accessRows(list: AccessInfo[]): Record<string, unknown>[] {
  return list.map((a) => ({
    pubkey: short(a.pubkey),
    role: a.role,
    authid: a.authid,
    label: a.label,
    created: a.created,
  }));
}

/** `DIR/<node_id>/key.pub` (or `DIR/<node_id>/.crossbar/key.pub`), by node ID. */
function keysIn(dir: string): { nodeId: string; path: string }[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new CliError(`--keys-dir ${dir}: ${errorMessage(e)}`);
  }
  const out: { nodeId: string; path: string }[] = [];
  for (const e of entries
    .filter((x) => x.isDirectory())
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = [join(dir, e.name, 'key.pub'), join(dir, e.name, '.crossbar', 'key.pub')].find(
      (p) => existsSync(p),
    );
    if (path !== undefined && ID_RE.test(e.name)) out.push({ nodeId: e.name, path });
  }
  if (out.length === 0) throw new CliError(`--keys-dir ${dir}: no <node_id>/key.pub in it`);
  return out;
}

async function pairMany(dir: string, flags: PairFlags): Promise<void> {
  const keys = keysIn(dir).map((k) => ({ ...k, pubkey: publicKeyArg(k.path, 'key file') }));
  const results: Record<string, unknown>[] = [];
  await withCenter(flags, async (cdc) => {
    for (const [i, k] of keys.entries()) {
      const at = `[${i + 1}/${keys.length}] ${k.nodeId}`;
      try {
        await cdc.management.pairNode(k.pubkey, k.nodeId);
        results.push({ node_id: k.nodeId, pubkey: k.pubkey, result: 'paired' });
        if (flags.json !== true) process.stdout.write(`${at} paired (${short(k.pubkey)})\n`);
      } catch (e) {
        if (!(e instanceof WampError)) throw e;
        const message = typeof e.args[0] === 'string' ? e.args[0] : e.uri;
        results.push({ node_id: k.nodeId, pubkey: k.pubkey, error: e.uri, message });
        if (flags.json !== true) process.stdout.write(`${at} failed: ${e.uri}: ${message}\n`);
      }
    }
  });
  if (flags.json === true) printResult(results, true);
  const failed = results.filter((r) => r['error'] !== undefined).length;
  if (failed > 0) throw new CliError(`${failed} of ${keys.length} keys were not paired`);
}

async function pair(nodeId: string | undefined, key: string | undefined, flags: PairFlags) {
  if (flags.keysDir !== undefined) {
    if (nodeId !== undefined) throw new CliError('give NODE_ID PUBKEY or --keys-dir, not both');
    return pairMany(flags.keysDir, flags);
  }
  if (nodeId === undefined || key === undefined)
    throw new CliError('cdc pair takes NODE_ID PUBKEY|key.pub, or --keys-dir DIR');
  const pubkey = publicKeyArg(key, 'node key');
  const extra = flags.extra !== undefined ? jsonObjectArg(flags.extra, '--extra') : undefined;
  return runCall(flags, (cdc) => cdc.management.pairNode(pubkey, nodeId, { nodeExtra: extra }));
}

async function revoke(spec: string, flags: CenterFlags): Promise<void> {
  await withCenter(flags, async (cdc) => {
    let pubkey: string;
    if (isKeySpec(spec)) pubkey = publicKeyArg(spec, 'key');
    else {
      const list = await cdc.management.listAccess();
      const hits = list.filter((a) => a.label === spec);
      const only = hits.length === 1 ? hits[0] : undefined;
      if (only === undefined)
        throw new CliError(
          hits.length === 0
            ? `no key file, key or label "${spec}" (cdc access lists them)`
            : `label "${spec}" names ${hits.length} keys; give the key`,
        );
      pubkey = only.pubkey;
    }
    printResult(await cdc.management.revokeAccess(pubkey), flags.json === true);
  });
}

export function registerAccessCommands(program: Command): void {
  connectionOptions(
    program
      .command('pair [node_id] [pubkey]')
      .description('let a node key (64 hex or key.pub) join this realm as node_id; or --keys-dir'),
  )
    .option('--extra <json>', 'node_extra: JSON (or a file) returned in its node_info')
    .option('--keys-dir <dir>', 'pair every <dir>/<node_id>/key.pub, one call each')
    .action((nodeId: string | undefined, key: string | undefined, flags: PairFlags) =>
      pair(nodeId, key, flags),
    );
  connectionOptions(
    program.command('unpair <node_id>').description('remove a node; a connected node is cut off'),
  ).action((nodeId: string, flags: CenterFlags) =>
    runCall(flags, (cdc) => cdc.management.unpairNode(nodeId)),
  );
  connectionOptions(
    program
      .command('grant <key> <role>')
      .description(`let a key (file or 64 hex) join with a role: ${USER_ROLES.join(', ')}`),
  )
    .option('--label <label>', 'a name for the key (the authid of an API client)')
    .action((key: string, role: string, flags: CenterFlags & { label?: string }) => {
      const pubkey = publicKeyArg(key, 'key');
      const r = choiceArg(role, 'ROLE', USER_ROLES);
      return runCall(flags, (cdc) =>
        cdc.management.grantAccess(pubkey, r, { label: flags.label ?? null }),
      );
    });
  connectionOptions(
    program
      .command('revoke <key_or_label>')
      .description("end a key's access (by key file, 64 hex or label); its sessions close"),
  ).action((spec: string, flags: CenterFlags) => revoke(spec, flags));
  connectionOptions(
    program.command('access').description('keys with access to this realm: roles and labels'),
  ).action((flags: CenterFlags) =>
    runCall(
      flags,
      (cdc) => cdc.management.listAccess(),
      (v) => printResult(accessRows(v as AccessInfo[]), false),
    ),
  );
}
