/**
 * `wamp.session.*` procedures [WAMP advanced §Session Meta API].
 * @module
 */
import { CloseReasons, WampError, WampErrors } from '@cdc/protocol';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import { invalid, optDict, optReason, optStringList, reqId, reqString } from './args.js';

export function installSessionMeta(realm: Realm): void {
  const b = realm.dealer.builtins;
  const sessions = (roles: string[] | undefined): RouterSession[] =>
    [...realm.sessions.values()].filter((s) => roles === undefined || roles.includes(s.authrole));

  const killOptions = (
    o: Record<string, unknown>,
  ): { reason: string; message: string | undefined } => {
    const message = o['message'];
    if (message !== undefined && typeof message !== 'string')
      throw invalid('"message" must be a string');
    return { reason: optReason(o['reason'], CloseReasons.KILLED), message };
  };

  b.set(
    'wamp.session.count',
    (_c, a, k) => sessions(optStringList(a, k, 0, 'filter_authroles')).length,
  );
  b.set('wamp.session.list', (_c, a, k) =>
    sessions(optStringList(a, k, 0, 'filter_authroles')).map((s) => s.id),
  );
  b.set('wamp.session.get', (_c, a, k) => {
    const id = reqId(a, k, 0, 'session_id');
    const s = realm.sessions.get(id);
    if (s === undefined) throw WampError.of(WampErrors.NO_SUCH_SESSION, `no session ${id}`);
    return s.details();
  });
  b.set('wamp.session.kill', (caller, a, k) => {
    const id = reqId(a, k, 0, 'session_id');
    const { reason, message } = killOptions({ ...optDict(a, k, 1, 'options'), ...k });
    if (caller !== undefined && caller.id === id) throw invalid('a session cannot kill itself');
    const s = realm.sessions.get(id);
    if (s === undefined) throw WampError.of(WampErrors.NO_SUCH_SESSION, `no session ${id}`);
    s.kill(reason, message);
    return null;
  });
  b.set('wamp.session.kill_by_authid', (caller, a, k) => {
    const authid = reqString(a, k, 0, 'authid');
    const { reason, message } = killOptions({ ...optDict(a, k, 1, 'options'), ...k });
    const victims = [...realm.sessions.values()].filter((s) => s.authid === authid && s !== caller);
    for (const s of victims) s.kill(reason, message);
    return victims.map((s) => s.id);
  });
  b.set('wamp.session.kill_by_authrole', (caller, a, k) => {
    const authrole = reqString(a, k, 0, 'authrole');
    const { reason, message } = killOptions({ ...optDict(a, k, 1, 'options'), ...k });
    const victims = [...realm.sessions.values()].filter(
      (s) => s.authrole === authrole && s !== caller,
    );
    for (const s of victims) s.kill(reason, message);
    return victims.length;
  });
  b.set('wamp.session.kill_all', (caller, a, k) => {
    const { reason, message } = killOptions({ ...optDict(a, k, 0, 'options'), ...k });
    const victims = [...realm.sessions.values()].filter((s) => s !== caller);
    for (const s of victims) {
      s.testaments = undefined; // kill_all publishes no testaments
      s.kill(reason, message);
    }
    return victims.length;
  });
}
