// API-token peer: autobahn-js (npm `autobahn` 26.x) joins a CDC management realm with a
// token as its ticket, calls one procedure and prints JSON lines (../README.md, "API
// tokens"). On Node < 22 run with `--experimental-websocket`.
import autobahn from 'autobahn';
import { errorText, finish, out } from './args.mjs';
import { tokenOptions } from './token-args.mjs';

const o = tokenOptions();
const SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

const connection = new autobahn.Connection({
  transports: [{ type: 'websocket', url: o.url, serializers: [SERIALIZERS[o.serializer]()] }],
  realm: o.realm,
  max_retries: 0,
  retry_if_unreachable: false,
  authmethods: ['ticket'],
  authid: o.authid,
  onchallenge: () => o.ticket,
});

connection.onopen = async (session, details) => {
  out('joined', {
    realm: details.realm,
    authid: details.authid,
    authrole: details.authrole,
    authmethod: details.authmethod,
  });
  try {
    const r = await session.call(o.procedure, o.args);
    // autobahn-js gives a plain value for a single positional result.
    out(
      'result',
      r instanceof autobahn.Result ? { args: r.args, kwargs: r.kwargs } : { args: [r] },
    );
  } catch (e) {
    if (e instanceof autobahn.Error) out('error', { error: e.error, args: e.args });
    else out('fatal', { error: errorText(e) });
  }
  out('waiting');
  setTimeout(() => connection.close('wamp.close.normal'), o.waitCloseMs);
};

connection.onclose = (reason, details) => {
  out('left', { reason: details.reason ?? reason, message: details.message ?? null });
  finish();
  setTimeout(() => process.exit(), 0);
  return true; // no retries
};

connection.open();
