// Conformance peer: autobahn-js (npm `autobahn` 26.x) runs the interop scenario of
// ../README.md and prints one JSON line per thing that happened.
//
// autobahn-js 26 uses the global WebSocket; on Node 20 run it with
// `node --experimental-websocket autobahn-peer.mjs --url ws://... --prefix ...`.
// `--url rs://host:port` uses its RawSocket transport (Node only, JSON only).
import autobahn from 'autobahn';
import { deferred, errorText, finish, out, scenarioOptions } from './args.mjs';

const o = scenarioOptions();
const P = o.prefix;

const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

function transports() {
  const rs = /^rs:\/\/([^:/]+):(\d+)\/?$/.exec(o.url);
  if (rs !== null) return [{ type: 'rawsocket', host: rs[1], port: Number(rs[2]) }];
  return [{ type: 'websocket', url: o.url, serializers: [SERIALIZERS[o.serializer]()] }];
}

function auth() {
  switch (o.authmethod) {
    case 'anonymous':
      return {};
    case 'ticket':
      return { authmethods: ['ticket'], authid: o.authid, onchallenge: () => o.ticket };
    case 'wampcra':
      return {
        authmethods: ['wampcra'],
        authid: o.authid,
        onchallenge: (_session, _method, extra) => {
          const key =
            extra.salt !== undefined
              ? autobahn.auth_cra.derive_key(o.secret, extra.salt, extra.iterations, extra.keylen)
              : o.secret;
          return autobahn.auth_cra.sign(key, extra.challenge);
        },
      };
    case 'cryptosign': {
      // load_private_key() needs localStorage; build the key pair from the seed instead.
      const kp = autobahn.nacl.sign.keyPair.fromSeed(Buffer.from(o.seed, 'hex'));
      return {
        authmethods: ['cryptosign'],
        ...(o.authid !== undefined ? { authid: o.authid } : {}),
        authextra: { pubkey: autobahn.auth_cryptosign.public_key(kp) },
        onchallenge: (_session, _method, extra) =>
          autobahn.auth_cryptosign.sign_challenge(kp, extra),
      };
    }
    default:
      throw new Error(`unknown authmethod ${o.authmethod}`);
  }
}

/** A call result as [args, kwargs]: autobahn resolves with a Result or a single value. */
function split(res) {
  if (res instanceof autobahn.Result) return [res.args ?? [], res.kwargs ?? {}];
  return res === undefined || res === null ? [[], {}] : [[res], {}];
}

async function scenario(session, details) {
  out('joined', {
    session: session.id,
    realm: details.realm ?? session.realm,
    authid: details.authid,
    authrole: details.authrole,
    authmethod: details.authmethod,
    authprovider: details.authprovider,
  });

  // --- callee ---
  await session.register(`${P}.peer.echo`, (args, kwargs, d) => {
    out('invoked', { procedure: d.procedure, args, kwargs, caller: d.caller });
    return new autobahn.Result(['peer', ...args], { ...kwargs, by: 'peer' });
  });
  await session.register(`${P}.peer.progress`, (args, kwargs, d) => {
    if (d.progress) {
      d.progress([1], { step: 1 });
      d.progress([2], { step: 2 });
    }
    out('invoked', {
      procedure: d.procedure,
      args,
      kwargs,
      caller: d.caller,
      progress: !!d.progress,
    });
    return new autobahn.Result(['done'], { steps: 2 });
  });
  await session.register(`${P}.peer.fail`, () => {
    throw new autobahn.Error(`${P}.error.peer`, ['peer failed', 42], { code: 42 });
  });

  // --- subscriber ---
  const inbox = deferred(o.timeoutMs, 'no event on the inbox');
  await session.subscribe(`${P}.peer.inbox`, (args, kwargs, d) => {
    out('event', { topic: d.topic, args, kwargs, publisher: d.publisher });
    inbox.resolve();
  });
  out('ready');

  // --- caller ---
  const call = async (name, procedure, args, kwargs) => {
    const progress = [];
    try {
      // when.js promises take a progress handler as the third `then` argument.
      const res = await new Promise((resolve, reject) => {
        session
          .call(procedure, args, kwargs, { receive_progress: true })
          .then(resolve, reject, (p) => {
            const [a, kw] = split(p);
            progress.push({ args: a, kwargs: kw });
          });
      });
      const [a, kw] = split(res);
      out('result', { name, args: a, kwargs: kw, progress });
    } catch (e) {
      if (e instanceof autobahn.Error) {
        out('error', { name, error: e.error, args: e.args ?? [], kwargs: e.kwargs ?? {} });
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
  const pub = await session.publish(
    `${P}.peer.topic`,
    ['hello', 1],
    { origin: 'peer' },
    { acknowledge: true },
  );
  out('published', { topic: `${P}.peer.topic`, publication: pub.id });

  // --- hand over ---
  await call('ours-ready', `${P}.ours.ready`, [session.id]);
  await inbox.promise;
}

const connection = new autobahn.Connection({
  transports: transports(),
  realm: o.realm,
  max_retries: 0,
  retry_if_unreachable: false,
  // The scenario's procedures throw on purpose; report only unexpected errors.
  on_user_error: (e, message) => {
    if (!(e instanceof autobahn.Error)) process.stderr.write(`${message ?? ''} ${errorText(e)}\n`);
  },
  ...auth(),
});

connection.onopen = (session, details) => {
  scenario(session, details).then(
    () => connection.close('wamp.close.normal'),
    (e) => {
      out('fatal', { error: errorText(e) });
      connection.close('wamp.close.normal');
    },
  );
};

connection.onclose = (reason, details) => {
  out('left', {
    reason: details.reason ?? reason,
    message: details.message ?? null,
    close: reason,
  });
  finish();
  // Pending timers (the inbox timeout) must not hold the process.
  setTimeout(() => process.exit(), 0);
  return true; // no retries
};

connection.open();
