/**
 * The storage contract of the center, in domain terms. The domain store holds what spans
 * realms (management realms, users and their keys, key grants, node pairings); each
 * management realm has a store of its own (nodes, heartbeats, desired configs and workers,
 * audit), opened only by that realm's backend process. Implementations: SQLite files
 * (default) and PostgreSQL (one schema per realm), both run one shared test suite.
 * @module
 */
import type { ClusterStore, Lease } from './cluster/types.js';

/** Roles a key can hold in a management realm (SPEC §2). */
export type RealmRole = 'cdc-guest' | 'cdc-devop' | 'cdc-admin' | 'cdc-owner';

export interface RealmRecord {
  name: string;
  /** The owning user's name. */
  owner: string;
  created: string;
  /** Extra JSON the owner may attach. */
  extra: Record<string, unknown>;
}

export interface UserRecord {
  name: string;
  email: string;
  created: string;
}

export interface UserKeyRecord {
  /** Ed25519 public key, 64 lower-case hex. */
  pubkey: string;
  user: string;
  label: string | null;
  created: string;
}

/** A key's access to a management realm: a user's own key or an API client's key. */
export interface AccessRecord {
  realm: string;
  pubkey: string;
  role: RealmRole;
  /** The authid sessions with this key get: the user's name, or the client key's label. */
  authid: string;
  label: string | null;
  created: string;
}

/** A node key paired with a management realm under a node ID. */
export interface PairingRecord {
  pubkey: string;
  realm: string;
  node_id: string;
  extra: Record<string, unknown>;
  created: string;
}

/** An API token of a management realm (SPEC §7): its salted hash, never its secret. */
export interface TokenRecord {
  /** 16 hex; the public part of the token. */
  token_id: string;
  realm: string;
  /** Unique in its realm; the authid of the token's sessions. */
  label: string;
  role: RealmRole;
  /** Hex; the hash is the center's (see `@cdc/center`'s `tokens/secret.ts`). */
  salt: string;
  hash: string;
  created: string;
  /** The authid that made it. */
  created_by: string;
  expires_at: string | null;
  last_used: string | null;
}

export interface NewToken {
  token_id: string;
  realm: string;
  label: string;
  role: RealmRole;
  salt: string;
  hash: string;
  created_by: string;
  expires_at?: string | null;
}

/** What a public key is, as the center's authenticator needs to know. */
export type KeyLookup =
  | { kind: 'node'; pairing: PairingRecord }
  | { kind: 'user'; key: UserKeyRecord; access: AccessRecord[] }
  | { kind: 'client'; access: AccessRecord[] }
  | { kind: 'unknown' };

/** What a registration makes when verified: a user (or a key for one), or a realm. */
export type RegistrationKind = 'user' | 'realm';
/** `pending` until verified; `dead` after too many wrong PINs or when it cannot complete. */
export type RegistrationState = 'pending' | 'verified' | 'dead';

/** A self-service registration (SPEC §4.4); only a hash of its PIN is kept. */
export interface RegistrationRecord {
  id: number;
  kind: RegistrationKind;
  /** The user to create (or to add the key to, or who will own the realm). */
  user: string;
  /** Where the PIN went. */
  email: string;
  /** The key the user gets (`user`) or the owner key (`realm`). */
  pubkey: string;
  /** The realm to create (`realm` registrations). */
  realm: string | null;
  /** The caller's source address, for the rate limits. */
  source: string;
  pin_hash: string;
  /** Wrong PINs so far. */
  attempts: number;
  state: RegistrationState;
  created: string;
  expires: string;
}

export interface NewRegistration {
  kind: RegistrationKind;
  user: string;
  email: string;
  pubkey: string;
  realm?: string | null;
  source: string;
  pin_hash: string;
  created: string;
  expires: string;
}

/**
 * Per key, per email address and per source address: how many pending, how many an hour,
 * and how many may die of wrong PINs in a day (each is five guesses at someone's PIN).
 */
export interface RegistrationLimits {
  pending: number;
  per_hour: number;
  failed_per_day: number;
}

export type RegistrationScope = 'key' | 'email' | 'source';

/** A registration made, or the limit it ran into and when that limit frees up (s). */
export type RegistrationOutcome =
  | { ok: true; registration: RegistrationRecord }
  | {
      ok: false;
      scope: RegistrationScope;
      limit: 'pending' | 'per_hour' | 'failed_per_day';
      retry_after_s: number;
    };

export interface DomainStore {
  /** Create the schema or migrate it; refuses a database newer than the code. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Whether the database takes a write now (what `/health` asks): resolves, or throws
   * UNAVAILABLE or READ_ONLY saying why. Changes nothing.
   */
  probe(): Promise<void>;

  createUser(user: { name: string; email: string }): Promise<UserRecord>;
  getUser(name: string): Promise<UserRecord | undefined>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  addUserKey(user: string, pubkey: string, label?: string | null): Promise<UserKeyRecord>;
  listUserKeys(user: string): Promise<UserKeyRecord[]>;

