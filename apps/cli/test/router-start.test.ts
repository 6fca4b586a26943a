import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { joinSession } from '@cdc/client';
import { connect } from '@cdc/transport';
import { killAll, run as runCdc, waitFor, type Run } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-cli-'));
after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]): Run => runCdc(args, { env: { CDC_LOG_LEVEL: 'info' } });

test('cli - router start runs a router from a Crossbar.io router worker config', async () => {
  const cfg = join(dir, 'router.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      type: 'router',
      realms: [
        {
          name: 'realm1',
          roles: [
            {
              name: 'anonymous',
              permissions: [
                {
                  uri: '',
                  match: 'prefix',
                  allow: { call: true, register: true, publish: true, subscribe: true },
                },
              ],
            },
          ],
        },
      ],
      transports: [
        {
          type: 'websocket',
          id: 'ws1',
          endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
        },
      ],
    }),
  );
  const p = run(['router', 'start', '--config', cfg]);
  const m = await waitFor(p.out, /"url":"(ws:\/\/127\.0\.0\.1:\d+\/ws)"/);
  const session = await joinSession(await connect(m[1]!), { realm: 'realm1' });
  assert.equal((await session.call('wamp.session.count')).value, 1);
  await session.leave();
  p.child.kill('SIGTERM');
  assert.equal(await p.exit, 0);
  assert.match(p.out(), /shutting down/);
});

test('cli - router start takes a node config and runs its router workers', async () => {
  const cfg = join(dir, 'config.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      version: 2,
      workers: [
        {
          type: 'router',
          realms: [{ name: 'realm-a' }],
          transports: [
            { type: 'rawsocket', endpoint: { type: 'unix', path: join(dir, 'r1.sock') } },
          ],
        },
        { type: 'guest', executable: '/bin/true' },
      ],
    }),
  );
  const p = run(['router', 'start', '--config', cfg]);
  await waitFor(p.out, /router running/);
  const session = await joinSession(await connect(`unix:${join(dir, 'r1.sock')}`), {
    realm: 'realm-a',
  });
  assert.equal(session.realm, 'realm-a');
  await session.leave();
  p.child.kill('SIGINT');
  assert.equal(await p.exit, 0);
});

test('cli - a bad config is refused with the path of the bad field, nothing starts', async () => {
  const cfg = join(dir, 'bad.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      type: 'router',
      transports: [{ type: 'websocket', endpoint: { type: 'tcp', port: 99999 } }],
    }),
  );
  const p = run(['router', 'start', '--config', cfg]);
  assert.equal(await p.exit, 1);
  assert.match(
    p.err(),
    /^error: crossbar\.error\.invalid_configuration: .*transports\[0\]\.endpoint\.port/m,
  );
  const missing = run(['router', 'start', '--config', join(dir, 'nope.json')]);
  assert.equal(await missing.exit, 1);
  assert.match(missing.err(), /cannot read/);
  writeFileSync(join(dir, 'junk.json'), '{not json');
  const junk = run(['router', 'start', '--config', join(dir, 'junk.json')]);
  assert.equal(await junk.exit, 1);
  assert.match(junk.err(), /not valid JSON/);
});

test('cli - a port in use is crossbar.error.cannot_listen', async () => {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const cfg = join(dir, 'busy.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      type: 'router',
      transports: [{ type: 'websocket', endpoint: { type: 'tcp', port, interface: '127.0.0.1' } }],
    }),
  );
  const p = run(['router', 'start', '--config', cfg]);
  assert.equal(await p.exit, 1);
  assert.match(p.err(), /crossbar\.error\.cannot_listen/);
  server.close();
});
