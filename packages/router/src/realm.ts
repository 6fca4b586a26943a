/**
 * A realm: its sessions, roles, broker, dealer and meta API. Nothing crosses realms.
 * @module
 */
import { CloseReasons, isValidUri } from '@cdc/protocol';
import type { Dict, UriCheck } from '@cdc/protocol';
import { RealmAuthorizer } from './authorization/authorizer.js';
import { Broker } from './broker/broker.js';
import { Dealer } from './dealer/dealer.js';
import { installMetaApi } from './meta/index.js';
import { publishTestaments } from './meta/testament.js';
import type { RealmConfig, RoleConfig } from './types.js';
import type { Router } from './router.js';
import type { RouterSession } from './session.js';

export class Realm {
  readonly name: string;
  readonly sessions = new Map<number, RouterSession>();
  readonly authorizer: RealmAuthorizer;
  readonly broker: Broker;
  readonly dealer: Dealer;
  readonly strictUris: boolean;
  readonly created = new Date().toISOString();
  /** Counters for metrics: calls routed, errors returned to callers, publications, events delivered. */
  readonly stats = { calls: 0, errors: 0, publications: 0, events: 0 };
  private readonly uriCheck: UriCheck;
  /** The URI `isValidUri` last accepted: traffic repeats the same few URIs. */
  private lastValidUri: string | undefined;

  constructor(
    readonly router: Router,
    readonly config: RealmConfig,
  ) {
    this.name = config.name;
    this.strictUris = config.options?.uri_check === 'strict';
    this.uriCheck = { strict: this.strictUris };
    this.authorizer = new RealmAuthorizer(this.name, router);
    for (const role of config.roles ?? []) this.authorizer.setRole(role);
    this.broker = new Broker(this);
    this.dealer = new Dealer(this);
    installMetaApi(this);
  }

  /** Whether a concrete URI (a topic published to, a procedure called) is valid here. */
  isValidUri(uri: string): boolean {
    if (uri === this.lastValidUri) return true;
    if (!isValidUri(uri, this.uriCheck)) return false;
    this.lastValidUri = uri;
    return true;
  }

  setRole(config: RoleConfig): void {
    this.authorizer.setRole(config);
  }

  /** Remove a role; sessions holding it are closed, since nothing would authorize them. */
  removeRole(name: string): boolean {
    if (!this.authorizer.removeRole(name)) return false;
    for (const s of [...this.sessions.values()]) {
      if (s.authrole === name) s.kill(CloseReasons.AUTH_CHANGED, `role "${name}" was removed`);
    }
    return true;
  }

  /** A session was welcomed into this realm. */
  attach(session: RouterSession): void {
    this.sessions.set(session.id, session);
    // details() is built only when someone receives the meta event.
    this.broker.meta('wamp.session.on_join', () => [session.details()]);
  }

  /** A session leaves: its subscriptions, registrations and calls go, its testaments fire. */
  detach(session: RouterSession, _reason: string): void {
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.dealer.detach(session);
    this.broker.detach(session);
    publishTestaments(this, session);
    this.broker.meta('wamp.session.on_leave', [session.id, session.authid, session.authrole]);
  }

  callInternal(
    procedure: string,
    args: unknown[],
    kwargs: Dict = {},
  ): Promise<{ args: unknown[]; kwargs: Dict }> {
    return this.dealer.callInternal(procedure, args, kwargs);
  }

  /** Close every session of the realm with GOODBYE. */
  close(reason: string = CloseReasons.CLOSE_REALM, message?: string): void {
    for (const s of [...this.sessions.values()]) s.kill(reason, message);
  }
}