  /** Create a realm and give its owner's keys `cdc-owner`, in one transaction. */
  createRealm(realm: {
    name: string;
    owner: string;
    extra?: Record<string, unknown>;
  }): Promise<RealmRecord>;
  getRealm(name: string): Promise<RealmRecord | undefined>;
  listRealms(): Promise<RealmRecord[]>;
  /** Delete a realm with its grants and pairings. */
  deleteRealm(name: string): Promise<boolean>;

  /** Grant (or change) a key's role in a realm. */
  grantAccess(grant: {
    realm: string;
    pubkey: string;
    role: RealmRole;
    authid: string;
    label?: string | null;
  }): Promise<AccessRecord>;
  revokeAccess(realm: string, pubkey: string): Promise<boolean>;
  listAccess(realm: string): Promise<AccessRecord[]>;

  /** Pair a node key with a realm; one pairing per key, one key per (realm, node_id). */
  pairNode(pairing: {
    pubkey: string;
    realm: string;
    node_id: string;
    extra?: Record<string, unknown>;
  }): Promise<PairingRecord>;
  unpairNode(realm: string, nodeId: string): Promise<PairingRecord | undefined>;
  getPairing(realm: string, nodeId: string): Promise<PairingRecord | undefined>;
  listPairings(realm: string): Promise<PairingRecord[]>;

  /** Everything the authenticator needs about a key, in one lookup. */
  lookupKey(pubkey: string): Promise<KeyLookup>;
  /**
   * `lookupKey` for many keys with a few statements (one per table per 500 keys): an answer
   * for every key as given, invalid ones `unknown`.
   */
  lookupKeys(pubkeys: readonly string[]): Promise<Map<string, KeyLookup>>;

  /**
   * Store a pending registration unless a limit of `limits` is reached for its key, email or
   * source (counted and inserted in one transaction); rows older than a day are removed.
   */
  createRegistration(
    reg: NewRegistration,
    limits: Record<RegistrationScope, RegistrationLimits>,
  ): Promise<RegistrationOutcome>;
  getRegistration(id: number): Promise<RegistrationRecord | undefined>;
  /** Registrations kept (a day's worth), newest first. */
  listRegistrations(): Promise<RegistrationRecord[]>;
  /** Remove one (its mail could not be sent). */
  deleteRegistration(id: number): Promise<boolean>;
  /** Count a wrong PIN; at `max` the registration is dead. The record after the change. */
  failRegistrationAttempt(id: number, max: number): Promise<RegistrationRecord | undefined>;
  /** Mark a registration dead (it can no longer complete). */
  killRegistration(id: number): Promise<void>;
  /**
   * Verify a pending, unexpired registration of `kind` (at `now`) and make what it asked
   * for, in one transaction: the user and key (or the key for the existing user, which gets
   * `cdc-owner` in the user's realms), or the realm with its owner's access. CONFLICT when
   * it is not pending any more; ALREADY_EXISTS when the name or realm was taken meanwhile.
   */
  completeRegistration(
    id: number,
    kind: RegistrationKind,
    now: string,
  ): Promise<RegistrationRecord>;

  /** Store a token; ALREADY_EXISTS when its realm has the label (or the ID is taken). */
  createToken(token: NewToken): Promise<TokenRecord>;
  getToken(tokenId: string): Promise<TokenRecord | undefined>;
  /** A realm's tokens by label. */
  listTokens(realm: string): Promise<TokenRecord[]>;
  /** Delete a realm's token; undefined when there is none with that ID in the realm. */
  revokeToken(realm: string, tokenId: string): Promise<TokenRecord | undefined>;
  /** Set each `[token_id, time]`'s `last_used` to `time` unless it is later already; one transaction. */
  touchTokens(uses: readonly (readonly [string, string])[]): Promise<void>;
}

export interface NodeRecord {
  node_id: string;
  pubkey: string | null;
  extra: Record<string, unknown>;
  created: string;
  /** When the node was last connected or heard from. */
  last_seen: string | null;
  /** The last heartbeat's sequence number and time. */
  heartbeat: number | null;
  heartbeat_time: string | null;
  /** The last heartbeat's worker counts by type. */
  workers: Record<string, number>;
  /** What the node reported about itself (agent, version, type `cdc`/`crossbar`). */
  version: string | null;
  type: string | null;
  /** Desired node config (Crossbar.io node config), when set through the configuration API. */
  config: Record<string, unknown> | null;
}

/** The kinds of worker a node runs. */
export type WorkerType = 'router' | 'container' | 'guest';

/** Whether a configured worker should be running on its node. */
export type WorkerDesired = 'started' | 'stopped';

/** A node's worker as the configuration API stored it (SPEC §4.3): its desired state. */
export interface WorkerRecord {
  node_id: string;
  worker_id: string;
  type: WorkerType;
  /** The worker entry of a Crossbar.io node config (`{type, id, options, realms, …}`). */
  config: Record<string, unknown>;
  desired: WorkerDesired;
  created: string;
  /** When the config or the desired state last changed. */
  modified: string;
}

