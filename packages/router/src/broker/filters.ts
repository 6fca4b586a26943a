/**
 * Who receives an event: publisher exclusion and subscriber black/white listing
 * [WAMP advanced §Publisher Exclusion, §Subscriber Black- and Whitelisting]. Lists are
 * turned into sets once per publication, not once per subscriber.
 * @module
 */
import type { Dict } from '@cdc/protocol';
import type { RouterSession } from '../session.js';

export interface Eligibility {
  /** The publisher to leave out (exclude_me), if any. */
  excludeSession: RouterSession | undefined;
  exclude?: Set<number> | undefined;
  eligible?: Set<number> | undefined;
  excludeAuthid?: Set<string> | undefined;
  excludeAuthrole?: Set<string> | undefined;
  eligibleAuthid?: Set<string> | undefined;
  eligibleAuthrole?: Set<string> | undefined;
}

function set<T>(v: unknown): Set<T> | undefined {
  return Array.isArray(v) ? new Set(v as T[]) : undefined;
}

export function eligibility(options: Dict, publisher: RouterSession | undefined): Eligibility {
  const e: Eligibility = {
    excludeSession: options['exclude_me'] === false ? undefined : publisher,
  };
  if (options['exclude'] !== undefined) e.exclude = set(options['exclude']);
  if (options['eligible'] !== undefined) e.eligible = set(options['eligible']);
  if (options['exclude_authid'] !== undefined) e.excludeAuthid = set(options['exclude_authid']);
  if (options['exclude_authrole'] !== undefined)
    e.excludeAuthrole = set(options['exclude_authrole']);
  if (options['eligible_authid'] !== undefined) e.eligibleAuthid = set(options['eligible_authid']);
  if (options['eligible_authrole'] !== undefined)
    e.eligibleAuthrole = set(options['eligible_authrole']);
  return e;
}

/** True when no list is given, so only publisher exclusion applies (the fast path). */
export function onlyExcludesPublisher(e: Eligibility): boolean {
  return (
    e.exclude === undefined &&
    e.eligible === undefined &&
    e.excludeAuthid === undefined &&
    e.excludeAuthrole === undefined &&
    e.eligibleAuthid === undefined &&
    e.eligibleAuthrole === undefined
  );
}

export function isEligible(s: RouterSession, e: Eligibility): boolean {
  if (s === e.excludeSession) return false;
  if (e.exclude?.has(s.id) === true) return false;
  if (e.eligible !== undefined && !e.eligible.has(s.id)) return false;
  if (e.excludeAuthid?.has(s.authid) === true) return false;
  if (e.excludeAuthrole?.has(s.authrole) === true) return false;
  if (e.eligibleAuthid !== undefined && !e.eligibleAuthid.has(s.authid)) return false;
  if (e.eligibleAuthrole !== undefined && !e.eligibleAuthrole.has(s.authrole)) return false;
  return true;
}
