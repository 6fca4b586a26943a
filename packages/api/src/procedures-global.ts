/**
 * The tables of SPEC §4.1 (the realm and its nodes) and §4.5 (realm management by its
 * owner), typed by `GlobalApi` and `ManagementApi`.
 * @module
 */
import type { GlobalApi, ManagementApi } from './public-api.js';
import type { ProcTable } from './procedure-def.js';
import { param } from './procedure-def.js';
import {
  accessInfo,
  auditEntry,
  auditFilter,
  createdToken,
  dict,
  id,
  nodeInfo,
  nodeStatus,
  pubkey,
  realmStatus,
  revokeResult,
  revokedToken,
  tokenId,
  tokenInfo,
  tokenLabel,
  unpairResult,
  userRole,
} from './public-shapes.js';
import { int, listOf, mapOf, nullable, str } from './shape.js';

const CDC = 'com.crossbario.cdc';
const MGMT = `${CDC}.management`;

const statusFilter = {
  shape: nullable(nodeStatus),
  default: null,
  description: 'only nodes with this status; null: all',
};

export const GLOBAL_TABLE: ProcTable<GlobalApi> = {
  'com.crossbario.cdc.get_status@1': {
    params: [],
    result: realmStatus,
    role: 'cdc-guest',
    mutating: false,
    summary: 'status of the management realm',
    aliases: [`${CDC}.general.get_status`],
  },
  'com.crossbario.cdc.get_nodes@1': {
    params: [],
    result: listOf(str),
    role: 'cdc-guest',
    mutating: false,
    summary: 'node IDs of the realm',
    aliases: [`${MGMT}.get_nodes`],
  },
  'com.crossbario.cdc.get_nodes@2': {
    params: [],
    options: { filter_status: statusFilter },
    result: listOf(nodeInfo),
    role: 'cdc-guest',
    mutating: false,
    summary: 'node infos, filtered by status',
    aliases: [`${MGMT}.get_nodes`],
  },
  'com.crossbario.cdc.get_nodes@3': {
    params: [],
    options: {
      filter_type: {
        shape: nullable(str),
        default: null,
        description: 'only nodes of this type (cdc, crossbar); null: all',
      },
      filter_status: statusFilter,
    },
    result: mapOf(nodeInfo),
    role: 'cdc-guest',
    mutating: false,
    summary: 'node infos by node ID, filtered by type and status',
    aliases: [`${MGMT}.get_nodes`],
  },
  'com.crossbario.cdc.get_node_status@1': {
    params: [param('node_id', id)],
    result: nodeInfo,
    role: 'cdc-guest',
    mutating: false,
    summary: 'the info of one node',
    aliases: [`${MGMT}.get_node_status`],
  },
};

export const MANAGEMENT_TABLE: ProcTable<ManagementApi> = {
  'com.crossbario.cdc.management.pair_node@1': {
    params: [param('node_pubkey', pubkey), param('node_id', id)],
    options: {
      node_extra: { shape: dict, default: {}, description: "returned in the node's node_info" },
    },
    result: nodeInfo,
    role: 'cdc-admin',
    mutating: true,
    summary: 'let a node key join this realm as node_id',
  },
  'com.crossbario.cdc.management.unpair_node@1': {
    params: [param('node_id', id)],
    result: unpairResult,
    role: 'cdc-admin',
    mutating: true,
    summary: 'remove a node key; a connected node is disconnected',
  },
  'com.crossbario.cdc.management.grant_access@1': {
    params: [param('pub_key', pubkey), param('role', userRole)],
    options: {
      label: {
        shape: nullable(str),
        default: null,
        description: 'a name for the key: the authid of an API client',
      },
    },
    result: accessInfo,
    role: 'cdc-owner',
    mutating: true,
    summary: 'let a key join this realm with a role',
  },
  'com.crossbario.cdc.management.revoke_access@1': {
    params: [param('pub_key', pubkey)],
    result: revokeResult,
    role: 'cdc-owner',
    mutating: true,
    summary: "end a key's access; its sessions are closed",
  },
  'com.crossbario.cdc.management.list_access@1': {
    params: [],
    result: listOf(accessInfo),
    role: 'cdc-admin',
    mutating: false,
    summary: 'keys, labels and roles with access',
  },
  'com.crossbario.cdc.management.get_audit_log@1': {
    params: [],
    options: { filter: { shape: auditFilter, default: {}, description: 'newest first' } },
    result: listOf(auditEntry),
    role: 'cdc-admin',
    mutating: false,
    summary: 'who did what, when, with which result',
  },
  'com.crossbario.cdc.management.create_token@1': {
    params: [
      param('label', tokenLabel, "the authid of the token's sessions; unique in the realm"),
      param('role', userRole, "at most the caller's role"),
    ],
    options: {
      expires_in_s: {
        shape: nullable(int(1)),
        default: null,
        description: 'seconds until the token expires; null: never',
      },
    },
    result: createdToken,
    role: 'cdc-owner',
    mutating: true,
    summary: 'make an API token (WAMP ticket, HTTP bearer); its secret is shown once',
  },
  'com.crossbario.cdc.management.list_tokens@1': {
    params: [],
    result: listOf(tokenInfo),
    role: 'cdc-owner',
    mutating: false,
    summary: "the realm's API tokens, without their secrets",
  },
  'com.crossbario.cdc.management.revoke_token@1': {
    params: [param('token_id', tokenId)],
    result: revokedToken,
    role: 'cdc-owner',
    mutating: true,
    summary: 'end an API token; its sessions are closed',
  },
};
