/**
 * Testaments [WAMP advanced §Testament]: events a session leaves behind, published when
 * it goes away — detached ones first, in the order they were added.
 * @module
 */
import { isDict, isValidUri } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import { invalid, optDict, reqString } from './args.js';

function scopeOf(options: Dict): 'detached' | 'destroyed' {
  const scope = options['scope'] ?? 'destroyed';
  if (scope !== 'detached' && scope !== 'destroyed')
    throw invalid('"scope" must be "detached" or "destroyed"');
  return scope;
}

export function installTestamentMeta(realm: Realm): void {
  const b = realm.dealer.builtins;
  b.set('wamp.session.add_testament', (caller, a, k) => {
    if (caller === undefined) throw invalid('testaments belong to a session');
    const topic = reqString(a, k, 0, 'topic');
    if (!isValidUri(topic, { strict: realm.strictUris }))
      throw invalid(`invalid topic URI "${topic}"`);
    const args = a[1] ?? k['args'] ?? [];
    const kwargs = a[2] ?? k['kwargs'] ?? {};
    if (!Array.isArray(args)) throw invalid('"args" must be a list');
    if (!isDict(kwargs)) throw invalid('"kwargs" must be a dict');
    const options = optDict(a, k, 3, 'options');
    const publishOptions = options['publish_options'] ?? {};
    if (!isDict(publishOptions)) throw invalid('"publish_options" must be a dict');
    const t = (caller.testaments ??= { detached: [], destroyed: [] });
    // Acknowledgement makes no sense for an event published after the session is gone.
    const { acknowledge: _ack, ...opts } = publishOptions;
    t[scopeOf(options)].push({ topic, args, kwargs, options: opts });
    return null;
  });
  b.set('wamp.session.flush_testaments', (caller, a, k) => {
    if (caller === undefined) throw invalid('testaments belong to a session');
    const scope = scopeOf(optDict(a, k, 0, 'options'));
    const list = caller.testaments?.[scope] ?? [];
    const n = list.length;
    list.length = 0;
    return n;
  });
}

export function publishTestaments(realm: Realm, session: RouterSession): void {
  const t = session.testaments;
  if (t === undefined) return;
  session.testaments = undefined;
  for (const e of [...t.detached, ...t.destroyed]) {
    realm.broker.publishInternal(e.topic, { args: e.args, kwargs: e.kwargs, options: e.options });
  }
}
