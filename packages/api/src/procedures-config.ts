/**
 * The table of SPEC §4.3, the configuration API (desired state in the database), typed by
 * `ConfigApi`.
 * @module
 */
import { WORKER_PROCEDURES } from './node-table.js';
import type { ConfigApi } from './public-api.js';
import { param } from './procedure-def.js';
import type { ProcTable } from './procedure-def.js';
import {
  createdNode,
  deletedRouter,
  dict,
  id,
  liveWorker,
  nodeConfig,
  reloadResult,
  routerAction,
  routerConfig,
  routerState,
  storedRouter,
  workerStats,
} from './public-shapes.js';
import { bool, int, listOf, range, str } from './shape.js';
import { configuredWorker } from './public-shapes.js';

const node = param('node_id', id);
const router = param('router_id', id);
const worker = param('worker_id', id);

export const CONFIG_TABLE: ProcTable<ConfigApi> = {
  'io.crossbar.cdc.create_node@1': {
    params: [node, param('node_config', nodeConfig)],
    result: createdNode,
    role: 'cdc-admin',
    mutating: true,
    summary: 'store a node entry with its config',
  },
  'io.crossbar.cdc.list_workers@1': {
    params: [node],
    result: listOf(configuredWorker),
    role: 'cdc-guest',
    mutating: false,
    summary: 'workers configured for the node',
  },
  'io.crossbar.cdc.list_node_workers@1': {
    params: [node],
    result: listOf(liveWorker),
    role: 'cdc-guest',
    mutating: false,
    summary: 'workers running on the node now',
  },
  'io.crossbar.cdc.get_router@1': {
    params: [node, router],
    result: routerState,
    role: 'cdc-guest',
    mutating: false,
    summary: 'stored and running config of a router',
  },
  'io.crossbar.cdc.create_router@1': {
    params: [node, router, param('router_config', routerConfig, 'type and id may be left out')],
    result: storedRouter,
    role: 'cdc-admin',
    mutating: true,
    summary: 'store a router config',
  },
  'io.crossbar.cdc.modify_router@1': {
    params: [
      node,
      router,
      param('change_set', dict, 'a JSON Merge Patch (RFC 7396)', ['router_config']),
    ],
    result: storedRouter,
    role: 'cdc-admin',
    mutating: true,
    summary:
      "change a stored router config (JSON Merge Patch; keyword `change_set`, or the seed's `router_config`)",
  },
  'io.crossbar.cdc.delete_router@1': {
    params: [node, router],
    result: deletedRouter,
    role: 'cdc-admin',
    mutating: true,
    summary: 'delete a stopped router',
  },
  'io.crossbar.cdc.start_router@1': {
    params: [node, router],
    result: routerAction,
    role: 'cdc-devop',
    mutating: true,
    summary: 'start a router with its stored config',
  },
  'io.crossbar.cdc.stop_router@1': {
    params: [node, router],
    result: routerAction,
    role: 'cdc-devop',
    mutating: true,
    summary: 'stop a router',
  },
  'io.crossbar.cdc.reload_router@1': {
    params: [node, router],
    options: {
      restart_if_required: {
        shape: bool,
        default: false,
        description: 'restart the worker when a change needs it (else restart_required)',
      },
    },
    result: reloadResult,
    role: 'cdc-devop',
    mutating: true,
    summary: 'bring a running router to its stored config',
  },
  'io.crossbar.cdc.profile_worker@1': {
    params: [node, worker],
    options: {
      profiler: { shape: str, default: 'v8', description: 'v8 (vmprof is its alias)' },
      runtime: { shape: range(0.1, 3600), default: 10, description: 'seconds' },
      prune_percent: {
        shape: range(0, 100),
        default: 5,
        description: 'leave out functions below this share of the time',
      },
      prune_level: {
        shape: int(1),
        default: 1000,
        description: 'cut the call tree below this depth',
      },
    },
    result: WORKER_PROCEDURES.get_profile.result,
    role: 'cdc-devop',
    mutating: true,
    summary: 'profile a worker',
  },
  'io.crossbar.cdc.get_stats@1': {
    params: [node, worker],
    result: workerStats,
    role: 'cdc-guest',
    mutating: false,
    summary: 'process statistics of a worker',
  },
};