export interface HeartbeatRecord {
  node_id: string;
  seq: number;
  time: string;
  received: string;
  workers: Record<string, number>;
  system: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  time: string;
  authid: string;
  role: string;
  procedure: string;
  /** Arguments with secrets removed. */
  args: unknown[];
  kwargs: Record<string, unknown>;
  outcome: 'ok' | 'error';
  /** The error URI when the outcome is `error`. */
  error: string | null;
  message: string | null;
}

export interface AuditFilter {
  since?: string;
  until?: string;
  authid?: string;
  procedure?: string;
  outcome?: 'ok' | 'error';
  limit?: number;
}

/** A node's whole desired state, as `create_node` sets it (see `setNodeWorkers`). */
export interface DesiredNode {
  config: Record<string, unknown> | null;
  workers: readonly {
    worker_id: string;
    type: WorkerType;
    config: Record<string, unknown>;
    desired?: WorkerDesired;
  }[];
}

/** A node seen: when, and what it runs when it said so (see `nodeSeen`, `nodesSeen`). */
export interface NodeSighting {
  time: string;
  version?: string | null;
  type?: string | null;
}

export interface RealmStore {
  readonly realm: string;
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Create or update a node entry (pairing, `create_node`). */
  upsertNode(node: {
    node_id: string;
    pubkey?: string | null;
    extra?: Record<string, unknown>;
    config?: Record<string, unknown> | null;
  }): Promise<NodeRecord>;
  getNode(nodeId: string): Promise<NodeRecord | undefined>;
  listNodes(): Promise<NodeRecord[]>;
  deleteNode(nodeId: string): Promise<boolean>;
  /** The node connected: remember when and what it reported. */
  nodeSeen(nodeId: string, info: NodeSighting): Promise<void>;
  /**
   * Many nodes seen, in one transaction: those that no longer exist are skipped and named
   * in `unknown`; an invalid entry fails the batch (INVALID), writing nothing.
   */
  nodesSeen(
    seen: readonly (NodeSighting & { node_id: string })[],
  ): Promise<{ recorded: number; unknown: string[] }>;
  /** Record a heartbeat (keeping the most recent `keep` per node) and update the node entry. */
  recordHeartbeat(hb: HeartbeatRecord, keep?: number): Promise<void>;
  /**
   * Record a batch in one transaction: the heartbeats of nodes that no longer exist are
   * skipped and named in `unknown`; an invalid one fails the batch (INVALID), writing nothing.
   */
  recordHeartbeats(
    hbs: readonly HeartbeatRecord[],
    keep?: number,
  ): Promise<{ recorded: number; unknown: string[] }>;
  recentHeartbeats(nodeId: string, limit?: number): Promise<HeartbeatRecord[]>;

  /**
   * Add a worker to a node's desired state (`desired` defaults to `stopped`: storing starts
   * nothing). NOT_FOUND without the node, ALREADY_EXISTS when the worker ID is taken on it,
   * INVALID when `config` is no JSON object or its `type`/`id`, when present, differ.
   */
  createWorker(worker: {
    node_id: string;
    worker_id: string;
    type: WorkerType;
    config: Record<string, unknown>;
    desired?: WorkerDesired;
  }): Promise<WorkerRecord>;
  getWorker(nodeId: string, workerId: string): Promise<WorkerRecord | undefined>;
  /** The workers of one node, or of all nodes; by node ID, then worker ID. */
  listWorkers(nodeId?: string): Promise<WorkerRecord[]>;
  /**
   * Replace a worker's config and/or desired state; `modified` moves forward. NOT_FOUND when
   * it does not exist; its type cannot change (a config with another `type` is INVALID).
   */
  updateWorker(
    nodeId: string,
    workerId: string,
    change: { config?: Record<string, unknown>; desired?: WorkerDesired },
  ): Promise<WorkerRecord>;
  deleteWorker(nodeId: string, workerId: string): Promise<boolean>;
  /**
   * Set a node's desired config and replace all of its workers, in one transaction
   * (`create_node`). NOT_FOUND without the node; any invalid worker fails the whole call
   * with INVALID and nothing written.
   */
  setNodeWorkers(nodeId: string, node: DesiredNode): Promise<NodeRecord>;

  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  listAudit(filter?: AuditFilter): Promise<AuditRecord[]>;
}

/** Opens the stores of one center: where its data lives is the factory's business. */
export interface StoreFactory {
  readonly kind: 'sqlite' | 'postgres';
  domain(): Promise<DomainStore>;
  /**
   * A realm's store. With `fence` (cluster mode, PostgreSQL) every write first checks that
   * the lease is still the realm's current one, and fails with FENCED when it is not.
   */
  realm(name: string, options?: { fence?: Lease | undefined }): Promise<RealmStore>;
  /** Drop a realm's data entirely (its file or schema). */
  dropRealm(name: string): Promise<void>;
  /** What the instances of a clustered center share (PostgreSQL only; SQLite refuses). */
  cluster(): Promise<ClusterStore>;
  close(): Promise<void>;
}
