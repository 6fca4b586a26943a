#!/usr/bin/env node
// What the limits of issue 14 cost on the paths they sit on (docs/RELIABILITY.md, "Limits
// and hostile input"): the per-connection checks (accept, HELLO, WELCOME), the per-request
// caps (REGISTER, SUBSCRIBE), and the nesting scan every received message of more than 128
// bytes goes through before it is decoded, against the decode itself. Figures only.
//
//   node bench/limits.mjs [--iterations=200000]
import { createRequire } from 'node:module';
import { Router } from '@cdc/router';
import { MAX_NESTING_DEPTH, SERIALIZERS } from '@cdc/protocol';

const flags = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    return m ? [m[1], m[2] ?? true] : [a, true];
  }),
);
const N = Number(flags.iterations ?? 200_000);

function ns(label, n, f) {
  for (let i = 0; i < Math.min(n, 20_000); i++) f(i); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f(i);
  const per = Number(process.hrtime.bigint() - t0) / n;
  return [label, per];
}

const rows = [];
const limits = new Router().limits;
const conns = Array.from({ length: 1000 }, () => ({}));
rows.push(
  ns('accept + WELCOME: pending count in and out (per connection)', N, (i) => {
    const c = conns[i % 1000];
    limits.enter(c, `tcp4:10.0.${(i >> 8) & 255}.${i & 255}:${i & 65535}`);
    limits.leave(c);
  }),
);
rows.push(
  ns('HELLO: failed-authentication check, nothing failed (per handshake)', N, (i) =>
    limits.throttled(`tcp4:10.0.0.${i & 255}:4000`, `user${i & 1023}`),
  ),
);
rows.push(
  ns('REGISTER / SUBSCRIBE: cap check (per request)', N, (i) => limits.registration(i & 1023)),
);

// Messages as they arrive: a CALL, a mid-sized PUBLISH, and a 64 KiB one.
const messages = {
  'CALL, 60 B': [48, 1, {}, 'com.example.add', [1, 2]],
  'PUBLISH, ~1 KiB': [16, 2, {}, 'com.example.topic', [{ text: 'x'.repeat(900), n: [1, 2, 3] }]],
  'PUBLISH, ~64 KiB': [
    16,
    3,
    {},
    'com.example.topic',
    Array.from({ length: 500 }, (_, i) => ({ i, s: 'y'.repeat(120) })),
  ],
};
const req = createRequire(import.meta.url);
const protocolDist = req.resolve('@cdc/protocol').replace(/index\.js$/, '');
const depth = await import(`${protocolDist}serializers/depth.js`);
const { checkJsonDepth, checkMsgpackDepth, checkCborDepth } = depth;
const scans = { json: checkJsonDepth, msgpack: checkMsgpackDepth, cbor: checkCborDepth };
const scanRows = [];
for (const [name, m] of Object.entries(messages)) {
  for (const id of ['json', 'msgpack', 'cbor']) {
    const s = SERIALIZERS[id];
    // Sockets deliver bytes: JSON too is decoded from a Buffer.
    const out = s.serialize(m);
    const data = typeof out === 'string' ? Buffer.from(out) : out;
    const n = Math.max(200, Math.floor(N / Math.max(1, data.length / 64)));
    const [, scan] = ns('', n, () => scans[id](data, MAX_NESTING_DEPTH));
    const [, decode] = ns('', n, () => s.unserialize(data));
    scanRows.push([`${name}, ${id} (${data.length} B)`, scan, decode]);
  }
}

console.log(`limits: cost per check (ns), ${N} iterations, node ${process.version}`);
console.log('| check | ns |\n|---|---:|');
for (const [l, v] of rows) console.log(`| ${l} | ${v.toFixed(0)} |`);
console.log('\nnesting scan before decoding vs the whole decode (which includes the scan)');
console.log('| message | scan (ns) | decode (ns) | scan share |\n|---|---:|---:|---:|');
for (const [l, scan, decode] of scanRows)
  console.log(
    `| ${l} | ${scan.toFixed(0)} | ${decode.toFixed(0)} | ${((100 * scan) / decode).toFixed(1)} % |`,
  );
