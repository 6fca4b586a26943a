import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, run, waitFor } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-cli-node-'));
after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

function nodeDir(name: string, config?: unknown): string {
  const dir = join(root, name, '.crossbar');
  mkdirSync(dir, { recursive: true });
  if (config !== undefined) writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

const OPEN = {
  name: 'anonymous',
  permissions: [
    {
      uri: '',
      match: 'prefix',
      allow: { call: true, register: true, publish: true, subscribe: true },
    },
  ],
};

test('cli node - start logs the public key, runs its workers, is driven locally and stops cleanly on SIGTERM', async () => {
  const dir = nodeDir('n1', {
    version: 2,
    workers: [
      {
        type: 'router',
        id: 'r1',
        realms: [{ name: 'realm1', roles: [OPEN] }],
        transports: [
          { type: 'websocket', endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' } },
        ],
      },
      {
        type: 'guest',
        id: 'g1',
        executable: process.execPath,
        arguments: ['-e', "console.log('guest up'); setInterval(() => {}, 1000)"],
      },
    ],
  });
  const p = run(['node', 'start', '--cbdir', dir]);
  const key = await waitFor(() => p.out(), /Node Public Key: ([0-9a-f]{64})/);
  await waitFor(() => p.out(), /node started/);
  const pub = run(['node', 'pubkey', '--cbdir', dir]);
  assert.equal(await pub.exit, 0);
  assert.equal(pub.out().trim(), key[1]);
  const status = run(['node', 'status', '--cbdir', dir, '--json']);
  assert.equal(await status.exit, 0, status.err());
  assert.equal((JSON.parse(status.out()) as { running_workers: number }).running_workers, 2);
  const workers = run(['node', 'workers', '--cbdir', dir]);
  assert.equal(await workers.exit, 0);
  assert.match(workers.out(), /^ID\s+PID\s+TYPE/m);
  assert.match(workers.out(), /^r1\s+\d+\s+router\s+started/m);
  const logs = run(['node', 'logs', 'g1', '--cbdir', dir]);
  assert.equal(await logs.exit, 0);
  assert.match(logs.out(), /guest up/);
  const callOut = run(['node', 'call', 'worker.r1.get_router_realms', '--cbdir', dir, '--json']);
  assert.equal(await callOut.exit, 0, callOut.err());
  assert.deepEqual(JSON.parse(callOut.out()), ['realm1']);
  const bad = run(['node', 'call', 'get_worker', 'nope', '--cbdir', dir]);
  assert.equal(await bad.exit, 1);
  assert.match(bad.err(), /^error: crossbar\.error\.no_such_worker: /m);
  p.child.kill('SIGTERM');
  assert.equal(await p.exit, 0);
  assert.match(p.out(), /worker stopped/);
  assert.ok(!existsSync(join(dir, 'controller.sock')), 'the management socket is removed');
});

test('cli node - pubkey makes the key pair on a fresh directory', async () => {
  const dir = nodeDir('n2');
  const p = run(['node', 'pubkey', '--cbdir', dir]);
  assert.equal(await p.exit, 0);
  assert.match(p.out(), /^[0-9a-f]{64}\n$/);
  assert.match(
    readFileSync(join(dir, 'key.pub'), 'utf8'),
    new RegExp(`public-key-ed25519: ${p.out().trim()}`),
  );
});

test('cli node - check validates config.json and names every bad path', async () => {
  const ok = nodeDir('n3', {
    version: 2,
    workers: [{ type: 'guest', id: 'g', executable: 'true' }],
  });
  const good = run(['node', 'check', '--cbdir', ok]);
  assert.equal(await good.exit, 0);
  assert.match(good.out(), /OK \(1 worker: g \(guest\)\)/);
  const badDir = nodeDir('n4', {
    version: 2,
    workers: [
      { type: 'router', id: 'R!', transports: [{ type: 'websocket', endpoint: { type: 'tcp' } }] },
      { type: 'boat' },
    ],
  });
  const bad = run(['node', 'check', '--cbdir', badDir]);
  assert.equal(await bad.exit, 1);
  assert.match(bad.err(), /workers\[0\]\.id: /);
  assert.match(bad.err(), /workers\[0\]\.transports\[0\]\.endpoint: missing required field "port"/);
  assert.match(bad.err(), /workers\[1\]\.type/);
  assert.match(
    bad.err(),
    /error: crossbar\.error\.invalid_configuration: invalid configuration \(\d+ problems\)/,
  );
});

test('cli node - a node whose config cannot start stops everything and exits non-zero', async () => {
  const net = await import('node:net');
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  const dir = nodeDir('n5', {
    version: 2,
    workers: [
      {
        type: 'guest',
        id: 'g1',
        executable: process.execPath,
        arguments: ['-e', 'setInterval(() => {}, 1000)'],
      },
      {
        type: 'router',
        id: 'r1',
        transports: [
          { type: 'websocket', endpoint: { type: 'tcp', port, interface: '127.0.0.1' } },
        ],
      },
    ],
  });
  const p = run(['node', 'start', '--cbdir', dir]);
  assert.equal(await p.exit, 1);
  assert.match(p.err(), /crossbar\.error\.cannot_listen/);
  assert.match(p.out(), /worker stopped/, 'the guest started before was stopped');
  busy.close();
  const invalid = nodeDir('n6', { version: 2, workers: [{ type: 'router', realms: 'x' }] });
  const q = run(['node', 'start', '--cbdir', invalid]);
  assert.equal(await q.exit, 1);
  assert.match(q.err(), /workers\[0\]\.realms/);
  assert.doesNotMatch(q.out(), /starting worker/);
});

/** Running, not just a zombie waiting for a parent (PID 1 here) to reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^Z|^X/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

test('cli node - a second node on the same directory is refused; a SIGKILLed node leaves no guest behind', async () => {
  const dir = nodeDir('n-orphan', {
    version: 2,
    workers: [
      {
        type: 'guest',
        id: 'g1',
        executable: process.execPath,
        // A guest that ignores SIGTERM: the next controller has to escalate to SIGKILL.
        arguments: ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"],
      },
    ],
  });
  const first = run(['node', 'start', '--cbdir', dir]);
  await waitFor(() => first.out(), /node started/);
  const owner = JSON.parse(readFileSync(join(dir, 'node.pid'), 'utf8')) as { pid: number };
  assert.equal(owner.pid, first.child.pid);
  const [guest] = JSON.parse(readFileSync(join(dir, 'workers.json'), 'utf8')) as {
    id: string;
    pid: number;
  }[];
  assert.equal(guest?.id, 'g1');
  const guestPid = guest.pid;

  const second = run(['node', 'start', '--cbdir', dir]);
  assert.equal(await second.exit, 1);
  assert.match(
    second.err(),
    new RegExp(`a node is already running from .* \\(PID ${owner.pid}\\)`),
  );
  assert.ok(alive(guestPid), "the refused node left the first node's guest alone");

  first.child.kill('SIGKILL');
  await first.exit;
  assert.ok(alive(guestPid), 'a guest survives its SIGKILLed controller');

  const third = run(['node', 'start', '--cbdir', dir]);
  await waitFor(() => third.out(), /node started/);
  assert.match(third.out(), /stopping a worker left running by a previous controller/);
  assert.match(third.out(), /orphaned worker ignored SIGTERM: killing it/);
  assert.ok(!alive(guestPid), 'the orphan is gone');
  const now = JSON.parse(readFileSync(join(dir, 'workers.json'), 'utf8')) as { pid: number }[];
  assert.equal(now.length, 1);
  assert.notEqual(now[0]?.pid, guestPid, 'the file now names the new guest');
  third.child.kill('SIGTERM');
  assert.equal(await third.exit, 0);
  assert.ok(!existsSync(join(dir, 'node.pid')), 'a clean stop releases the directory');
  assert.ok(!existsSync(join(dir, 'workers.json')), 'and leaves no live workers on record');
});
