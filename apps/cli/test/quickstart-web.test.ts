/**
 * The quickstart's way into the web UI: it prints the UI's address, which serves the page,
 * and a one-time link whose token grants one browser key owner access to the realm — once.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, run, waitFor } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-quickstart-web-'));

after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('quickstart prints the web UI and a one-time owner link that works once', async () => {
  const r = run(
    [
      'quickstart',
      '--dir',
      join(root, '.cdc'),
      '--listen',
      '127.0.0.1:0',
      '--router-port',
      String(await freePort()),
    ],
    { cwd: root },
  );
  await waitFor(() => r.out(), /#claim=\S+/, 30_000);
  const [, ui = ''] = /Web UI: (\S+)/.exec(r.out()) ?? [];
  const [, link = ''] = /open (\S+#claim=\S+)/.exec(r.out()) ?? [];
  assert.match(ui, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.ok(link.startsWith(`${ui}#claim=`));
  const page = await fetch(ui);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
  const claim = (pubkey: string) =>
    fetch(`${ui}ui/claim`, {
      method: 'POST',
      body: JSON.stringify({ token: link.split('#claim=')[1], pubkey }),
    });
  const first = await claim('ab'.repeat(32));
  assert.deepEqual(await first.json(), { realm: 'default', role: 'cdc-owner' });
  assert.equal((await claim('cd'.repeat(32))).status, 404, 'spent');
  r.child.kill('SIGINT');
  assert.equal(await r.exit, 0);
});
