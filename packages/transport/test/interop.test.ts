/**
 * Interop: Debian's autobahn-python (Twisted flavour) joins through our listener over
 * RawSocket and WebSocket with each serializer, calls a procedure and leaves. The router
 * here is a stub that answers HELLO, CALL and GOODBYE; full sessions are covered by the
 * router's interop suite.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketTransport, listen, type Listener } from '../src/index.js';
import { tempDir } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const skip =
  spawnSync(PYTHON, ['-c', 'import autobahn.twisted.component']).status === 0
    ? false
    : 'autobahn-python (Twisted) is not installed';

const SCRIPT = `
import json, sys
from autobahn.twisted.component import Component, run
from autobahn.websocket.compress import PerMessageDeflateOffer, PerMessageDeflateResponseAccept

def make(spec):
    if spec['kind'] == 'rawsocket':
        transport = {'type': 'rawsocket', 'url': spec['url'], 'serializer': spec['serializer']}
    else:
        transport = {'type': 'websocket', 'url': spec['url'], 'serializers': [spec['serializer']]}
        if spec.get('deflate'):
            transport['options'] = {
                'perMessageCompressionOffers': [PerMessageDeflateOffer()],
                'perMessageCompressionAccept': lambda response: PerMessageDeflateResponseAccept(response),
            }
    comp = Component(transports=[transport], realm='realm1')
    state = {}

    @comp.on_join
    async def joined(session, details):
        state['session'] = details.session
        state['call'] = await session.call('com.example.add', 2, 3)
        session.leave()

    @comp.on_leave
    def left(session, details):
        # Twisted turns print() into log events; write to the real stdout.
        sys.__stdout__.write(json.dumps({'name': spec['name'], 'session': state.get('session'),
                             'call': state.get('call'), 'reason': details.reason}) + '\\n')
        sys.__stdout__.flush()
    return comp

run([make(s) for s in json.loads(sys.argv[1])], log_level='error')
`;

const dir = tempDir();
let listener: Listener;
const seen: string[] = [];

before(async () => {
  if (skip !== false) return;
  writeFileSync(join(dir.path, 'client.py'), SCRIPT);
  listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {}, '/deflate': { perMessageDeflate: true } },
    rawsocket: {},
    onTransport(t) {
      const deflate = t instanceof WebSocketTransport && t.extensions === 'permessage-deflate';
      seen.push(`${t.info.type}${deflate ? '-deflate' : ''}/${t.info.serializer}`);
      t.attach({
        onMessage(m) {
          const msg = m as unknown[];
          if (msg[0] === 1)
            t.send([
              2,
              4242,
              {
                roles: { broker: { features: {} }, dealer: { features: {} } },
                authid: 'anon',
                authrole: 'anonymous',
                authmethod: 'anonymous',
              },
            ]);
          else if (msg[0] === 48) {
            const args = msg[4] as number[];
            t.send([50, msg[1], {}, [args[0]! + args[1]!]]);
          } else if (msg[0] === 6) {
            t.send([6, {}, 'wamp.close.goodbye_and_out']);
            t.close(1000);
          }
        },
        onProtocolError: () => undefined,
        onClose: () => undefined,
      });
    },
  });
});
after(async () => {
  if (skip === false) await listener.close();
  dir.remove();
});

test(
  'interop - autobahn-python joins over RawSocket, WebSocket and compressed WebSocket',
  { skip },
  async () => {
    const specs = [
      ...['json', 'msgpack', 'cbor'].flatMap((serializer) => [
        { name: `rawsocket/${serializer}`, kind: 'rawsocket', url: listener.url(), serializer },
        {
          name: `websocket/${serializer}`,
          kind: 'websocket',
          url: listener.url('/ws'),
          serializer,
        },
      ]),
      // As a Crossbar.io edge connects: CBOR with permessage-deflate.
      {
        name: 'websocket-deflate/cbor',
        kind: 'websocket',
        url: listener.url('/deflate'),
        serializer: 'cbor',
        deflate: true,
      },
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const p = spawn(PYTHON, [join(dir.path, 'client.py'), JSON.stringify(specs)]);
      let out = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => {
        p.kill();
        reject(new Error(`autobahn client timed out:\n${out}`));
      }, 30_000);
      p.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    const results = new Map<string, { session: number; call: number; reason: string }>();
    for (const line of output.split('\n'))
      if (line.startsWith('{')) {
        const r = JSON.parse(line) as {
          name: string;
          session: number;
          call: number;
          reason: string;
        };
        results.set(r.name, r);
      }
    for (const spec of specs) {
      assert.deepEqual(
        results.get(spec.name),
        { name: spec.name, session: 4242, call: 5, reason: 'wamp.close.goodbye_and_out' },
        `${spec.name}\n${output}`,
      );
    }
    assert.deepEqual(seen.sort(), specs.map((s) => s.name).sort());
  },
);
