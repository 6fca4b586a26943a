/**
 * The OpenAPI 3.1 document of the HTTP API (SPEC §7), generated from the contract
 * (`@cdc/api`): one `POST /api/<name>@<version>` per public procedure of a management realm
 * with its arguments' and result's JSON Schemas (2020-12, which OpenAPI 3.1 takes as is),
 * its least role and its error responses; the event stream; bearer authentication. The
 * global realm's registration procedures are not here: tokens belong to management realms.
 * @module
 */
import {
  PROCEDURES,
  PUBLIC_EVENTS,
  SUBSCRIBABLE_PREFIXES,
  argsSchema,
  kwargsSchema,
  registeredUris,
  resultSchema,
} from '@cdc/api';
import type { JsonSchema, ProcedureDef } from '@cdc/api';
import { STATUS_MEANING, urisOf } from './status.js';

/** The procedures the HTTP API serves: every public one of a management realm. */
export function httpProcedures(): ProcedureDef[] {
  return PROCEDURES.filter((d) => d.group !== 'registration');
}

const ERROR_BODY: JsonSchema = {
  type: 'object',
  required: ['error', 'args', 'kwargs'],
  properties: {
    error: { type: 'string', description: 'the WAMP error URI (docs/errors.md)' },
    args: { type: 'array', description: 'the first is a message for people' },
    kwargs: { type: 'object' },
  },
};

function errorResponse(status: number): JsonSchema {
  const uris = urisOf(status);
  const also = uris.length > 0 ? ` (${uris.join(', ')})` : '';
  const out: JsonSchema = {
    description: `${STATUS_MEANING[status] ?? 'error'}${also}`,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  if (status === 429 || status === 503)
    out['headers'] = {
      'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } },
    };
  return out;
}

function statusesOf(d: ProcedureDef): number[] {
  const out = [400, 401, 403, 404];
  if (d.mutating || d.group === 'remote' || d.group === 'config') out.push(409);
  out.push(413, 429, 500, 503);
  return out;
}

function operation(d: ProcedureDef): JsonSchema {
  const names = registeredUris(d).filter((u) => u !== `${d.name}@${d.version}`);
  const kwargs = kwargsSchema(d);
  // A required argument may come positionally or by keyword, so neither list requires it.
  delete kwargs['required'];
  delete kwargs['allOf'];
  const args = argsSchema(d);
  args['minItems'] = 0;
  const responses: JsonSchema = {
    '200': {
      description: 'the WAMP result: its value is args[0]',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['args', 'kwargs'],
            properties: {
              args: { type: 'array', prefixItems: [resultSchema(d)], maxItems: 1 },
              kwargs: { type: 'object' },
            },
          },
        },
      },
    },
  };
  for (const s of statusesOf(d)) responses[String(s)] = { $ref: `#/components/responses/E${s}` };
  const required = d.parameters.filter((p) => !p.optional).map((p) => p.name);
  return {
    operationId: `${d.name}@${d.version}`,
    summary: d.summary,
    description:
      `Least role: \`${d.role}\`.` +
      (d.mutating ? ' Changes something; audited.' : '') +
      (required.length > 0
        ? ` Required arguments (positionally in \`args\` or by name in \`kwargs\`): ${required.join(', ')}.`
        : '') +
      (names.length > 0 ? ` Also at: ${names.map((n) => `/api/${n}`).join(', ')}.` : ''),
    tags: [d.group],
    'x-cdc-least-role': d.role,
    'x-cdc-mutating': d.mutating,
    requestBody: {
      required: false,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            additionalProperties: false,
            properties: { args, kwargs },
          },
        },
      },
    },
    responses,
  };
}

export function openApiDocument(version: string): JsonSchema {
  const paths: JsonSchema = {};
  for (const d of httpProcedures()) paths[`/api/${d.name}@${d.version}`] = { post: operation(d) };
  paths['/api/events/{topic}'] = {
    get: {
      operationId: 'events',
      summary: "the realm's public events as Server-Sent Events",
      description:
        `Each event is \`event: <topic>\` and \`data: {"args": [...], "kwargs": {...}}\`. Topics: ` +
        PUBLIC_EVENTS.map((e) => `\`${e.topic}\``).join(', ') +
        `, and any topic under ${SUBSCRIBABLE_PREFIXES.map((p) => `\`${p}\``).join(', ')} ` +
        '(the live worker logs).',
      tags: ['events'],
      parameters: [{ name: 'topic', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': {
          description: 'the event stream',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        },
        ...Object.fromEntries(
          [400, 401, 403, 404, 429, 503].map((s) => [
            String(s),
            { $ref: `#/components/responses/E${s}` },
          ]),
        ),
      },
    },
  };
  const statuses = [400, 401, 403, 404, 409, 413, 429, 500, 503];
  return {
    openapi: '3.1.0',
    info: {
      title: 'CDC HTTP API',
      version,
      description:
        'Every public procedure of a management realm over HTTP, authenticated with an API ' +
        "token (`create_token`). A call goes through the router as the token's WAMP session, " +
        'so roles and audit are the same as over WAMP.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ token: [] }],
    paths,
    components: {
      securitySchemes: {
        token: { type: 'http', scheme: 'bearer', description: 'cdc_<token_id>_<secret>' },
      },
      schemas: { Error: ERROR_BODY },
      responses: Object.fromEntries(statuses.map((s) => [`E${s}`, errorResponse(s)])),
    },
  };
}
