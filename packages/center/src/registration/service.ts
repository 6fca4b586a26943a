/**
 * Self-service registration (SPEC §4.4), the global realm's backend logic: users (and more
 * keys for them) and management realms, each confirmed with a PIN sent by mail as a captcha.
 * Every refusal is a catalogued error with a message, and a refused or failed registration
 * leaves nothing behind: the registration row goes when its mail cannot be sent, and the
 * user, key or realm is made in the same transaction that marks the PIN used.
 * @module
 */
import { WampError, WampErrors } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import { realmNameProblem } from '@cdc/api';
import type { ManagementRealmInfo, UserInfo } from '@cdc/api';
import type { Logger } from '@cdc/protocol';
import { USER_NAME, isStoreError } from '@cdc/store';
import type { DomainStore, RegistrationKind, RegistrationRecord } from '@cdc/store';
import { pinMail } from '../mail/compose.js';
import type { Mailer } from '../mail/mailer.js';
import { Gate } from './gate.js';
import { DEFAULT_LIMITS, rateLimited } from './limits.js';
import type { LimitsConfig } from './limits.js';
import { hashPin, pinMatches, randomPin } from './pin.js';
import type { PinSource } from './pin.js';

/** Who calls: the key the session authenticated with, its role, where it connects from. */
export interface Caller {
  pubkey: string;
  authrole: string;
  source: string;
}

export interface RegistrationServiceOptions {
  domain: DomainStore;
  mailer: Mailer;
  log: Logger;
  limits?: LimitsConfig;
  pins?: PinSource;
  now?: () => Date;
  /** Make a just-created realm live (the center starts its backend); awaited before "OK". */
  realmCreated?: (realm: string) => Promise<void>;
  /** Registrations worked on at once (see `Gate`). */
  concurrency?: number;
}

export const REGISTRATION_LIFETIME_S = 15 * 60;
export const MAX_PIN_ATTEMPTS = 5;
// Deliberately loose (as the store's): the mail round trip is the real check of an address.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ROLE_ORDER = ['cdc-guest', 'cdc-devop', 'cdc-admin', 'cdc-owner'];

const fail = (uri: string, message: string, kwargs?: Record<string, unknown>): WampError =>
  WampError.of(uri, message, kwargs);

export class RegistrationService {
  private readonly limits: LimitsConfig;
  private readonly pins: PinSource;
  private readonly now: () => Date;
  private readonly gate: Gate;

  constructor(private readonly o: RegistrationServiceOptions) {
    this.gate = new Gate(o.concurrency ?? 6);
    this.limits = o.limits ?? DEFAULT_LIMITS;
    this.pins = o.pins ?? randomPin;
    this.now = o.now ?? (() => new Date());
  }

  /** `register_user@1`: a new user with its first key, or another key for a user. */
  async registerUser(caller: Caller, name: string, email: string, pubkey: string): Promise<number> {
    if (!USER_NAME.test(name))
      throw fail(
        CdcErrors.INVALID_NAME,
        `user name "${name}" must be 3-32 characters of a-z, 0-9, "_", "-" starting with a letter`,
      );
    const address = email.trim();
    if (address.length > 254 || !EMAIL.test(address))
      throw fail(WampErrors.INVALID_ARGUMENT, `user_email "${email}" is not an email address`);
    if (pubkey !== caller.pubkey)
      throw fail(
        WampErrors.NOT_AUTHORIZED,
        'user_pub_key must be the key this session authenticated with (proof of possession)',
      );
    const d = this.o.domain;
    const found = await d.lookupKey(pubkey);
    if (found.kind === 'user')
      throw fail(CdcErrors.ALREADY_EXISTS, `this key belongs to user "${found.key.user}" already`);
    if (found.kind !== 'unknown')
      throw fail(CdcErrors.KEY_IN_USE, "this key is a node's or an API client's key");
    const existing = await d.getUser(name);
    let to = address;
    if (existing !== undefined) {
      // A known name with its registered address adds a key; anything else is someone else's name.
      if (existing.email.toLowerCase() !== address.toLowerCase())
        throw fail(CdcErrors.NAME_TAKEN, `user name "${name}" is taken`);
      to = existing.email;
    } else if ((await d.getUserByEmail(address)) !== undefined) {
      throw fail(
        CdcErrors.ALREADY_EXISTS,
        `"${address}" is the address of another user; register a key with that user's name`,
      );
    }
    return this.gate.run(() =>
      this.start(caller, { kind: 'user', user: name, email: to, pubkey, realm: null }),
    );
  }

