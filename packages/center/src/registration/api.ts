/**
 * The global realm's procedures (SPEC §4.4) on the backend's session, registered from the
 * contract (`REGISTRATION_PROCEDURES` in `@cdc/api`) under every name. The router has
 * already decided who may call what (`cdc-registrant`, `cdc-user`); this reads the caller's
 * key and address from the session meta API, checks the arguments and calls the service.
 * @module
 */
import { WampError, WampErrors } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import type { Dict } from '@cdc/protocol';
import { REGISTRATION_PROCEDURES, registeredUris } from '@cdc/api';
import { Params, invalidArgument } from '@cdc/client';
import type { InvocationDetails, Session } from '@cdc/client';
import type { Logger } from '@cdc/protocol';
import { StoreError } from '@cdc/store';
import { pubkeyArg } from '../backend/api-management.js';
import type { Caller, RegistrationService } from './service.js';

type Handler = (p: Params, caller: Caller) => Promise<unknown>;

/** `tcp4:10.1.2.3:5555` → `10.1.2.3`; `tcp6:::1:5555` → `::1`; other transports by type. */
export function sourceOf(peer: unknown, type: unknown): string {
  if (typeof peer === 'string') {
    const m = /^tcp[46]:(.*):\d+$/.exec(peer);
    if (m?.[1] !== undefined) return m[1];
  }
  return typeof type === 'string' ? type : 'unknown';
}

function registrationId(p: Params): number {
  const v = p.raw('registration_id');
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)
    throw invalidArgument(
      'argument "registration_id" must be the positive integer register_* returned',
    );
  return v;
}

/** The PIN as an int (a string of digits is taken too: people type them). */
function pinArg(p: Params): number {
  const v = p.raw('pin');
  const n = typeof v === 'string' && /^\d{1,5}$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 99_999)
    throw invalidArgument('argument "pin" must be the five-digit PIN from the mail, as an integer');
  return n;
}

function handlers(s: RegistrationService): Record<string, Handler> {
  return {
    register_user: (p, c) =>
      s.registerUser(
        c,
        p.string('user_name'),
        p.string('user_email'),
        pubkeyArg(p, 'user_pub_key'),
      ),
    verify_user_registration: (p, c) => s.verify(c, 'user', registrationId(p), pinArg(p)),
    register_management_realm: (p, c) =>
      s.registerRealm(c, p.string('management_realm'), pubkeyArg(p, 'owner_pub_key')),
    verify_management_realm_registration: (p, c) =>
      s.verify(c, 'realm', registrationId(p), pinArg(p)),
    get_user: (_p, c) => s.getUser(c),
    list_management_realms: (_p, c) => s.listRealms(c),
  };
}

function storeToWamp(e: unknown): unknown {
  if (!(e instanceof StoreError)) return e;
  if (e.code === 'INVALID') return WampError.of(WampErrors.INVALID_ARGUMENT, e.message);
  if (e.code === 'ALREADY_EXISTS' || e.code === 'CONFLICT')
    return WampError.of(CdcErrors.ALREADY_EXISTS, e.message);
  return WampError.of(CdcErrors.DATABASE_UNAVAILABLE, e.message);
}

/** Register the global API; resolves to the number of URIs registered. */
export async function registerGlobalApi(
  session: Session,
  service: RegistrationService,
  log: Logger,
): Promise<number> {
  const table = handlers(service);
  const caller = async (d: InvocationDetails): Promise<Caller> => {
    const info = (await session.call('wamp.session.get', [d.caller])).value as
      | { authextra?: { pubkey?: unknown }; transport?: { peer?: unknown; type?: unknown } }
      | undefined;
    const pubkey = info?.authextra?.pubkey;
    if (typeof pubkey !== 'string')
      throw WampError.of(WampErrors.NOT_AUTHORIZED, 'the calling session has no public key');
    return {
      pubkey,
      authrole: d.callerAuthrole ?? 'unknown',
      source: sourceOf(info?.transport?.peer, info?.transport?.type),
    };
  };
  const regs: Promise<unknown>[] = [];
  for (const d of REGISTRATION_PROCEDURES) {
    const short = d.name.slice(d.name.lastIndexOf('.') + 1);
    const f = table[short];
    if (f === undefined) throw new Error(`no implementation of ${d.name}@${d.version}`);
    const procedure = `${d.name}@${d.version}`;
    const handler = async (args: unknown[], kwargs: Dict, details: InvocationDetails) => {
      const who = await caller(details);
      try {
        const result = await f(new Params(args, kwargs, d.params), who);
        if (d.mutating) log.info({ procedure, pubkey: who.pubkey, source: who.source }, 'ok');
        return result;
      } catch (raw) {
        const e = storeToWamp(raw);
        const uri = e instanceof WampError ? e.uri : 'wamp.error.runtime_error';
        if (d.mutating)
          log.info({ procedure, pubkey: who.pubkey, source: who.source, error: uri }, 'refused');
        throw e;
      }
    };
    for (const uri of registeredUris(d))
      regs.push(session.register(uri, handler, { discloseCaller: true }));
  }
  await Promise.all(regs);
  return regs.length;
}
