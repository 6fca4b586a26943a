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

/**
 * A Crossbar.io key CDC does not implement: refused by name ("… is not supported")
 * rather than accepted and ignored. `why` is kept in the schema as documentation.
 */
export function unsupported(why: string): Schema {
  return { not: {}, description: `not supported: ${why}` };
}

/** A Crossbar.io option CDC always behaves as with this value; any other is refused. */
function fixed(value: unknown): Schema {
  return { const: value };
}

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
    validate: unsupported('payload validation against WAMP interface types'),
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
        // The meta API is always on.
        enable_meta_api: fixed(true),
        bridge_meta_api: unsupported('router-to-router links'),
        event_dispatching_chunk_size: unsupported('events are dispatched in one go'),
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: fixed('memory'),
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
    chain_certificates: strList,
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
    'authenticator-role': unsupported('the authenticator is called as the router itself'),
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
    scram: staticOr({
      type: 'object',
      required: ['principals'],
      additionalProperties: false,
      properties: {
        type: { const: 'static' },
        principals: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['kdf', 'iterations', 'salt', 'stored-key', 'server-key', 'role'],
            additionalProperties: false,
            properties: {
              ...principalRole,
              kdf: { enum: ['argon2id-13', 'argon2id13', 'pbkdf2'] },
              iterations: { type: 'integer', minimum: 1 },
              memory: { type: 'integer', minimum: 8 },
              salt: { type: 'string', pattern: '^([0-9a-fA-F]{2})+$' },
              'stored-key': { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
              'server-key': { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
            },
          },
        },
      },
    }),
    tls: staticOr({
      type: 'object',
      required: ['principals'],
      additionalProperties: false,
      properties: {
        type: { const: 'static' },
        principals: {
          type: 'object',
          additionalProperties: {
            type: 'object',
            required: ['certificate-sha1', 'role'],
            additionalProperties: false,
            properties: {
              ...principalRole,
              'certificate-sha1': {
                type: 'string',
                pattern: '^[0-9a-fA-F]{2}(:?[0-9a-fA-F]{2}){19}$',
              },
            },
          },
        },
      },
    }),
    cookie: { type: 'object', additionalProperties: false, properties: {} },
  },
};

/** Cookie tracking on a WebSocket (Crossbar.io's `cookie` block). */
export const cookie: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[a-z][a-z0-9_]+$' },
    length: { type: 'integer', minimum: 6, maximum: 64 },
    max_age: { type: 'integer', minimum: 1, maximum: 86400 * 360 * 10 },
    store: {
      type: 'object',
      required: ['type'],
      discriminator: { propertyName: 'type' },
      oneOf: [
        { properties: { type: { const: 'memory' } }, additionalProperties: false },
        {
          properties: { type: { const: 'file' }, filename: str, purge_on_startup: bool },
          additionalProperties: false,
        },
      ],
    },
  },
};

const legacy = unsupported('a WebSocket draft or transport detail of autobahn-python');

export const websocketOptions: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    max_message_size: { type: 'integer', minimum: 512, maximum: 268435456 },
    auto_ping_interval: { type: 'integer', minimum: 0 },
    auto_ping_timeout: { type: 'integer', minimum: 0 },
    compression: {
      type: 'object',
      additionalProperties: false,
      properties: {
        deflate: {
          type: 'object',
          additionalProperties: false,
          properties: {
            request_no_context_takeover: bool,
            request_max_window_bits: { type: 'integer', minimum: 8, maximum: 15 },
            no_context_takeover: bool,
            max_window_bits: { type: 'integer', minimum: 8, maximum: 15 },
            memory_level: { type: 'integer', minimum: 1, maximum: 9 },
          },
        },
      },
    },
    enable_batched: bool,
    allowed_origins: strList,
    allow_null_origin: bool,
    tcp_nodelay: bool,
    open_handshake_timeout: { type: 'integer', minimum: 0 },
    // What the WebSocket server always does.
    enable_rfc6455: fixed(true),
    enable_hybi10: fixed(true),
    require_masked_client_frames: fixed(true),
    mask_server_frames: fixed(false),
    require_websocket_subprotocol: fixed(true),
    // Not implemented.
    external_port: unsupported('the WebSocket server needs no external port'),
    enable_hixie76: legacy,
    close_handshake_timeout: legacy,
    enable_webstatus: legacy,
    validate_utf8: legacy,
    apply_mask: legacy,
    max_frame_size: unsupported('only whole messages are limited (max_message_size)'),
    auto_fragment_size: legacy,
    fail_by_drop: legacy,
    echo_close_codereason: legacy,
    auto_ping_size: legacy,
    enable_flash_policy: unsupported('Flash'),
    flash_policy: unsupported('Flash'),
    show_server_version: legacy,
  },
};

/** A WebSocket service: the body of a `websocket` transport and of a `web` path of type `websocket`. */
const websocketService = {
  serializers,
  options: websocketOptions,
  auth,
  cookie,
  debug: bool,
  url: unsupported('the WebSocket server does not use its public URL'),
};

const rawsocketService = {
  serializers,
  max_message_size: { type: 'integer', minimum: 512, maximum: 16777216 },
  auth,
  debug: bool,
};

/** Crossbar.io's HTTP bridge options: none is implemented (request signing among them). */
const bridgeOptions = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(
    [
      'debug',
      'key',
      'secret',
      'require_tls',
      'require_ip',
      'post_body_limit',
      'timestamp_delta_limit',
    ].map((k) => [k, unsupported('HTTP bridge option not implemented')]),
  ),
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
        package: unsupported('Python package resources'),
        resource: unsupported('Python package resources'),
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
        options: bridgeOptions,
      },
      required: ['realm', 'role'],
      additionalProperties: false,
    },
    {
      properties: {
        type: { const: 'caller' },
        realm: { type: 'string', pattern: REALM_NAME_PATTERN },
        role: str,
        options: bridgeOptions,
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
        options: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(
            ['access_log', 'display_tracebacks', 'hsts', 'hsts_max_age', 'client_timeout'].map(
              (k) => [k, unsupported('Web transport option not implemented')],
            ),
          ),
        },
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
        tls: {
          type: 'object',
          additionalProperties: false,
          properties: {
            hostname: str,
            ca_certificates: unsupported('client TLS trusts the system CAs'),
            certificate: unsupported('client certificates for outgoing connections'),
            key: unsupported('client certificates for outgoing connections'),
          },
        },
        timeout: { type: 'number', minimum: 0 },
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
    references: unsupported('component references'),
  },
};

export const routerBody = {
  realms: { type: 'array', items: realm },
  transports: { type: 'array', items: transport },
  components: { type: 'array', items: component },
};