  /** `register_management_realm@1`: a realm owned by the calling user. */
  async registerRealm(caller: Caller, realm: string, ownerKey: string): Promise<number> {
    const problem = realmNameProblem(realm);
    if (problem !== undefined)
      throw fail(CdcErrors.INVALID_NAME, `management realm name "${realm}": ${problem}`);
    const d = this.o.domain;
    const owner = await d.lookupKey(ownerKey);
    if (owner.kind !== 'user')
      throw fail(CdcErrors.UNKNOWN_KEY, "owner_pub_key is not a registered user's key");
    const me = await this.callerUser(caller);
    if (owner.key.user !== me)
      throw fail(WampErrors.NOT_AUTHORIZED, 'owner_pub_key must be one of your own keys');
    if ((await d.getRealm(realm)) !== undefined)
      throw fail(CdcErrors.REALM_TAKEN, `management realm "${realm}" exists already`);
    const user = await d.getUser(me);
    if (user === undefined) throw fail(CdcErrors.UNKNOWN_KEY, 'your user no longer exists');
    return this.gate.run(() =>
      this.start(caller, { kind: 'realm', user: me, email: user.email, pubkey: ownerKey, realm }),
    );
  }

  /** `verify_user_registration@1` and `verify_management_realm_registration@1`. */
  async verify(caller: Caller, kind: RegistrationKind, id: number, pin: number): Promise<'OK'> {
    const d = this.o.domain;
    const reg = await d.getRegistration(id);
    const label = kind === 'user' ? 'user registration' : 'realm registration';
    if (reg === undefined || reg.kind !== kind || !(await this.owns(caller, reg)))
      throw fail(CdcErrors.NO_SUCH_REGISTRATION, `no ${label} ${id} for this key`);
    const now = this.now();
    this.refuseEnded(reg, now);
    if (!(await pinMatches(pin, reg.pin_hash))) {
      const after = await d.failRegistrationAttempt(id, MAX_PIN_ATTEMPTS);
      if (after !== undefined && after.state === 'pending') {
        const left = MAX_PIN_ATTEMPTS - after.attempts;
        throw fail(CdcErrors.INVALID_PIN, `wrong PIN for ${label} ${id}; ${left} tries left`);
      }
      if (after !== undefined) this.refuseEnded(after, now);
      throw fail(CdcErrors.INVALID_PIN, `wrong PIN for ${label} ${id}`);
    }
    try {
      await d.completeRegistration(id, kind, now.toISOString());
    } catch (e) {
      throw await this.completionFailed(reg, e, now);
    }
    this.o.log.info(
      { registration: id, kind, user: reg.user, realm: reg.realm, pubkey: reg.pubkey },
      kind === 'user' ? 'user registration verified' : 'management realm registered',
    );
    if (kind === 'realm' && reg.realm !== null && this.o.realmCreated !== undefined) {
      // The realm exists either way; the center's reconcile loop would start it soon anyway.
      await this.o
        .realmCreated(reg.realm)
        .catch((e: unknown) =>
          this.o.log.warn({ realm: reg.realm, err: String(e) }, 'new realm not started at once'),
        );
    }
    return 'OK';
  }

  /** `get_user@1`: the caller's account. */
  async getUser(caller: Caller): Promise<UserInfo> {
    const name = await this.callerUser(caller);
    const d = this.o.domain;
    const user = await d.getUser(name);
    if (user === undefined) throw fail(CdcErrors.UNKNOWN_KEY, 'your user no longer exists');
    const keys = await d.listUserKeys(name);
    return {
      name,
      email: user.email,
      keys: keys.map((k) => ({ pubkey: k.pubkey, label: k.label, created: k.created })),
      realms: [...(await this.roles(keys.map((k) => k.pubkey)))].map(([realm, role]) => ({
        realm,
        role,
      })),
    };
  }

  /** `list_management_realms@1`: the realms the caller's keys may join, with the role. */
  async listRealms(caller: Caller): Promise<ManagementRealmInfo[]> {
    const name = await this.callerUser(caller);
    const keys = await this.o.domain.listUserKeys(name);
    const out: ManagementRealmInfo[] = [];
    for (const [realm, role] of await this.roles(keys.map((k) => k.pubkey))) {
      const r = await this.o.domain.getRealm(realm);
      if (r !== undefined) out.push({ realm, role, owner: r.owner, created: r.created });
    }
    return out;
  }

