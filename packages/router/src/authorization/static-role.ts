/**
 * Static roles in Crossbar.io's permission format: `uri` + `match` (or starred URIs),
 * `allow`, `disclose`, `cache`, and `{authid}`/`{authrole}` placeholders.
 *
 * Resolution follows Crossbar.io's `RouterRoleStaticAuth`: an exact permission wins;
 * otherwise a matching wildcard permission; otherwise the longest prefix permission;
 * otherwise the default, which denies everything.
 * @module
 */
import { UriIndex, convertStarredUri } from '@cdc/protocol';
import type { MatchPolicy } from '@cdc/protocol';
import type { Action, Authorization, PermissionConfig, RoleConfig } from '../types.js';

interface Permission {
  uri: string;
  match: MatchPolicy;
  /** The answer for each action, made once: authorizing allocates nothing. */
  result: Record<Action, Authorization>;
}

const DENY: Authorization = Object.freeze({ allow: false, disclose: false, cache: true });
const CACHE_LIMIT = 10_000;
const PLACEHOLDER = /\{(authid|authrole)\}/;

function toPermission(p: PermissionConfig, authid: string, authrole: string): Permission {
  const raw = p.uri.replace(/\{authid\}/g, authid).replace(/\{authrole\}/g, authrole);
  // With an explicit match policy the starred-URI conversion is skipped (Crossbar.io).
  const { uri, match } =
    p.match !== undefined ? { uri: raw, match: p.match } : convertStarredUri(raw);
  const cache = p.cache !== false;
  const answer = (allow: boolean | undefined, disclose: boolean | undefined): Authorization =>
    Object.freeze({ allow: allow === true, disclose: disclose === true, cache });
  return {
    uri,
    match,
    result: {
      call: answer(p.allow?.call, p.disclose?.caller),
      register: answer(p.allow?.register, false),
      publish: answer(p.allow?.publish, p.disclose?.publisher),
      subscribe: answer(p.allow?.subscribe, false),
    },
  };
}

/** The permission table of one role, for one (authid, authrole) when it has placeholders. */
class PermissionTable {
  private readonly exact = new Map<string, Permission>();
  private readonly prefix = new UriIndex<Permission>();
  private readonly wildcard = new UriIndex<Permission>();
  private readonly cache: Record<'call' | 'publish', Map<string, Authorization>> = {
    call: new Map(),
    publish: new Map(),
  };

  constructor(permissions: PermissionConfig[], authid: string, authrole: string) {
    for (const cfg of permissions) {
      const p = toPermission(cfg, authid, authrole);
      if (p.match === 'exact') this.exact.set(p.uri, p);
      else if (p.match === 'prefix') this.prefix.set(p.uri, 'prefix', p);
      else this.wildcard.set(p.uri, 'wildcard', p);
    }
  }

  authorize(uri: string, action: Action): Authorization {
    // Answers are kept per URI for calls and publications, which repeat; a registration or
    // subscription is made once per URI and session (a node registers 21–110 procedures of
    // its own), so keeping those would only grow the caches.
    if (action !== 'call' && action !== 'publish') return this.resolve(uri)?.result[action] ?? DENY;
    const cache = this.cache[action];
    const hit = cache.get(uri);
    if (hit !== undefined) return hit;
    const result = this.resolve(uri)?.result[action] ?? DENY;
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(uri, result);
    return result;
  }

  private resolve(uri: string): Permission | undefined {
    return this.exact.get(uri) ?? this.wildcard.best(uri)?.value ?? this.prefix.best(uri)?.value;
  }
}

export class StaticRole {
  readonly name: string;
  private readonly permissions: PermissionConfig[];
  private readonly table: PermissionTable | undefined;
  /** Per-principal tables for roles whose URIs use placeholders. */
  private readonly perPrincipal = new Map<string, PermissionTable>();

  constructor(config: RoleConfig) {
    this.name = config.name;
    this.permissions = config.permissions ?? [];
    const placeholders = this.permissions.some((p) => PLACEHOLDER.test(p.uri));
    this.table = placeholders ? undefined : new PermissionTable(this.permissions, '', '');
  }

  authorize(authid: string, authrole: string, uri: string, action: Action): Authorization {
    if (this.table !== undefined) return this.table.authorize(uri, action);
    let table = this.perPrincipal.get(authid);
    if (table === undefined) {
      if (this.perPrincipal.size >= CACHE_LIMIT) this.perPrincipal.clear();
      table = new PermissionTable(this.permissions, authid, authrole);
      this.perPrincipal.set(authid, table);
    }
    return table.authorize(uri, action);
  }
}
