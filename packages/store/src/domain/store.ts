/**
 * The domain store over kysely, for either dialect: the contract's methods, each one
 * delegated to the module of its concern (`users`, `realms`, `pairings`).
 * @module
 */
import type { Engine } from '../engine.js';
import type { DomainDatabase } from '../schema.js';
import type {
  AccessRecord,
  DomainStore,
  KeyLookup,
  NewRegistration,
  PairingRecord,
  RealmRecord,
  RealmRole,
  RegistrationKind,
  RegistrationLimits,
  RegistrationOutcome,
  RegistrationRecord,
  RegistrationScope,
  TokenRecord,
  NewToken,
  UserKeyRecord,
  UserRecord,
} from '../types.js';
import * as pairings from './pairings.js';
import * as realms from './realms.js';
import * as registrations from './registrations.js';
import * as tokens from './tokens.js';
import * as users from './users.js';

export class KyselyDomainStore implements DomainStore {
  readonly #e: Engine<DomainDatabase>;

  constructor(engine: Engine<DomainDatabase>) {
    this.#e = engine;
  }

  migrate(): Promise<void> {
    return this.#e.migrate();
  }

  close(): Promise<void> {
    return this.#e.close();
  }

  probe(): Promise<void> {
    return this.#e.probe();
  }

  createUser(user: { name: string; email: string }): Promise<UserRecord> {
    return users.createUser(this.#e, user);
  }

  getUser(name: string): Promise<UserRecord | undefined> {
    return users.getUser(this.#e, name);
  }

  getUserByEmail(email: string): Promise<UserRecord | undefined> {
    return users.getUserByEmail(this.#e, email);
  }

  addUserKey(user: string, pubkey: string, label?: string | null): Promise<UserKeyRecord> {
    return users.addUserKey(this.#e, user, pubkey, label);
  }

  listUserKeys(user: string): Promise<UserKeyRecord[]> {
    return users.listUserKeys(this.#e, user);
  }

  createRealm(realm: {
    name: string;
    owner: string;
    extra?: Record<string, unknown>;
  }): Promise<RealmRecord> {
    return realms.createRealm(this.#e, realm);
  }

  getRealm(name: string): Promise<RealmRecord | undefined> {
    return realms.getRealm(this.#e, name);
  }

  listRealms(): Promise<RealmRecord[]> {
    return realms.listRealms(this.#e);
  }

  deleteRealm(name: string): Promise<boolean> {
    return realms.deleteRealm(this.#e, name);
  }

  grantAccess(grant: {
    realm: string;
    pubkey: string;
    role: RealmRole;
    authid: string;
    label?: string | null;
  }): Promise<AccessRecord> {
    return realms.grantAccess(this.#e, grant);
  }

  revokeAccess(realm: string, pubkey: string): Promise<boolean> {
    return realms.revokeAccess(this.#e, realm, pubkey);
  }

  listAccess(realm: string): Promise<AccessRecord[]> {
    return realms.listAccess(this.#e, realm);
  }

  pairNode(pairing: {
    pubkey: string;
    realm: string;
    node_id: string;
    extra?: Record<string, unknown>;
  }): Promise<PairingRecord> {
    return pairings.pairNode(this.#e, pairing);
  }

  unpairNode(realm: string, nodeId: string): Promise<PairingRecord | undefined> {
    return pairings.unpairNode(this.#e, realm, nodeId);
  }

  getPairing(realm: string, nodeId: string): Promise<PairingRecord | undefined> {
    return pairings.getPairing(this.#e, realm, nodeId);
  }

  listPairings(realm: string): Promise<PairingRecord[]> {
    return pairings.listPairings(this.#e, realm);
  }

  lookupKey(pubkey: string): Promise<KeyLookup> {
    return pairings.lookupKey(this.#e, pubkey);
  }

  lookupKeys(pubkeys: readonly string[]): Promise<Map<string, KeyLookup>> {
    return pairings.lookupKeys(this.#e, pubkeys);
  }

  createRegistration(
    reg: NewRegistration,
    limits: Record<RegistrationScope, RegistrationLimits>,
  ): Promise<RegistrationOutcome> {
    return registrations.createRegistration(this.#e, reg, limits);
  }

  getRegistration(id: number): Promise<RegistrationRecord | undefined> {
    return registrations.getRegistration(this.#e, id);
  }

  listRegistrations(): Promise<RegistrationRecord[]> {
    return registrations.listRegistrations(this.#e);
  }

  deleteRegistration(id: number): Promise<boolean> {
    return registrations.deleteRegistration(this.#e, id);
  }

  failRegistrationAttempt(id: number, max: number): Promise<RegistrationRecord | undefined> {
    return registrations.failRegistrationAttempt(this.#e, id, max);
  }

  killRegistration(id: number): Promise<void> {
    return registrations.killRegistration(this.#e, id);
  }

  completeRegistration(
    id: number,
    kind: RegistrationKind,
    now: string,
  ): Promise<RegistrationRecord> {
    return registrations.completeRegistration(this.#e, id, kind, now);
  }

  createToken(token: NewToken): Promise<TokenRecord> {
    return tokens.createToken(this.#e, token);
  }

  getToken(tokenId: string): Promise<TokenRecord | undefined> {
    return tokens.getToken(this.#e, tokenId);
  }

  listTokens(realm: string): Promise<TokenRecord[]> {
    return tokens.listTokens(this.#e, realm);
  }

  revokeToken(realm: string, tokenId: string): Promise<TokenRecord | undefined> {
    return tokens.revokeToken(this.#e, realm, tokenId);
  }

  touchTokens(uses: readonly (readonly [string, string])[]): Promise<void> {
    return tokens.touchTokens(this.#e, uses);
  }
}
