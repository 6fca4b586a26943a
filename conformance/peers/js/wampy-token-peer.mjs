// API-token peer: wampy (npm `wampy` 8 with `ws`) joins a CDC management realm with a token
// as its ticket, calls one procedure and prints JSON lines (../README.md, "API tokens").
// wampy does not pass on a GOODBYE's reason: `left` says only that the session closed.
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import { CborSerializer } from 'wampy/CborSerializer.js';
import WebSocket from 'ws';
import { errorText, finish, out } from './args.mjs';
import { tokenOptions } from './token-args.mjs';

const o = tokenOptions();
const SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
};

let leaving = false;
let timer;
const wampy = new Wampy(o.url, {
  ws: WebSocket,
  realm: o.realm,
  serializer: SERIALIZERS[o.serializer](),
  autoReconnect: false,
  // CDC procedure URIs end in `@<version>`, which wampy's strict URI check refuses.
  uriValidation: 'loose',
  authid: o.authid,
  authmethods: ['ticket'],
  onChallenge: () => o.ticket,
  onClose: () => {
    clearTimeout(timer);
    out('left', { reason: leaving ? 'wamp.close.normal' : 'closed by the router', message: null });
    finish();
  },
});

try {
  const details = await wampy.connect();
  out('joined', {
    realm: details.realm ?? o.realm,
    authid: details.authid,
    authrole: details.authrole,
    authmethod: details.authmethod,
  });
  try {
    const r = await wampy.call(o.procedure, o.args);
    out('result', { args: r.argsList ?? [], kwargs: r.argsDict ?? {} });
  } catch (e) {
    if (e.error !== undefined) out('error', { error: e.error, args: e.argsList ?? [] });
    else out('fatal', { error: errorText(e) });
  }
  out('waiting');
  timer = setTimeout(() => {
    leaving = true;
    void wampy.disconnect();
  }, o.waitCloseMs);
} catch (e) {
  out('left', { reason: e.error ?? 'error', message: e.argsList?.[0] ?? errorText(e) });
  finish();
}
