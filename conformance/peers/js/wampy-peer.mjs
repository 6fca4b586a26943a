// Conformance peer: wampy (npm `wampy` 8.x) runs the interop scenario of ../README.md and
// prints one JSON line per thing that happened. In Node, wampy needs a WebSocket class
// (`ws:`); we pass the one from package `ws`.
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import { sign as cryptosignSign } from 'wampy/cryptosign.js';
import { sign as craSign } from 'wampy/wampcra.js';
import WebSocket from 'ws';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { deferred, errorText, finish, out, scenarioOptions } from './args.mjs';

const o = scenarioOptions();
const P = o.prefix;

const SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
};

function auth() {
  switch (o.authmethod) {
    case 'anonymous':
      return {};
    case 'ticket':
      return { authid: o.authid, authmethods: ['ticket'], onChallenge: () => o.ticket };
    case 'wampcra':
      return { authid: o.authid, authmethods: ['wampcra'], onChallenge: craSign(o.secret) };
    case 'cryptosign': {
      // wampy computes no public key: authextra.pubkey is ours to send.
      const pubkey = publicKeyOf(o.seed);
      return {
        authid: o.authid,
        authmethods: ['cryptosign'],
        authextra: { pubkey },
        onChallenge: cryptosignSign(o.seed),
      };
    }
    default:
      throw new Error(`unknown authmethod ${o.authmethod}`);
  }
}

/** The Ed25519 public key (hex) of a 32-byte seed (hex), with Node's crypto. */
function publicKeyOf(seedHex) {
  const pkcs8 = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    Buffer.from(seedHex, 'hex'),
  ]);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
}

/** A wampy-style error the callee throws: wampy sends its `error`, `argsList`, `argsDict`. */
function wampError(uri, argsList, argsDict) {
  return Object.assign(new Error(uri), { error: uri, argsList, argsDict });
}

const wampy = new Wampy(o.url, {
  ws: WebSocket,
  realm: o.realm,
  serializer: SERIALIZERS[o.serializer](),
  autoReconnect: false,
  onClose: () => left(leaveReason ?? 'closed', null),
  ...auth(),
});
let leaveReason;
let hasLeft = false;

function left(reason, message) {
  if (hasLeft) return;
  hasLeft = true;
  out('left', { reason, message });
  finish();
}

async function scenario(details) {
  out('joined', {
    session: wampy.getSessionId(),
    realm: details.realm ?? o.realm,
    authid: details.authid,
    authrole: details.authrole,
    authmethod: details.authmethod,
    authprovider: details.authprovider,
  });

  // --- callee ---
  await wampy.register(`${P}.peer.echo`, ({ argsList = [], argsDict = {}, details: d }) => {
    out('invoked', {
      procedure: d.procedure ?? `${P}.peer.echo`,
      args: argsList,
      kwargs: argsDict,
      caller: d.caller,
    });
    return { argsList: ['peer', ...argsList], argsDict: { ...argsDict, by: 'peer' } };
  });
  await wampy.register(
    `${P}.peer.progress`,
    ({ argsList = [], argsDict = {}, details: d, result_handler }) => {
      if (d.receive_progress) {
        result_handler({ argsList: [1], argsDict: { step: 1 }, options: { progress: true } });
        result_handler({ argsList: [2], argsDict: { step: 2 }, options: { progress: true } });
      }
      out('invoked', {
        procedure: d.procedure ?? `${P}.peer.progress`,
        args: argsList,
        kwargs: argsDict,
        caller: d.caller,
        progress: Boolean(d.receive_progress),
      });
      return { argsList: ['done'], argsDict: { steps: 2 } };
    },
  );
  await wampy.register(`${P}.peer.fail`, () => {
    throw wampError(`${P}.error.peer`, ['peer failed', 42], { code: 42 });
  });

  // --- subscriber ---
  // Without options wampy sends SUBSCRIBE.Options {match: undefined, get_retained: undefined}:
  // dropped by JSON, but encoded as `undefined` by msgpackr and cbor-x.
  const subscribeOptions = o['explicit-subscribe-options']
    ? { match: 'exact', get_retained: false }
    : undefined;
  const inbox = deferred(o.timeoutMs, 'no event on the inbox');
  await wampy.subscribe(
    `${P}.peer.inbox`,
    ({ argsList = [], argsDict = {}, details: d }) => {
      out('event', {
        topic: d.topic ?? `${P}.peer.inbox`,
        args: argsList,
        kwargs: argsDict,
        publisher: d.publisher,
      });
      inbox.resolve();
    },
    subscribeOptions,
  );
  out('ready');

  // --- caller ---
  const call = async (name, procedure, argsList, argsDict) => {
    const progress = [];
    try {
      const payload = argsList === undefined ? undefined : { argsList, argsDict: argsDict ?? {} };
      const res = await wampy.call(procedure, payload, {
        progress_callback: (p) =>
          progress.push({ args: p.argsList ?? [], kwargs: p.argsDict ?? {} }),
      });
      out('result', { name, args: res.argsList ?? [], kwargs: res.argsDict ?? {}, progress });
    } catch (e) {
      if (e !== null && typeof e === 'object' && typeof e.errorUri === 'string') {
        out('error', { name, error: e.errorUri, args: e.argsList ?? [], kwargs: e.argsDict ?? {} });
      } else throw e;
    }
  };
  await call('self-echo', `${P}.peer.echo`, [1, 'two'], { three: 3 });
  await call('ours-echo', `${P}.ours.echo`, [1, 'two'], { three: 3 });
  await call('self-progress', `${P}.peer.progress`);
  await call('ours-progress', `${P}.ours.progress`);
  await call('self-fail', `${P}.peer.fail`);
  await call('ours-fail', `${P}.ours.fail`);
  await call('no-such', `${P}.nope`);

  // --- publisher ---
  const pub = await wampy.publish(
    `${P}.peer.topic`,
    { argsList: ['hello', 1], argsDict: { origin: 'peer' } },
    { acknowledge: true },
  );
  out('published', { topic: `${P}.peer.topic`, publication: pub.publicationId });

  // --- hand over ---
  await call('ours-ready', `${P}.ours.ready`, [wampy.getSessionId()]);
  await inbox.promise;
}

try {
  const details = await wampy.connect();
  try {
    await scenario(details);
  } catch (e) {
    out('fatal', { error: errorText(e) });
  }
  leaveReason = 'wamp.close.normal';
  await wampy.disconnect();
  left(leaveReason, null);
  process.exit(); // pending timers (the inbox timeout) must not hold the process
} catch (e) {
  // ABORT (AbortError carries the reason URI) or a transport failure.
  left(e?.errorUri ?? errorText(e), e?.details?.message ?? null);
  process.exit();
}
