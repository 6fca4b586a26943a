/**
 * A third-party client through the forwarder: Debian's autobahn-python (Twisted) joins
 * instance A with ticket authentication for a realm only B has, calls a procedure on B,
 * registers one B calls back, and gets B's event — all over the cluster link.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { Session } from '@cdc/client';
import { join, startInstance } from './cluster-link-helpers.js';
import type { Instance, Placement } from './cluster-link-helpers.js';

const PYTHON = '/usr/bin/python3';
const skip =
  spawnSync(PYTHON, ['-c', 'import autobahn.twisted.component']).status === 0
    ? false
    : 'autobahn-python (Twisted) is not installed';

const SCRIPT = `
import json, sys
from autobahn.twisted.component import Component, run
from autobahn.twisted.util import sleep
from autobahn.wamp.types import PublishOptions

comp = Component(
    transports=[{'type': 'websocket', 'url': sys.argv[1], 'serializers': [sys.argv[2]]}],
    realm='owned',
    authentication={'ticket': {'authid': 'joe', 'ticket': 's3cret'}},
)
out = {}

@comp.on_join
async def joined(session, details):
    out['authid'] = details.authid
    out['session'] = details.session
    out['add'] = await session.call('com.b.add', 2, 3)
    await session.register(lambda x: x * 2, 'com.py.double')
    events = []
    await session.subscribe(lambda v: events.append(v), 'com.py.result')
    await session.publish('com.b.ping', 21, options=PublishOptions(acknowledge=True))
    for _ in range(100):
        if events:
            break
        await sleep(0.05)
    out['events'] = events
    session.leave()

@comp.on_leave
def left(session, details):
    out['reason'] = details.reason
    sys.__stdout__.write(json.dumps(out) + '\\n')
    sys.__stdout__.flush()

run([comp], log_level='error')
`;

const placement: Placement = new Map();
let a: Instance;
let b: Instance;
let local: Session;

before(async () => {
  if (skip !== false) return;
  a = await startInstance('a', [], placement);
  b = await startInstance('b', ['owned'], placement);
  local = await join(b.url, 'owned', { authid: 'ann', ticket: 'an0ther' });
  await local.register('com.b.add', (args) => Number(args[0]) + Number(args[1]));
  await local.subscribe('com.b.ping', (args) => {
    void local.call('com.py.double', [args[0]]).then((r) => local.publish('com.py.result', r.args));
  });
});

after(async () => {
  if (skip !== false) return;
  await local.leave().catch(() => undefined);
  await a.close();
  await b.close();
});

function runPython(url: string, serializer: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(PYTHON, ['-c', SCRIPT, url, serializer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        reject(new Error(`autobahn exited ${String(code)}: ${out}\n${err}`));
      }
    });
  });
}

for (const serializer of ['json', 'msgpack']) {
  test(
    `cluster link - autobahn-python (${serializer}) through a forwarding instance`,
    { skip },
    async () => {
      const r = await runPython(a.url, serializer);
      assert.equal(r['authid'], 'joe');
      assert.equal(r['add'], 5);
      assert.deepEqual(r['events'], [42]);
      assert.equal(r['reason'], 'wamp.close.goodbye_and_out'); // the owner's GOODBYE reply
      assert.ok(typeof r['session'] === 'number' && r['session'] > 0);
      assert.equal(a.router.getRealm('owned'), undefined);
    },
  );
}
