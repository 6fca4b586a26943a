/**
 * `cdc node start` as a real process with `CDC_URL` set: it connects to the center, is
 * reachable through the bridge, and leaves with GOODBYE on SIGTERM.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dict } from '@cdc/protocol';
import { openNodeDirectory } from '../src/index.js';
import { until } from './helpers.js';
import { startFakeCenter } from './fake-center.js';

const CDC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../apps/cli/bin/cdc.js');
const CLI_BUILT = existsSync(resolve(dirname(CDC), '../dist/src/main.js'));
const root = mkdtempSync(join(tmpdir(), 'cdc-uplink-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

test(
  'uplink - cdc node start with CDC_URL connects to the center',
  { skip: !CLI_BUILT && 'apps/cli is not built' },
  async () => {
    const center = await startFakeCenter();
    await center.serveStatus();
    const dir = join(root, '.crossbar');
    const { node } = await openNodeDirectory(dir);
    center.pair(node.key.publicKeyHex, 'cli-node');
    const child = spawn(process.execPath, [CDC, 'node', 'start', '--cbdir', dir], {
      env: { ...process.env, CDC_URL: center.wsUrl, CROSSBAR_FABRIC_URL: '' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await until(
        () => /node is managed by the center/.test(out),
        15_000,
        `the node managed:\n${out}`,
      );
      const s = await center.call<Dict>('crossbarfabriccenter.node.cli-node.get_status');
      assert.equal(s['management_node_id'], 'cli-node');
      assert.equal(s['pubkey'], node.key.publicKeyHex);
      const conn = center.connections.at(-1);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.deepEqual(
        conn?.messages.find((m) => m[0] === 6),
        [6, {}, 'wamp.close.normal'],
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await center.close();
    }
  },
);
