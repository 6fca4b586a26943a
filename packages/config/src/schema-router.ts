/**
 * JSON Schema for what a router worker holds in Crossbar.io's format: realms with roles
 * and permissions, transports (websocket, rawsocket, universal, web) with endpoints and
 * auth, and components.
 * @module
 */
import {
  ID_PATTERN,
  REALM_NAME_PATTERN,
  URI_PATTERN_PATTERN,
  URI_STRICT_PATTERN,
} from './patterns.js';

type Schema = Record<string, unknown>;

const id = { type: 'string', pattern: ID_PATTERN };
const uri = { type: 'string', pattern: URI_STRICT_PATTERN };
const bool = { type: 'boolean' };
const str = { type: 'string' };
const strList = { type: 'array', items: str };
const serializers = {
  type: 'array',
  items: { enum: ['json', 'msgpack', 'cbor'] },
  minItems: 1,
  uniqueItems: true,
};

export const permission: Schema = {
  type: 'object',
  required: ['uri'],
  additionalProperties: false,
  properties: {
    uri: { type: 'string', pattern: '^([^\\s#]*)$' },
    match: { enum: ['exact', 'prefix', 'wildcard'] },
    allow: {
      type: 'object',
      additionalProperties: false,
      properties: { call: bool, register: bool, publish: bool, subscribe: bool },
    },
    disclose: {
      type: 'object',
      additionalProperties: false,
      properties: { caller: bool, publisher: bool },
    },
    cache: bool,
    validate: { type: 'object' },
  },
};

export const role: Schema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    id,
    name: { type: 'string', pattern: '^[A-Za-z0-9_\\-.]{1,255}$' },
    permissions: { type: 'array', items: permission },
    authorizer: uri,
  },
  not: { required: ['permissions', 'authorizer'] },
};

export const realm: Schema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    id,
    name: { type: 'string', pattern: REALM_NAME_PATTERN },
    roles: { type: 'array', items: role },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        uri_check: { enum: ['strict', 'loose'] },
        enable_meta_api: bool,
        bridge_meta_api: bool,
        event_dispatching_chunk_size: { type: 'integer', minimum: 1 },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { enum: ['memory'] },
        'event-history': {
          type: 'array',
          items: {
            type: 'object',
            required: ['uri'],
            additionalProperties: false,
            properties: {
              uri: { type: 'string', pattern: URI_PATTERN_PATTERN },
              match: { enum: ['exact', 'prefix', 'wildcard'] },
              limit: { type: 'integer', minimum: 1, maximum: 100000 },
            },
          },
        },
      },
    },
  },
};

const tls = {
  type: 'object',
  required: ['key', 'certificate'],
  additionalProperties: false,
  properties: {
    key: str,
    certificate: str,
    ca_certificates: strList,
    dhparam: str,
    ciphers: str,
  },
};

export const endpoint: Schema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      properties: {
        type: { const: 'tcp' },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        interface: str,
        version: { enum: [4, 6] },
        backlog: { type: 'integer', minimum: 1 },
        shared: bool,
        tls,
      },
      required: ['port'],
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'unix' }, path: { type: 'string', minLength: 1 } },
      required: ['path'],
      additionalProperties: false,
    },
  ],
};

const dynamicAuth = {
  type: 'object',
  required: ['type', 'authenticator'],
  additionalProperties: false,
  properties: {
    type: { const: 'dynamic' },
    authenticator: uri,
    'authenticator-realm': { type: 'string', pattern: REALM_NAME_PATTERN },
    'authenticator-role': str,
  },
};

function staticOr(stat: Schema): Schema {
  return {
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: [stat, dynamicAuth],
  };
}

const principalRole = { role: str, realm: { type: 'string', pattern: REALM_NAME_PATTERN } };

export const auth: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    anonymous: staticOr({
      type: 'object',
      additionalProperties: false,
      properties: { type: { const: 'static' }, role: str, authid: str },
    }),
    ticket: staticOr({
      type: 'object',
      required: ['principals'],
      additionalProperties: false,
      properties: {
        type: { const: 'static' },
        principals: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['ticket', 'role'],
            additionalProperties: false,
            properties: { ticket: str, ...principalRole },
          },
        },
      },
    }),
    wampcra: staticOr({
      type: 'object',
      required: ['users'],
      additionalProperties: false,
      properties: {
        type: { const: 'static' },
        users: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['secret', 'role'],
            additionalProperties: false,
            properties: {
              secret: str,
              ...principalRole,
              salt: str,
              iterations: { type: 'integer', minimum: 1 },
              keylen: { type: 'integer', minimum: 1, maximum: 1024 },
            },
          },
        },
      },
    }),
    cryptosign: staticOr({
      type: 'object',
      required: ['principals'],
      additionalProperties: false,
      properties: {
        type: { const: 'static' },
        principals: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['role', 'authorized_keys'],
            additionalProperties: false,
            properties: {
              ...principalRole,
              authorized_keys: {
                type: 'array',
                items: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
              },
            },
          },
        },
      },
    }),
  },
};

