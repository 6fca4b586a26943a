/**
 * Shapes of the public API's parameters and results (`types.ts`, `registration.ts`), from
 * which their JSON Schemas come. The center is the judge of arguments (its errors name the
 * argument); these describe what it takes and what it answers.
 * @module
 */
import type { NativeWorkerOptions, NodeConfig, RouterWorkerConfig } from '@cdc/config';
import type { CreatedNode, DeletedRouter, RevokeResult, UnpairResult } from './public-api.js';
import type { ManagementRealmInfo, UserInfo } from './registration.js';
import { ID_RE, USER_ROLES } from './roles.js';
import {
  anything,
  bool,
  config,
  described,
  int,
  listOf,
  literal,
  mapOf,
  matching,
  named,
  nullable,
  num,
  obj,
  oneOf,
  opt,
  str,
} from './shape.js';
import type { Shape } from './shape.js';
import { NODE_STATUSES } from './types.js';
import type {
  AccessInfo,
  AuditEntry,
  AuditFilter,
  ConfiguredWorker,
  CreatedToken,
  LiveWorkerInfo,
  NodeInfo,
  RealmStatus,
  ReloadResult,
  RouterAction,
  RevokedToken,
  RouterState,
  StoredRouter,
  TokenInfo,
  WorkerStats,
} from './types.js';

/** An ID of a node, worker, realm, role, transport or component (SPEC §3). */
export const id: Shape<string> = matching('ID', ID_RE);
export const time = described(str, 'ISO 8601 UTC');
export const pubkey = described(
  str,
  'an Ed25519 public key: 64 hex characters, or an OpenSSH "ssh-ed25519 AAAA…" line',
);
export const nodeStatus = oneOf(NODE_STATUSES);
export const userRole = oneOf(USER_ROLES);
export const dict = mapOf(anything);
export const routerConfig = config<RouterWorkerConfig>('routerWorker', 'RouterWorkerConfig');
export const nodeConfig = config<NodeConfig>('node', 'NodeConfig');

export const nodeInfo = named(
  'NodeInfo',
  obj<NodeInfo>({
    node_id: str,
    status: nodeStatus,
    extra: dict,
    pubkey: nullable(str),
    created: time,
    last_seen: nullable(time),
    heartbeat: nullable(num),
    heartbeat_time: nullable(time),
    workers: obj<NodeInfo['workers']>({ router: int(0), container: int(0), guest: int(0) }),
    version: nullable(str),
    type: nullable(str),
  }),
);

export const realmStatus = named(
  'RealmStatus',
  obj<RealmStatus>({
    realm: str,
    now: time,
    started: time,
    uptime: described(num, 'seconds'),
    nodes: obj<RealmStatus['nodes']>({ total: int(0), online: int(0), offline: int(0) }),
    version: str,
  }),
);

export const accessInfo = named(
  'AccessInfo',
  obj<AccessInfo>({
    pubkey: str,
    role: str,
    authid: str,
    label: nullable(str),
    created: time,
  }),
);

/** SPEC §7: an API token's label (the authid of its sessions). */
export const TOKEN_LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const tokenLabel: Shape<string> = matching('token label', TOKEN_LABEL_RE);
export const tokenId: Shape<string> = matching('token ID', /^[0-9a-f]{16}$/);

export const createdToken = named(
  'CreatedToken',
  obj<CreatedToken>({
    token_id: tokenId,
    token: described(str, 'the secret: shown once, only a salted hash is kept'),
    expires_at: nullable(time),
  }),
);

export const tokenInfo = named(
  'TokenInfo',
  obj<TokenInfo>({
    token_id: tokenId,
    label: str,
    role: str,
    created: time,
    created_by: str,
    expires_at: nullable(time),
    last_used: nullable(time),
  }),
);

export const revokedToken = named(
  'RevokedToken',
  obj<RevokedToken>({ token_id: tokenId, label: str, sessions_closed: int(0) }),
);

export const unpairResult = named(
  'UnpairResult',
  obj<UnpairResult>({
    node_id: str,
    pubkey: str,
    disconnected: bool,
  }),
);
export const revokeResult = named(
  'RevokeResult',
  obj<RevokeResult>({ pubkey: str, sessions_closed: int(0) }),
);

export const auditEntry = named(
  'AuditEntry',
  obj<AuditEntry>({
    id: int(),
    time,
    authid: str,
    role: str,
    procedure: str,
    args: listOf(anything),
    kwargs: dict,
    outcome: oneOf(['ok', 'error'] as const),
    error: nullable(str),
    message: nullable(str),
  }),
);
export const auditFilter = named(
  'AuditFilter',
  obj<AuditFilter>({
    since: opt(time),
    until: opt(time),
    authid: opt(str),
    procedure: opt(described(str, 'name@version')),
    outcome: opt(oneOf(['ok', 'error'] as const)),
    limit: opt(int(1)),
  }),
);

const desired = oneOf(['started', 'stopped'] as const);
export const configuredWorker = named(
  'ConfiguredWorker',
  obj<ConfiguredWorker>({
    worker_id: str,
    type: oneOf(['router', 'container', 'guest'] as const),
    status: desired,
  }),
);
export const createdNode = named(
  'CreatedNode',
  obj<CreatedNode>({ node_id: str, workers: listOf(configuredWorker) }),
);
export const liveWorker = named(
  'LiveWorkerInfo',
  obj<LiveWorkerInfo>({
    worker_id: str,
    type: str,
    status: str,
    pid: nullable(int()),
    started: nullable(time),
    uptime: nullable(num),
    options: opt(obj<NativeWorkerOptions>()),
  }),
);
export const routerState = named(
  'RouterState',
  obj<RouterState>({
    node_id: str,
    router_id: str,
    config: routerConfig,
    desired,
    status: str,
    running_config: nullable(routerConfig),
    drift: bool,
    changes: listOf(str),
    restart_required: opt(bool),
  }),
);
export const storedRouter = named(
  'StoredRouter',
  obj<StoredRouter>({
    node_id: str,
    router_id: str,
    config: routerConfig,
    desired,
  }),
);
export const deletedRouter = named(
  'DeletedRouter',
  obj<DeletedRouter>({
    node_id: str,
    router_id: str,
    deleted: literal(true),
  }),
);
export const routerAction = named(
  'RouterAction',
  obj<RouterAction>({
    node_id: str,
    router_id: str,
    status: str,
    desired: opt(desired),
    started_at: opt(time),
  }),
);
export const reloadResult = named(
  'ReloadResult',
  obj<ReloadResult>({
    node_id: str,
    router_id: str,
    restarted: bool,
    changes: listOf(str),
  }),
);
export const workerStats = named(
  'WorkerStats',
  obj<WorkerStats>({
    worker_id: str,
    type: str,
    status: str,
    pid: nullable(int()),
    uptime: nullable(num),
    cpu_affinity: opt(anything),
    memory: opt(mapOf(nullable(num))),
    open_files: opt(anything),
    threads: opt(anything),
    created: opt(anything),
  }),
);

export const userInfo = named(
  'UserInfo',
  obj<UserInfo>({
    name: str,
    email: str,
    keys: listOf(
      obj<UserInfo['keys'][number]>({ pubkey: str, label: nullable(str), created: time }),
    ),
    realms: listOf(obj<UserInfo['realms'][number]>({ realm: str, role: str })),
  }),
);
export const realmInfo = named(
  'ManagementRealmInfo',
  obj<ManagementRealmInfo>({
    realm: str,
    role: str,
    owner: str,
    created: time,
  }),
);
