/**
 * Shared router types: configuration in Crossbar.io's format, principals and authorization
 * results.
 * @module
 */
import type { MatchPolicy } from '@cdc/protocol';

export type Action = 'call' | 'register' | 'publish' | 'subscribe';

/** Crossbar.io permission entry of a static role. */
export interface PermissionConfig {
  uri: string;
  match?: MatchPolicy;
  allow?: Partial<Record<Action, boolean>>;
  disclose?: { caller?: boolean; publisher?: boolean };
  cache?: boolean;
}

export interface RoleConfig {
  name: string;
  permissions?: PermissionConfig[];
  /** URI of a dynamic authorizer procedure; mutually exclusive with `permissions`. */
  authorizer?: string;
}

/** Event history kept for matching topics (Crossbar.io realm `store`). */
export interface EventHistoryConfig {
  uri: string;
  match?: MatchPolicy;
  limit?: number;
}

export interface RealmConfig {
  name: string;
  roles?: RoleConfig[];
  options?: {
    /** `loose` (default) or `strict` URI checking. */
    uri_check?: 'strict' | 'loose';
    /** Disclose caller/publisher for everyone regardless of role (testing aid). */
    enable_meta_api?: boolean;
  };
  store?: { type?: 'memory'; 'event-history'?: EventHistoryConfig[] };
}

/** Result of an authorization decision [Crossbar.io Authorization]. */
export interface Authorization {
  allow: boolean;
  disclose: boolean;
  cache: boolean;
}

/** Who a session is once authenticated. */
export interface Principal {
  realm: string;
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  authextra?: Record<string, unknown> | undefined;
}

/** The session details passed to authenticators, authorizers and the meta API. */
export interface SessionDetails {
  session: number;
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  authextra: Record<string, unknown>;
  transport: Record<string, unknown>;
}
