/**
 * The authentication contract: per transport, a set of method handlers chosen by the
 * HELLO's `authmethods` in the client's order of preference.
 * @module
 */
import type { Authenticate, Dict, TransportInfo } from '@cdc/protocol';
import type { Principal } from '../types.js';

export interface HelloContext {
  /** The realm asked for; `null` when the client lets the router assign one. */
  realm: string | null;
  authid: string | undefined;
  authrole: string | undefined;
  authextra: Dict;
  /** The session ID the session will have if it is welcomed (WAMP-CRA signs it). */
  sessionId: number;
  transport: TransportInfo;
  /** The tracking cookie of the WebSocket connection, where cookies are tracked. */
  cookie?: CookieSession | undefined;
}

/** Who a tracking cookie was authenticated as (by another method, on an earlier connection). */
export interface CookieAuth {
  realm: string;
  authid: string;
  authrole: string;
  authmethod: string;
  authextra?: Dict | undefined;
}

/** Where a WebSocket's tracking cookies and their authentication are kept. */
export interface CookieStore {
  /** The principal a cookie was authenticated as; undefined when it was not, or has expired. */
  getAuth(id: string): CookieAuth | undefined;
  /** Remember (or, with null, forget: logout) the principal a cookie is authenticated as. */
  setAuth(id: string, auth: CookieAuth | null): void;
}

/** The cookie a connection came with (or was given). */
export interface CookieSession {
  id: string;
  store: CookieStore;
  /** Why the cookie the client sent was not taken (unknown, expired), for ABORT messages. */
  note?: string | undefined;
}

export type AuthResult =
  | { kind: 'welcome'; principal: Principal }
  | {
      kind: 'challenge';
      authmethod: string;
      extra: Dict;
      verify(message: Authenticate): Promise<AuthResult> | AuthResult;
    }
  | { kind: 'deny'; uri: string; message: string };

export interface AuthMethodHandler {
  readonly method: string;
  /**
   * Whether the method can run for this HELLO; a reason when not, and the next offered
   * method is tried (Crossbar.io skips `cookie` when the cookie is not authenticated).
   */
  skip?(ctx: HelloContext): string | undefined;
  hello(ctx: HelloContext): Promise<AuthResult> | AuthResult;
}

/**
 * What a dynamic authenticator (a WAMP procedure, or an in-process function) returns:
 * a role name, or a principal dict [Crossbar.io Dynamic Authenticators].
 */
export type AuthenticatorResult =
  | string
  | {
      role?: string;
      authid?: string;
      realm?: string;
      extra?: Dict;
      /** cryptosign: the public key the signature is checked against. */
      pubkey?: string;
      /** wampcra: the secret and optional key derivation parameters. */
      secret?: string;
      salt?: string;
      iterations?: number;
      keylen?: number;
      [key: string]: unknown;
    };

/** An in-process authenticator: `(realm, authid, details) => result`; throw a WampError to deny. */
export type AuthenticatorFunction = (
  realm: string | null,
  authid: string | undefined,
  details: Dict,
) => Promise<AuthenticatorResult> | AuthenticatorResult;

interface DynamicConfig {
  type: 'dynamic';
  authenticator: string;
  'authenticator-realm'?: string;
}

interface FunctionConfig {
  type: 'function';
  authenticate: AuthenticatorFunction;
}

export interface AnonymousConfig {
  type: 'static';
  role?: string;
  authid?: string;
}

export interface TicketConfig {
  type: 'static';
  principals: Record<string, { ticket: string; role: string; realm?: string }>;
}

export interface WampCraConfig {
  type: 'static';
  users: Record<
    string,
    {
      secret: string;
      role: string;
      realm?: string;
      salt?: string;
      iterations?: number;
      keylen?: number;
    }
  >;
}

export interface CryptosignConfig {
  type: 'static';
  principals: Record<string, { role: string; realm?: string; authorized_keys: string[] }>;
}

/**
 * A principal's stored WAMP-SCRAM credentials, as Crossbar.io keeps them (and
 * `cdc auth scram-credentials` prints them): never the password.
 */
export interface ScramCredential {
  /** `argon2id-13` (or the spec's `argon2id13`) or `pbkdf2`. */
  kdf: string;
  iterations: number;
  /** Argon2 memory in KiB. */
  memory?: number;
  /** The salt, hex. */
  salt: string;
  /** SHA-256(HMAC(SaltedPassword, "Client Key")), hex. */
  'stored-key': string;
  /** HMAC(SaltedPassword, "Server Key"), hex. */
  'server-key': string;
}

export interface ScramConfig {
  type: 'static';
  principals: Record<string, ScramCredential & { role: string; realm?: string }>;
}

export interface TlsAuthConfig {
  type: 'static';
  /** By authid: the SHA-1 fingerprint of the client certificate (`AB:CD:…`, any case). */
  principals: Record<string, { 'certificate-sha1': string; role: string; realm?: string }>;
}

/** `cookie`: no settings of its own; the WebSocket's `cookie` block configures tracking. */
export type CookieAuthConfig = Record<string, never>;

/** A transport's `auth` block in Crossbar.io's format (plus in-process `function` authenticators). */
export interface AuthConfig {
  anonymous?: AnonymousConfig | DynamicConfig | FunctionConfig;
  ticket?: TicketConfig | DynamicConfig | FunctionConfig;
  wampcra?: WampCraConfig | DynamicConfig | FunctionConfig;
  cryptosign?: CryptosignConfig | DynamicConfig | FunctionConfig;
  scram?: ScramConfig | DynamicConfig | FunctionConfig;
  tls?: TlsAuthConfig | DynamicConfig | FunctionConfig;
  cookie?: CookieAuthConfig;
}

export type DynamicAuthConfig = DynamicConfig | FunctionConfig;
