/**
 * Helpers of the cluster fault tests (`cluster-faults.test.ts`): a node paired with a realm
 * and given every instance's URL, the longest run of failed operations the load saw, and the
 * seed's tutorial programs run with Debian's autobahn-python against one instance.
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@cdc/testkit';
import type { OpRecord } from '../faults/driver.js';
import { CDC, Proc } from '../faults/procs.js';
import type { CenterCluster } from './instances.js';

export const PYTHON = '/usr/bin/python3';

/** Pair node `id` with `realm` (its key made in `root/id`); its controller is not started. */
export async function pairNode(
  c: CenterCluster,
  root: string,
  realm: string,
  id: string,
): Promise<string> {
  const cbdir = join(root, id, '.crossbar');
  mkdirSync(cbdir, { recursive: true });
  writeFileSync(
    join(cbdir, 'config.json'),
    JSON.stringify({
      version: 2,
      controller: { cdc: { heartbeat: { startup_delay: 0.2, heartbeat_period: 1 } } },
      workers: [],
    }),
  );
  const pubkey = execFileSync(process.execPath, [CDC, 'node', 'pubkey', '--cbdir', cbdir], {
    encoding: 'utf8',
  }).trim();
  await c.cdc([
    'center',
    'pair-node',
    '--dir',
    root,
    '--realm',
    realm,
    '--node-id',
    id,
    '--pubkey',
    pubkey,
  ]);
  return cbdir;
}

/** Start a paired node's controller, given every URL (it moves on when one fails). */
export function startNode(id: string, cbdir: string, urls: string[]): Proc {
  return new Proc(id, ['node', 'start', '--cbdir', cbdir, '--log-level', 'info'], {
    env: { CDC_URL: urls.join(','), CROSSBAR_FABRIC_URL: '' },
  });
}

/**
 * The longest time the loop had no success (ms) among operations that started in
 * [from, to): from the end of the last success before a run of failures to the end of the
 * first success after it (or `to`, when none came).
 */
export function longestGap(
  ops: OpRecord[],
  loop: OpRecord['loop'],
  from: number,
  to: number,
): number {
  const mine = ops.filter((r) => r.loop === loop && r.start >= from && r.start < to);
  let lastOk = from;
  let failing = false;
  let gap = 0;
  for (const r of mine) {
    if (!r.ok) {
      failing = true;
      continue;
    }
    if (failing) gap = Math.max(gap, r.end - lastOk);
    failing = false;
    lastOk = r.end;
  }
  if (failing) gap = Math.max(gap, to - lastOk);
  return gap;
}

/** Run `examples/cdc/<file>` as the seed's document does; its exit code and output. */
export function runTutorial(
  file: string,
  env: { CDC_URL: string; CDC_KEY: string; CDC_REALM: string },
): Promise<{ code: number | null; out: string }> {
  const dir = join(repoRoot(), 'examples', 'cdc');
  return new Promise((res) => {
    const p = spawn(PYTHON, [join(dir, file)], { cwd: dir, env: { ...process.env, ...env } });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const t = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.on('exit', (code) => {
      clearTimeout(t);
      res({ code, out });
    });
  });
}
