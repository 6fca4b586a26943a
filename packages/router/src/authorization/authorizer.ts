/**
 * A realm's roles and the authorization of every action (call, register, publish,
 * subscribe) against them: static permissions, dynamic authorizers called over WAMP, and
 * the built-in `trusted` role that may do anything.
 * @module
 */
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import type { Action, Authorization, RoleConfig, SessionDetails } from '../types.js';
import { StaticRole } from './static-role.js';

export const TRUSTED_ROLE = 'trusted';

const ALLOW: Authorization = Object.freeze({ allow: true, disclose: false, cache: true });
const DENY: Authorization = Object.freeze({ allow: false, disclose: false, cache: false });

/** The session as authorization sees it. */
export interface AuthzSubject {
  readonly id: number;
  readonly authid: string;
  readonly authrole: string;
  details(): SessionDetails;
  /** Cached dynamic-authorizer answers (`cache: true`), per session. */
  authzCache?: Map<string, Authorization> | undefined;
}

export interface AuthorizerCaller {
  callInternal(realm: string, procedure: string, args: unknown[]): Promise<unknown[]>;
}

type RoleEntry = { kind: 'static'; role: StaticRole } | { kind: 'dynamic'; authorizer: string };

/** Validate what a dynamic authorizer returned: a boolean or `{allow, disclose?, cache?, …}`. */
export function parseAuthorizerResult(v: unknown): Authorization {
  if (typeof v === 'boolean') return { allow: v, disclose: false, cache: false };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new TypeError(`authorizer returned ${Array.isArray(v) ? 'a list' : typeof v}`);
  }
  const d = v as Dict;
  for (const k of Object.keys(d)) {
    if (!['allow', 'disclose', 'cache', 'validate', 'meta'].includes(k)) {
      throw new TypeError(`authorizer returned unknown key "${k}"`);
    }
  }
  for (const k of ['allow', 'disclose', 'cache']) {
    if (d[k] !== undefined && typeof d[k] !== 'boolean')
      throw new TypeError(`authorizer "${k}" must be a bool`);
  }
  if (typeof d['allow'] !== 'boolean') throw new TypeError('authorizer result needs "allow"');
  return { allow: d['allow'], disclose: d['disclose'] === true, cache: d['cache'] === true };
}

export class RealmAuthorizer {
  private readonly roles = new Map<string, RoleEntry>();

  constructor(
    private readonly realm: string,
    private readonly caller: AuthorizerCaller,
  ) {}

  setRole(config: RoleConfig): void {
    if (config.name === TRUSTED_ROLE) throw new Error('role "trusted" is built in');
    if (config.authorizer !== undefined) {
      this.roles.set(config.name, { kind: 'dynamic', authorizer: config.authorizer });
    } else {
      this.roles.set(config.name, { kind: 'static', role: new StaticRole(config) });
    }
  }

  removeRole(name: string): boolean {
    return this.roles.delete(name);
  }

  hasRole(name: string): boolean {
    return name === TRUSTED_ROLE || this.roles.has(name);
  }

  roleNames(): string[] {
    return [...this.roles.keys()];
  }

  /**
   * Decide whether `s` may perform `action` on `uri`. Synchronous for static roles (the hot
   * path); a promise when a dynamic authorizer must be asked.
   */
  authorize(
    s: AuthzSubject,
    uri: string,
    action: Action,
    options: Dict,
  ): Authorization | Promise<Authorization> {
    if (s.authrole === TRUSTED_ROLE) return ALLOW;
    const entry = this.roles.get(s.authrole);
    if (entry === undefined) return DENY;
    if (entry.kind === 'static') return entry.role.authorize(s.authid, s.authrole, uri, action);
    const key = `${action} ${uri}`;
    const hit = s.authzCache?.get(key);
    if (hit !== undefined) return hit;
    return this.askAuthorizer(entry.authorizer, s, uri, action, options).then((a) => {
      if (a.cache) (s.authzCache ??= new Map()).set(key, a);
      return a;
    });
  }

  private async askAuthorizer(
    authorizer: string,
    s: AuthzSubject,
    uri: string,
    action: Action,
    options: Dict,
  ): Promise<Authorization> {
    const details = s.details();
    let res: unknown[];
    try {
      res = await this.caller.callInternal(this.realm, authorizer, [details, uri, action, options]);
    } catch (e) {
      // Legacy authorizers take (details, uri, action) only; Crossbar.io retries those.
      if (
        e instanceof WampError &&
        /takes exactly 4 arguments|positional argument/.test(e.message)
      ) {
        res = await this.caller.callInternal(this.realm, authorizer, [details, uri, action]);
      } else {
        throw authorizationFailed(authorizer, e);
      }
    }
    try {
      return parseAuthorizerResult(res[0]);
    } catch (e) {
      throw authorizationFailed(authorizer, e);
    }
  }
}

function authorizationFailed(authorizer: string, cause: unknown): WampError {
  const why = errorMessage(cause);
  return new WampError(
    WampErrors.AUTHORIZATION_FAILED,
    [`authorizer "${authorizer}" failed: ${why}`],
    {},
    { cause },
  );
}
