/**
 * JSON Schema for a Crossbar.io node config, version 2: controller and workers of type
 * `router`, `container` and `guest`.
 * @module
 */
import { ID_PATTERN } from './patterns.js';
import { routerLimits } from './schema-limits.js';
import { clientTransport, component, routerBody, unsupported } from './schema-router.js';

type Schema = Record<string, unknown>;

const id = { type: 'string', pattern: ID_PATTERN };
const str = { type: 'string' };
const bool = { type: 'boolean' };

const env = {
  type: 'object',
  additionalProperties: false,
  properties: {
    inherit: { anyOf: [bool, { type: 'array', items: str }] },
    vars: { type: 'object', additionalProperties: str },
  },
};

const restart = { enum: ['never', 'always', 'on-failure'] };

const nativeOptions = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: str,
    cpu_affinity: { type: 'array', items: { type: 'integer', minimum: 0 }, uniqueItems: true },
    env,
    pythonpath: { type: 'array', items: str },
    restart,
    expose_controller: unsupported('workers do not reach the controller over WAMP'),
    expose_shared: unsupported('workers share nothing'),
    shutdown: { enum: ['shutdown_manual', 'shutdown_on_last_component_stopped'] },
  },
};

/** A router worker's options: the native ones and its limits (CDC's own, not Crossbar.io's). */
const routerOptions = {
  ...nativeOptions,
  properties: { ...nativeOptions.properties, limits: routerLimits },
};

export const routerWorker: Schema = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: { type: { const: 'router' }, id, options: routerOptions, ...routerBody },
};

const containerWorker = {
  type: 'object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { const: 'container' },
    id,
    options: nativeOptions,
    components: { type: 'array', items: component },
  },
};

const guestOutput = { enum: ['close', 'log', 'drop'] };

const guestWorker = {
  type: 'object',
  required: ['type', 'executable'],
  additionalProperties: false,
  properties: {
    type: { const: 'guest' },
    id,
    executable: { type: 'string', minLength: 1 },
    arguments: { type: 'array', items: str },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        title: unsupported("a guest runs under its own executable's name"),
        workdir: str,
        env,
        stdin: unsupported("a guest's standard input is not fed"),
        stdout: guestOutput,
        stderr: guestOutput,
        watch: unsupported('watching files to restart a guest'),
        restart,
        cpu_affinity: { type: 'array', items: { type: 'integer', minimum: 0 } },
      },
    },
  },
};

export const worker: Schema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [routerWorker, containerWorker, guestWorker],
};

function endpointOf(t: Schema): Schema {
  return (t['properties'] as Record<string, Schema>)['endpoint'] as Schema;
}

/** A client transport as the uplink reads it: it picks serializers and timeouts itself. */
const uplinkTransport = {
  ...clientTransport,
  properties: {
    ...(clientTransport['properties'] as Schema),
    serializers: unsupported('the uplink offers CBOR, MessagePack and JSON itself'),
    serializer: unsupported('the uplink offers CBOR, MessagePack and JSON itself'),
    endpoint: {
      ...endpointOf(clientTransport),
      properties: {
        ...(endpointOf(clientTransport)['properties'] as Schema),
        timeout: unsupported('the uplink reconnects with its own backoff'),
      },
    },
  },
};

const uplink = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Several URLs (a list, or comma-separated) are instances of one clustered center.
    url: { anyOf: [str, { type: 'array', items: str, minItems: 1 }] },
    realm: unsupported('the center assigns the management realm to a node'),
    transport: { anyOf: [{ type: 'null' }, uplinkTransport] },
    heartbeat: {
      type: 'object',
      additionalProperties: false,
      properties: {
        startup_delay: { type: 'number', minimum: 0 },
        heartbeat_period: { type: 'number', exclusiveMinimum: 0 },
        include_system_stats: bool,
      },
    },
  },
};

export const nodeConfig: Schema = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  properties: {
    $schema: str,
    version: { const: 2 },
    controller: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id,
        options: { type: 'object', additionalProperties: false, properties: { title: str } },
        cdc: uplink,
        fabric: uplink,
        manhole: unsupported('no Python manhole'),
      },
    },
    workers: { type: 'array', items: worker },
  },
};
