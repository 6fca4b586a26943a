/**
 * `wamp.registration.*` procedures [WAMP advanced §Registration Meta API], plus
 * Crossbar.io's `remove_callee`.
 * @module
 */
import { WampError, WampErrors } from '@cdc/protocol';
import type { MatchPolicy } from '@cdc/protocol';
import type { Realm } from '../realm.js';
import { invalid, optDict, optReason, reqId, reqString } from './args.js';

export function matchOption(o: Record<string, unknown>): MatchPolicy {
  const m = o['match'] ?? 'exact';
  if (m !== 'exact' && m !== 'prefix' && m !== 'wildcard')
    throw invalid('"match" must be exact, prefix or wildcard');
  return m;
}

export function installRegistrationMeta(realm: Realm): void {
  const d = realm.dealer;
  const b = d.builtins;
  const byId = (id: number) => {
    const reg = d.byId.get(id);
    if (reg === undefined)
      throw WampError.of(WampErrors.NO_SUCH_REGISTRATION, `no registration ${id}`);
    return reg;
  };
  b.set('wamp.registration.list', () => ({
    exact: d.index.values('exact').map((r) => r.id),
    prefix: d.index.values('prefix').map((r) => r.id),
    wildcard: d.index.values('wildcard').map((r) => r.id),
  }));
  b.set('wamp.registration.lookup', (_c, a, k) => {
    const uri = reqString(a, k, 0, 'procedure');
    return d.index.get(uri, matchOption(optDict(a, k, 1, 'options')))?.id ?? null;
  });
  b.set(
    'wamp.registration.match',
    (_c, a, k) => d.index.best(reqString(a, k, 0, 'procedure'))?.value.id ?? null,
  );
  b.set('wamp.registration.get', (_c, a, k) => byId(reqId(a, k, 0, 'registration_id')).info());
  b.set('wamp.registration.list_callees', (_c, a, k) =>
    byId(reqId(a, k, 0, 'registration_id')).callees.map((c) => c.session.id),
  );
  b.set(
    'wamp.registration.count_callees',
    (_c, a, k) => byId(reqId(a, k, 0, 'registration_id')).callees.length,
  );
  b.set('wamp.registration.remove_callee', (_c, a, k) => {
    const reg = byId(reqId(a, k, 0, 'registration_id'));
    const calleeId = reqId(a, k, 1, 'callee_id');
    const reason = optReason(a[2] ?? k['reason'], WampErrors.UNREGISTERED);
    const entry = reg.callees.find((c) => c.session.id === calleeId);
    if (entry === undefined)
      throw WampError.of(
        WampErrors.NO_SUCH_SESSION,
        `session ${calleeId} is not a callee of registration ${reg.id}`,
      );
    d.removeCallee(reg, entry.session, reason);
    return null;
  });
}