const websocketOptions = {
  type: 'object',
  additionalProperties: true,
  properties: {
    max_message_size: { type: 'integer', minimum: 512, maximum: 268435456 },
    auto_ping_interval: { type: 'integer', minimum: 0 },
    auto_ping_timeout: { type: 'integer', minimum: 0 },
    compression: { type: 'object' },
    enable_batched: bool,
  },
};

/** A WebSocket service: the body of a `websocket` transport and of a `web` path of type `websocket`. */
const websocketService = {
  serializers,
  options: websocketOptions,
  auth,
  cookie: { type: 'object' },
  debug: bool,
  url: str,
};

const rawsocketService = {
  serializers,
  max_message_size: { type: 'integer', minimum: 512, maximum: 16777216 },
  auth,
  debug: bool,
};

export const webPath: Schema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      properties: {
        type: { const: 'static' },
        directory: str,
        package: str,
        resource: str,
        options: {
          type: 'object',
          additionalProperties: false,
          properties: {
            enable_directory_listing: bool,
            cache_timeout: { type: 'integer', minimum: 0 },
            default_file: str,
          },
        },
      },
      required: ['directory'],
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'websocket' }, ...websocketService },
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'redirect' },
        url: str,
        status: { enum: [301, 302, 303, 307, 308] },
      },
      required: ['url'],
      additionalProperties: false,
    },
    { properties: { type: { const: 'nodeinfo' } }, additionalProperties: false },
    {
      properties: {
        type: { const: 'publisher' },
        realm: { type: 'string', pattern: REALM_NAME_PATTERN },
        role: str,
        options: { type: 'object' },
      },
      required: ['realm', 'role'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'caller' },
        realm: { type: 'string', pattern: REALM_NAME_PATTERN },
        role: str,
        options: { type: 'object' },
      },
      required: ['realm', 'role'],
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'json' }, value: {} },
      required: ['value'],
      additionalProperties: false,
    },
  ],
};

const webPaths = {
  type: 'object',
  propertyNames: { pattern: '^(/|[A-Za-z0-9_\\-.~]+(/[A-Za-z0-9_\\-.~]+)*)$' },
  additionalProperties: webPath,
};

export const transport: Schema = {
  type: 'object',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      properties: { type: { const: 'websocket' }, id, endpoint, ...websocketService },
      required: ['endpoint'],
      additionalProperties: false,
    },
    {
      properties: { type: { const: 'rawsocket' }, id, endpoint, ...rawsocketService },
      required: ['endpoint'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'universal' },
        id,
        endpoint,
        rawsocket: { type: 'object', additionalProperties: false, properties: rawsocketService },
        websocket: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: websocketService,
          },
        },
        web: { type: 'object', additionalProperties: false, properties: { paths: webPaths } },
      },
      required: ['endpoint'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'web' },
        id,
        endpoint,
        paths: webPaths,
        options: { type: 'object' },
      },
      required: ['endpoint', 'paths'],
      additionalProperties: false,
    },
  ],
};

/** A client transport: how a container component reaches a router. */
export const clientTransport: Schema = {
  type: 'object',
  required: ['type', 'endpoint'],
  additionalProperties: false,
  properties: {
    type: { enum: ['websocket', 'rawsocket'] },
    endpoint: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        type: { enum: ['tcp', 'unix'] },
        host: str,
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        path: str,
        tls: { type: 'object' },
        timeout: { type: 'number' },
      },
    },
    url: str,
    serializers,
    serializer: { enum: ['json', 'msgpack', 'cbor'] },
  },
};

export const component: Schema = {
  type: 'object',
  required: ['type', 'realm'],
  additionalProperties: false,
  properties: {
    type: { enum: ['module', 'class'] },
    id,
    path: str,
    classname: str,
    realm: { type: 'string', pattern: REALM_NAME_PATTERN },
    role: str,
    extra: {},
    transport: clientTransport,
    references: strList,
  },
};

export const routerBody = {
  realms: { type: 'array', items: realm },
  transports: { type: 'array', items: transport },
  components: { type: 'array', items: component },
};
