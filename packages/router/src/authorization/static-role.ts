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
  allow: Record<Action, boolean>;
  discloseCaller: boolean;
  disclosePublisher: boolean;
  cache: boolean;
}

const DENY: Authorization = Object.freeze({ allow: false, disclose: false, cache: true });
const CACHE_LIMIT = 10_000;
const PLACEHOLDER = /\{(authid|authrole)\}/;

function toPermission(p: PermissionConfig, authid: string, authrole: string): Permission {
  const raw = p.uri.replace(/\{authid\}/g, authid).replace(/\{authrole\}/g, authrole);
  // With an explicit match policy the starred-URI conversion is skipped (Crossbar.io).
  const { uri, match } =
    p.match !== undefined ? { uri: raw, match: p.match } : convertStarredUri(raw);
  return {
    uri,
    match,
    allow: {
      call: p.allow?.call === true,
      register: p.allow?.register === true,
      publish: p.allow?.publish === true,
      subscribe: p.allow?.subscribe === true,
    },
    discloseCaller: p.disclose?.caller === true,
    disclosePublisher: p.disclose?.publisher === true,
    cache: p.cache !== false,
  };
}

/** The permission table of one role, for one (authid, authrole) when it has placeholders. */
class PermissionTable {
  private readonly exact = new Map<string, Permission>();
  private readonly prefix = new UriIndex<Permission>();
  private readonly wildcard = new UriIndex<Permission>();
  private readonly cache: Record<Action, Map<string, Authorization>> = {
    call: new Map(),
    register: new Map(),
    publish: new Map(),
    subscribe: new Map(),
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
    const cache = this.cache[action];
    const hit = cache.get(uri);
    if (hit !== undefined) return hit;
    const p = this.resolve(uri);
    const result: Authorization =
      p === undefined
        ? DENY
        : {
            allow: p.allow[action],
            disclose:
              action === 'call'
                ? p.discloseCaller
                : action === 'publish'
                  ? p.disclosePublisher
                  : false,
            cache: p.cache,
          };
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
