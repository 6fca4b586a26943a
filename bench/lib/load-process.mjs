// A load generator process: WAMP sessions of our own @cdc/client over real sockets,
// driven by the orchestrator (bench/run.mjs) over IPC. One process plays one part of a
// scenario (callee, callers, publisher, subscribers, handshake loops, idle sessions) and
// counts completed operations and their latency only between `mark` and `collect`.
import { clearInterval, setImmediate, setInterval } from 'node:timers';
import { joinSession } from '@cdc/client';
import { SigningKey, KeySigner } from '@cdc/cryptosign';
import { connect } from '@cdc/transport';
import { Histogram, nowUs } from './hist.mjs';
import { emit, serve } from './ipc.mjs';
import { profileStart, profileStop } from './profiler.mjs';

const REALM = 'realm1';
const PROCEDURE = 'bench.echo';
const TOPIC = 'bench.topic';
const CALL_ARGS = ['hello, world', 42];

let running = false;
let counting = false;
let count = 0;
const hist = new Histogram();
let markAt = 0;
let markCpu = 0;
const sessions = [];
/** Work in flight that `stop` waits for. */
let outstanding = 0;
let drained;
/** What `start` sets going, set up by the scenario's command. */
let starter;

function cpuUs() {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function done(latencyUs) {
  if (!counting) return;
  count++;
  hist.record(latencyUs);
}

function finishOne() {
  outstanding--;
  if (outstanding === 0 && drained !== undefined) drained();
}

/** TLS options of the TLS scenarios (the router's self-signed certificate as the CA). */
let tlsOptions;

async function open(url, serializer, extra = {}) {
  const transport = await connect(
    url,
    tlsOptions === undefined ? { serializer } : { serializer, tls: tlsOptions },
  );
  const session = await joinSession(transport, { realm: REALM, ...extra });
  return { transport, session };
}

/** Open `n` sessions, `parallel` at a time. */
async function openMany(n, parallel, url, serializer) {
  const out = [];
  let next = 0;
  async function worker() {
    while (next < n) {
      next++;
      out.push(await open(url, serializer));
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
  return out;
}

// --- RPC ------------------------------------------------------------------------------

function fireCall(session) {
  const t = nowUs();
  outstanding++;
  session.call(PROCEDURE, CALL_ARGS).then(
    () => {
      done(nowUs() - t);
      finishOne();
      if (running) fireCall(session);
    },
    (e) => {
      finishOne();
      if (running) console.error('call failed:', e.message);
    },
  );
}

// --- PubSub ---------------------------------------------------------------------------

let credit = 0;
let seq = 0;
let pumping = false;
let publisher;
let lastSeq;
let progressTimer;

function pump() {
  pumping = false;
  if (!running) return;
  let burst = 0;
  while (seq < credit && burst < 200) {
    seq++;
    burst++;
    publisher.publish(TOPIC, [seq, nowUs(), 'hello, world']);
  }
  if (seq < credit) schedulePump();
}

function schedulePump() {
  if (pumping) return;
  pumping = true;
  setImmediate(pump);
}

process.on('message', (m) => {
  if (m?.event === 'credit') {
    credit = Math.max(credit, m.data);
    schedulePump();
  }
});

// --- handshakes -----------------------------------------------------------------------

const SCRAM_PASSWORD = 'bench-password';
/** What a Crossbar.io 22.6.1 edge registers on joining its management realm, one at a time. */
const EDGE_REGISTRATIONS = 52;

async function handshakeLoop(url, serializer, method, signers, mode, index) {
  let k = index;
  while (running) {
    outstanding++;
    const t0 = nowUs();
    try {
      const signer = signers[k % Math.max(1, signers.length)];
      const auth =
        method === 'cryptosign'
          ? { authid: `bench-${k % signers.length}`, signer }
          : method === 'scram'
            ? // The salted password is cached per process: this measures the router's side.
              { authid: `scram-${k % 50}`, password: SCRAM_PASSWORD }
            : {};
      k += 7919;
      const { transport, session } = await open(url, serializer, auth);
      if (mode === 'handshake') {
        // GOODBYE and close, without waiting for the router's GOODBYE.
        done(nowUs() - t0);
        void session.leave();
        transport.close();
      } else if (mode === 'register') {
        // A Crossbar.io edge's 52 registrations, each waiting for its REGISTERED; each is an op.
        for (let i = 0; i < EDGE_REGISTRATIONS; i++) {
          const r0 = nowUs();
          await session.register(`bench.node.${process.pid}.${k}.procedure_${i}`, () => null);
          done(nowUs() - r0);
        }
        await session.leave();
      } else {
        await session.leave();
        done(nowUs() - t0);
      }
    } catch (e) {
      if (running) console.error(`${mode} failed:`, e.message);
    } finally {
      finishOne();
    }
  }
}

serve({
  profileStart,
  profileStop,

  async callee({ url, serializer }) {
    const { session } = await open(url, serializer);
    sessions.push(session);
    await session.register(PROCEDURE, (args) => args[0]);
    return {};
  },

  async callers({ url, serializer, n, inflight }) {
    const opened = await openMany(n, n, url, serializer);
    for (const { session } of opened) sessions.push(session);
    starter = () => {
      for (const s of sessions) for (let i = 0; i < inflight; i++) fireCall(s);
    };
    return {};
  },

  async subscribers({ url, serializer, n }) {
    const opened = await openMany(n, 20, url, serializer);
    lastSeq = new Float64Array(opened.length);
    await Promise.all(
      opened.map(({ session }, i) => {
        sessions.push(session);
        return session.subscribe(TOPIC, (args) => {
          lastSeq[i] = args[0];
          done(nowUs() - args[1]);
        });
      }),
    );
    progressTimer = setInterval(() => {
      let min = Infinity;
      for (const s of lastSeq) if (s < min) min = s;
      emit('progress', min);
    }, 5);
    return {};
  },

  async publisher({ url, serializer }) {
    const { session } = await open(url, serializer);
    sessions.push(session);
    publisher = session;
    starter = () => schedulePump();
    return {};
  },

  async handshakes({ url, serializer, method, seeds = [], mode, concurrency, ca }) {
    if (ca !== undefined) tlsOptions = { ca };
    const signers = seeds.map((s) => new KeySigner(SigningKey.fromSeed(s)));
    starter = () => {
      for (let i = 0; i < concurrency; i++)
        void handshakeLoop(url, serializer, method, signers, mode, i);
    };
    return {};
  },

  /**
   * `n` full SCRAM logins, `concurrency` at a time, each running the KDF (no cached
   * salted password), as a crowd of fresh clients would. Returns their durations (µs).
   */
  async scramLogins({ url, serializer, first, n, concurrency }) {
    const times = [];
    let next = 0;
    const one = async () => {
      while (next < n) {
        const i = first + next++;
        const t0 = nowUs();
        const { transport, session } = await open(url, serializer, {
          authid: `scram-${i}`,
          password: SCRAM_PASSWORD,
          cacheSaltedPassword: false,
        });
        times.push(nowUs() - t0);
        void session.leave();
        transport.close();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, one));
    return { times };
  },

  async idle({ url, serializer, n }) {
    const opened = await openMany(n, 50, url, serializer);
    for (const { session } of opened) sessions.push(session);
    return { opened: opened.length };
  },

  start() {
    running = true;
    starter?.();
    return {};
  },

  mark() {
    count = 0;
    hist.reset();
    markAt = nowUs();
    markCpu = cpuUs();
    counting = true;
    return {};
  },

  collect() {
    counting = false;
    return {
      count,
      hist: hist.toJSON(),
      windowUs: nowUs() - markAt,
      cpuUs: cpuUs() - markCpu,
    };
  },

  async stop() {
    running = false;
    clearInterval(progressTimer);
    if (outstanding > 0) {
      await Promise.race([
        new Promise((resolve) => (drained = resolve)),
        new Promise((resolve) => setTimeout(resolve, 5000)),
      ]);
    }
    await Promise.all(
      sessions.map((s) => Promise.race([s.leave(), new Promise((r) => setTimeout(r, 2000))])),
    );
    setImmediate(() => process.exit(0));
    return {};
  },
});
