#!/usr/bin/env node
// Transport throughput, router side in this process, clients in a child process (2 cores).
// Usage: node packages/transport/scripts/throughput.mjs [echo|rpc|fanout] [ws|rs] [json|msgpack|cbor]
//   echo:   4 clients x 50 calls in flight, the router side answers each message itself;
//   rpc:    4 callers x 50 calls in flight routed to one callee (CALL → INVOCATION →
//           YIELD → RESULT), as a dealer does;
//   fanout: 100 subscribers, one publisher with 20 acknowledged publishes in flight; each
//           EVENT is serialized once and sent with sendSerialized to every subscriber.
// Figures are printed, never asserted. Build first (`npx tsc -b packages/transport`).
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { listen, connect } from '../dist/src/index.js';

const [mode = 'echo', kind = 'ws', ser = 'json'] = process.argv.slice(2);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 4);
const CALLERS = 4;
const IN_FLIGHT = 50;
const SUBSCRIBERS = 100;
const PUB_WINDOW = 20;

if (process.argv[5] === 'child') await child();
else await parent();

async function parent() {
  const subscribers = [];
  let callee;
  const pending = new Map();
  let invocation = 0;
  const listener = await listen({
    endpoint: { type: 'tcp', host: '127.0.0.1', port: 0 },
    websocket: { '/ws': {} },
    rawsocket: {},
    onTransport(t) {
      t.attach({
        onMessage(m) {
          if (mode === 'echo') t.send(m);
          else if (m[0] === 64) {
            callee = t;
            t.send([65, m[1], 1]);
          } else if (m[0] === 48) {
            const id = ++invocation;
            pending.set(id, [t, m[1]]);
            callee.send([68, id, 1, {}, m[4]]);
          } else if (m[0] === 70) {
            const [caller, request] = pending.get(m[1]);
            pending.delete(m[1]);
            caller.send([50, request, {}, m[3]]);
          } else if (m[0] === 32) {
            subscribers.push(t);
            t.send([33, m[1], 1]);
          } else if (m[0] === 16) {
            const event = t.serializer.serialize([36, 1, m[1], {}, m[4]]);
            for (const s of subscribers) s.sendSerialized(event);
            t.send([17, m[1], m[1]]);
          }
        },
        onProtocolError(e) {
          console.error('protocol error', e);
        },
        onClose() {},
      });
    },
  });
  const url = kind === 'ws' ? listener.url('/ws') : listener.url();
  const cpu0 = process.cpuUsage();
  const c = fork(fileURLToPath(import.meta.url), [mode, kind, ser, 'child'], {
    env: { ...process.env, BENCH_URL: url },
  });
  const result = await new Promise((resolve) => c.on('message', resolve));
  const cpu = process.cpuUsage(cpu0);
  const serverCpuPerOp = ((cpu.user + cpu.system) / result.total).toFixed(2);
  console.log(
    `${mode} ${kind} ${ser}: ` +
      `${Math.round(result.rate).toLocaleString('en')} ${mode === 'fanout' ? 'events' : 'round trips'}/s, ` +
      `router CPU ${serverCpuPerOp} us/op`,
  );
  c.kill();
  await listener.close();
}

async function child() {
  const url = process.env['BENCH_URL'];
  const opts = kind === 'ws' ? { serializers: [ser] } : { serializer: ser };
  const ms = SECONDS * 1000;
  let ops = 0;
  if (mode === 'rpc') {
    const callee = await connect(url, opts);
    await new Promise((resolve) => {
      callee.attach({
        onMessage(m) {
          if (m[0] === 65) resolve();
          else callee.send([70, m[1], {}, [m[4][0] + m[4][1]]]);
        },
        onProtocolError(e) {
          console.error(e);
        },
        onClose() {},
      });
      callee.send([64, 1, {}, 'com.example.add']);
    });
  }
  if (mode === 'rpc' || mode === 'echo') {
    const conns = await Promise.all(Array.from({ length: CALLERS }, () => connect(url, opts)));
    let running = true;
    for (const t of conns) {
      let id = 0;
      t.attach({
        onMessage() {
          ops++;
          if (running) t.send([48, ++id, {}, 'com.example.add', [1, 2]]);
        },
        onProtocolError(e) {
          console.error(e);
        },
        onClose() {},
      });
      for (let i = 0; i < IN_FLIGHT; i++) t.send([48, ++id, {}, 'com.example.add', [1, 2]]);
    }
    await new Promise((r) => setTimeout(r, 500)); // warm-up
    const warm = ops;
    ops = 0;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, ms));
    const dt = (performance.now() - t0) / 1000;
    running = false;
    process.send({ rate: ops / dt, total: ops + warm });
    return;
  }
  const subs = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => connect(url, opts)));
  let ready = 0;
  await new Promise((resolve) => {
    for (const t of subs) {
      t.attach({
        onMessage(m) {
          if (m[0] === 33) {
            if (++ready === SUBSCRIBERS) resolve();
          } else ops++;
        },
        onProtocolError(e) {
          console.error(e);
        },
        onClose() {},
      });
      t.send([32, 1, {}, 'com.example.topic']);
    }
  });
  const pub = await connect(url, opts);
  let id = 0;
  let running = true;
  pub.attach({
    onMessage() {
      if (running) pub.send([16, ++id, { acknowledge: true }, 'com.example.topic', [id, 'hello']]);
    },
    onProtocolError(e) {
      console.error(e);
    },
    onClose() {},
  });
  for (let i = 0; i < PUB_WINDOW; i++)
    pub.send([16, ++id, { acknowledge: true }, 'com.example.topic', [id, 'hello']]);
  await new Promise((r) => setTimeout(r, 500));
  const warm = ops;
  ops = 0;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  const dt = (performance.now() - t0) / 1000;
  running = false;
  process.send({ rate: ops / dt, total: ops + warm });
}