  /** Store a registration under the limits and send its PIN; nothing stays when mail fails. */
  private async start(
    caller: Caller,
    r: {
      kind: RegistrationKind;
      user: string;
      email: string;
      pubkey: string;
      realm: string | null;
    },
  ): Promise<number> {
    const d = this.o.domain;
    for (;;) {
      const pin = this.pins({ kind: r.kind, email: r.email });
      const created = this.now();
      const expires = new Date(created.getTime() + REGISTRATION_LIFETIME_S * 1000);
      const out = await d.createRegistration(
        {
          ...r,
          source: caller.source,
          pin_hash: await hashPin(pin),
          created: created.toISOString(),
          expires: expires.toISOString(),
        },
        this.limits,
      );
      if (!out.ok) throw rateLimited(out);
      const id = out.registration.id;
      // The mail's text shows the ID: it must never show the PIN too, even by chance.
      if (String(id).includes(String(pin))) {
        await d.deleteRegistration(id);
        continue;
      }
      try {
        const mail = await pinMail({
          to: r.email,
          kind: r.kind,
          user: r.user,
          realm: r.realm,
          registrationId: id,
          pin,
          expires: expires.toISOString(),
        });
        const sent = await this.o.mailer.send(mail);
        this.o.log.info(
          { registration: id, kind: r.kind, user: r.user, realm: r.realm, mail: sent.where },
          this.o.mailer.kind === 'outbox'
            ? `registration PIN mail written to ${sent.where}`
            : 'registration PIN mail sent',
        );
      } catch (e) {
        await d.deleteRegistration(id);
        const reason = e instanceof Error ? e.message : String(e);
        this.o.log.warn({ registration: id, to: r.email, err: reason }, 'PIN mail failed');
        throw fail(
          CdcErrors.MAIL_FAILED,
          `the PIN mail to ${r.email} could not be sent: ${reason}`,
        );
      }
      return id;
    }
  }

  /** A registration that is no longer pending, as the caller learns it. */
  private refuseEnded(reg: RegistrationRecord, now: Date): void {
    const label = `${reg.kind === 'user' ? 'user' : 'realm'} registration ${reg.id}`;
    if (reg.state === 'verified')
      throw fail(CdcErrors.INVALID_PIN, `${label} was verified already; a PIN works only once`);
    if (reg.attempts >= MAX_PIN_ATTEMPTS)
      throw fail(
        CdcErrors.TOO_MANY_ATTEMPTS,
        `${label} took ${MAX_PIN_ATTEMPTS} wrong PINs and is void; start a new one`,
      );
    if (reg.state === 'dead')
      throw fail(
        CdcErrors.REGISTRATION_EXPIRED,
        `${label} can no longer complete; start a new one`,
      );
    if (Date.parse(reg.expires) <= now.getTime())
      throw fail(
        CdcErrors.REGISTRATION_EXPIRED,
        `${label} expired at ${reg.expires} (15 minutes); start a new one`,
      );
  }

  private async completionFailed(reg: RegistrationRecord, e: unknown, now: Date): Promise<unknown> {
    const d = this.o.domain;
    if (isStoreError(e, 'CONFLICT') || isStoreError(e, 'NOT_FOUND')) {
      // Another verification (or the clock) got there first, or the key turned into a node's.
      const after = await d.getRegistration(reg.id);
      if (after !== undefined) this.refuseEnded(after, now);
      if (isStoreError(e, 'CONFLICT')) {
        await d.killRegistration(reg.id);
        return fail(CdcErrors.KEY_IN_USE, e.message);
      }
    }
    if (isStoreError(e, 'ALREADY_EXISTS')) {
      await d.killRegistration(reg.id);
      if (reg.kind === 'realm')
        return fail(CdcErrors.REALM_TAKEN, `management realm "${reg.realm ?? ''}" exists already`);
      if (/^user "/.test(e.message))
        return fail(CdcErrors.NAME_TAKEN, `user name "${reg.user}" was taken meanwhile`);
      return fail(CdcErrors.ALREADY_EXISTS, e.message);
    }
    return e;
  }

  /** The user the caller's key belongs to (a registrant has none). */
  private async callerUser(caller: Caller): Promise<string> {
    const found = await this.o.domain.lookupKey(caller.pubkey);
    if (found.kind !== 'user')
      throw fail(WampErrors.NOT_AUTHORIZED, 'this key belongs to no registered user');
    return found.key.user;
  }

  private async owns(caller: Caller, reg: RegistrationRecord): Promise<boolean> {
    if (reg.kind === 'user') return reg.pubkey === caller.pubkey;
    const found = await this.o.domain.lookupKey(caller.pubkey);
    return found.kind === 'user' && found.key.user === reg.user;
  }

  /** Realm → the strongest role any of `keys` has there. */
  private async roles(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const k of keys) {
      const found = await this.o.domain.lookupKey(k);
      if (found.kind !== 'user') continue;
      for (const a of found.access) {
        const had = out.get(a.realm);
        if (had === undefined || ROLE_ORDER.indexOf(a.role) > ROLE_ORDER.indexOf(had))
          out.set(a.realm, a.role);
      }
    }
    return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
