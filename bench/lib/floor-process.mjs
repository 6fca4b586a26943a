// The floor for `bench/run.mjs --floor` (issue 16): the least a Node.js server can do to
// complete the same WAMP handshakes on the same platform, answering bench/run.mjs's load
// generators in place of the router. It has the router process's IPC interface.
//
// What it keeps is what any correct router must do per connection: accept the socket, the
// RawSocket handshake or the WebSocket upgrade (Node's HTTP server and `ws` in noServer
// mode, as our listener), read and JSON-parse each message, for cryptosign make a random
// challenge and verify the Ed25519 signature (libsodium, as the router), write the replies,
// and close. What it leaves out is everything a router decides: no realm, no roles, no
// authentication rules, no session objects, no limits, no meta events, constant replies.
// The difference between the router's CPU per handshake and this one's is the part of it
// that is ours.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { createRequire } from 'node:module';
import { WebSocketServer } from 'ws';
import { serve } from './ipc.mjs';
import { profileStart, profileStop } from './profiler.mjs';

const sodium = createRequire(import.meta.url)('sodium-native');
const ROLES = { broker: {}, dealer: {} };
const GOODBYE = JSON.stringify([6, {}, 'wamp.close.goodbye_and_out']);
const MAX_ID = 2 ** 53;

/** The reply to one parsed message (a string), or undefined; `state` is per connection. */
function answer(msg, state, pubkeys) {
  switch (msg[0]) {
    case 1: {
      const extra = msg[2]?.authextra;
      if ((msg[2]?.authmethods ?? []).includes('cryptosign') && typeof extra?.pubkey === 'string') {
        if (!pubkeys.has(extra.pubkey)) return JSON.stringify([3, {}, 'wamp.error.not_authorized']);
        state.pubkey = Buffer.from(extra.pubkey, 'hex');
        state.challenge = randomBytes(32);
        return JSON.stringify([4, 'cryptosign', { challenge: state.challenge.toString('hex') }]);
      }
      return welcome('anonymous', 'anonymous');
    }
    case 5: {
      const sig = Buffer.from(String(msg[1]).slice(0, 128), 'hex');
      const ok =
        state.challenge !== undefined &&
        sig.length === 64 &&
        sodium.crypto_sign_verify_detached(sig, state.challenge, state.pubkey);
      return ok
        ? welcome('cryptosign', 'user')
        : JSON.stringify([3, {}, 'wamp.error.not_authorized']);
    }
    case 6:
      return GOODBYE;
    case 64: // REGISTER → REGISTERED
      state.registrations = (state.registrations ?? 0) + 1;
      return JSON.stringify([65, msg[1], state.registrations]);
    default:
      return undefined;
  }
}

function welcome(authmethod, authrole) {
  const id = Math.floor(Math.random() * MAX_ID) + 1;
  return JSON.stringify([2, id, { roles: ROLES, authid: `s${id}`, authrole, authmethod }]);
}

/** RawSocket: the 4-byte handshake, then length-prefixed JSON messages. */
function rawSocketServer(pubkeys, tls) {
  const make = tls === undefined ? createNetServer : createTlsServer;
  return make({ noDelay: true, ...tls }, (socket) => {
    const state = {};
    let buf = Buffer.alloc(0);
    let shaken = false;
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (!shaken) {
        if (buf.length < 4) return;
        socket.write(Buffer.from([0x7f, 0xf1, 0, 0])); // 16 MiB, JSON
        buf = buf.subarray(4);
        shaken = true;
      }
      while (buf.length >= 4) {
        const len = buf.readUInt32BE(0) & 0xffffff;
        if (buf.length < 4 + len) return;
        const text = buf.toString('utf8', 4, 4 + len);
        buf = buf.subarray(4 + len);
        const reply = answer(JSON.parse(text), state, pubkeys);
        if (reply === undefined) continue;
        const head = Buffer.alloc(4);
        head.writeUInt32BE(Buffer.byteLength(reply));
        socket.write(Buffer.concat([head, Buffer.from(reply)]));
      }
    });
  });
}

/** One unmasked WebSocket text frame (a server's frames are never masked, RFC 6455 §5.1). */
function textFrame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, n]) : Buffer.from([0x81, 126, n >> 8, n & 0xff]);
  return Buffer.concat([head, payload]);
}

/** WebSocket: Node's HTTP server and `ws` in noServer mode, as our listener. */
function webSocketServer(pubkeys, tls) {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('wamp.2.json') ? 'wamp.2.json' : false),
  });
  const notFound = (_req, res) => res.writeHead(404).end();
  const http = tls === undefined ? createHttpServer(notFound) : createHttpsServer(tls, notFound);
  http.on('upgrade', (req, socket, head) => {
    socket.setNoDelay(true);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const state = {};
      ws.on('error', () => ws.terminate());
      ws.on('message', (data) => {
        const reply = answer(JSON.parse(data.toString()), state, pubkeys);
        if (reply !== undefined) socket.write(textFrame(reply)); // unmasked, as the router writes
      });
    });
  });
  return http;
}

const listening = (server) =>
  new Promise((resolve) => server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, resolve));

let servers = [];

serve({
  async start({ pubkeys = [], tls }) {
    const keys = new Set(pubkeys);
    const rs = rawSocketServer(keys);
    const ws = webSocketServer(keys);
    servers = [rs, ws];
    const urls = {
      ws: () => `ws://127.0.0.1:${ws.address().port}/ws`,
      rs: () => `rs://127.0.0.1:${rs.address().port}`,
    };
    if (tls !== undefined) {
      const options = { key: tls.key, cert: tls.cert };
      const rss = rawSocketServer(keys, options);
      const wss = webSocketServer(keys, options);
      servers.push(rss, wss);
      urls.wss = () => `wss://127.0.0.1:${wss.address().port}/ws`;
      urls.rss = () => `rss://127.0.0.1:${rss.address().port}`;
    }
    await Promise.all(servers.map(listening));
    return Object.fromEntries(Object.entries(urls).map(([k, url]) => [k, url()]));
  },
  cpu() {
    const u = process.cpuUsage();
    return { us: u.user + u.system, user: u.user, system: u.system };
  },
  profileStart,
  profileStop,
  async stop() {
    for (const s of servers) s.close();
    setImmediate(() => process.exit(0));
  },
});
