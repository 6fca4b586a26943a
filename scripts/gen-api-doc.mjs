#!/usr/bin/env node
// Writes docs/API.md (the public API) and docs/NODE-API.md (the node's management API)
// from the contract in @cdc/api (run after `npm run build`). A test
// (packages/api/test/api-doc.test.ts) fails when they drift apart; it imports the
// renderers from here, so this module writes only when run as a script.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as contract from '@cdc/api';
import { CdcErrors } from '@cdc/api';

const {
  CONTROLLER_EVENTS,
  CONTROLLER_PROCEDURES,
  EVENTS,
  PROCEDURES,
  WORKER_EVENTS,
  WORKER_PROCEDURES,
  SUBSCRIBABLE_PREFIXES,
  USER_ROLES,
  controllerUri,
  registeredUris,
  workerLogTopic,
  workerUri,
} = contract;

/** The contract itself, for the test that checks it against SPEC §4. */
export { contract };

const GROUPS = [
  {
    group: 'global',
    title: 'Global / management (SPEC §4.1)',
    intro: 'The state of the management realm and its nodes, as the center sees them.',
  },
  {
    group: 'management',
    title: 'Realm management by its owner (SPEC §4.5)',
    intro: 'Node pairings, access for keys, and the audit log.',
  },
  {
    group: 'remote',
    title: 'Remote node API (SPEC §4.2)',
    intro:
      "Each call is forwarded to the node's controller and returns its result. `node_id` comes " +
      'first; procedures on a worker take `worker_id` second and go to that worker. A node that ' +
      `is not connected fails at once with \`${CdcErrors.NODE_OFFLINE}\`, and so does a call ` +
      'still in flight when the node drops; node errors (`crossbar.error.*`) pass through ' +
      'unchanged.',
  },
  {
    group: 'config',
    title: 'Configuration API (SPEC §4.3)',
    intro:
      'The desired state of each node, kept in the database; the center applies it. Every ' +
      'change is validated before it is stored.',
  },
  {
    group: 'registration',
    title: 'Registration (SPEC §4.4)',
    intro:
      'On the global realm `com.crossbario.cdc`, served by a backend process of its own. A key ' +
      'the center does not know joins it as `cdc-registrant` and may call only the two user ' +
      "registration procedures; a registered user's key joins as `cdc-user`; the router refuses " +
      'the rest. The PIN goes by mail as a picture (a PNG captcha); a registration expires after ' +
      '15 minutes or 5 wrong PINs and is rate limited per key, email address and source address. ' +
      'The global realm keeps no audit log of its own: its backend logs every call that changes ' +
      "something with the caller's key and address.",
  },
];

const code = (s) => `\`${s}\``;
const cell = (s) => String(s).replace(/\|/g, '\\|');

/** Where a remote procedure goes on the node. */
function target(d) {
  if (d.remote === undefined) return '-';
  return code(
    d.remote.level === 'node'
      ? controllerUri(d.remote.proc)
      : workerUri('<worker_id>', d.remote.proc),
  );
}

function row(d, remote) {
  const primary = `${d.name}@${d.version}`;
  const others = registeredUris(d).filter((u) => u !== primary);
  const cells = [
    code(primary),
    others.length > 0 ? others.map(code).join('<br>') : '-',
    d.parameters.length > 0
      ? d.parameters
          .map((p) => code(p.optional ? `${p.name}=${JSON.stringify(p.default)}` : p.name))
          .join(', ')
      : '-',
    code(d.role),
    d.mutating ? 'yes' : 'no',
    cell(d.summary),
  ];
  if (remote) cells.push(target(d));
  return `| ${cells.join(' | ')} |\n`;
}

function section(title, intro, defs) {
  const remote = defs.some((d) => d.remote !== undefined);
  let out = `\n## ${title}\n\n${intro === '' ? '' : `${para(intro)}\n`}`;
  out += '| procedure | also registered as | arguments | least role | audited | summary |';
  out += remote
    ? ' forwards to |\n|---|---|---|---|---|---|---|\n'
    : '\n|---|---|---|---|---|---|\n';
  for (const d of defs) out += row(d, remote);
  return out;
}

/**
 * A paragraph wrapped at 96 columns (prettier leaves Markdown alone), never inside a code span.
 */
function para(text) {
  const lines = [];
  let line = '';
  for (const word of text.match(/(?:[^\s`]*`[^`]*`)+[^\s`]*|\S+/g) ?? []) {
    if (line !== '' && line.length + 1 + word.length > 96) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return `${lines.join('\n')}\n`;
}

/** The text of docs/API.md. */
export function renderApiDoc() {
  const uris = PROCEDURES.reduce((n, d) => n + registeredUris(d).length, 0);
  const later = PROCEDURES.find((d) => d.version > 1);
  const first = later && PROCEDURES.find((d) => d.name === later.name && d.version === 1);
  let out = '# Public API\n\n';
  out += para(
    'The public API of a management realm and of the global realm (SPEC §4): every procedure ' +
      'and event, generated from ' +
      'the contract in `packages/api/src/procedures.ts` (`PROCEDURES`, `EVENTS`, ' +
      '`workerLogTopic`) by `node scripts/gen-api-doc.mjs`. A test keeps this file and the ' +
      'contract in step, and another checks the contract against the procedures ' +
      `\`../shared/SPEC.md\` names. ${PROCEDURES.length} procedures under ${uris} URIs.`,
  );

  out += '\n## Names, versions and aliases\n\n';
  out += para(
    'Every procedure is registered under its versioned name `name@N`. Some are registered under ' +
      'other names as well (aliases), with the same version. Version 1 is also registered under ' +
      'the bare names, without `@1`, which mean `@1` for good: the API is stable, and a changed ' +
      'procedure gets a new version next to the old one' +
      (later && first
        ? ` (\`${first.name}\` is \`${first.name}@1\`, while \`${later.name}@${later.version}\` ` +
          'is reachable only by its versioned names).'
        : '.'),
  );

  out += '\n## Arguments and results\n\n';
  out += para(
    'Arguments are positional, in the order listed; keyword arguments with the same names work ' +
      'too. An argument shown as `name=value` may be left out (from the end, or given by keyword), ' +
      'and the center then takes that value. Results are plain JSON values: timestamps are ISO ' +
      '8601 UTC strings, durations are seconds. Each parameter and result has a shape in the ' +
      'contract, typed by the maps of `packages/api/src/public-api.ts`, from which JSON Schemas ' +
      '(2020-12) come: `argsSchema(d)`, `kwargsSchema(d)` and `resultSchema(d)` of `@cdc/api`; ' +
      "the SDK's methods for them are in [`SDK.md`](SDK.md).",
  );

  out += '\n## Over HTTP, with API tokens\n\n';
  out += para(
    'Every procedure of a management realm (not those of the global realm) is also ' +
      "`POST /api/<procedure>` on the center's port, under any of its names, with a JSON body " +
      '`{"args": [...], "kwargs": {...}}` (both optional) and `Authorization: Bearer <token>`, ' +
      'an API token of `create_token` (SPEC §7). It answers `200 {"args", "kwargs"}` (the value ' +
      'is `args[0]`) or `{"error": URI, "args", "kwargs"}` with 400 (invalid argument or ' +
      'config, bad JSON), 401 (no, unknown, revoked or expired token), 403 ' +
      '(`wamp.error.not_authorized`), 404 (no such procedure; `wamp.*` and ' +
      '`crossbarfabriccenter.*` are never exposed), 409 (state conflicts), 413 (body too ' +
      'large), 429 (rate limited, `Retry-After`), 503 (`node_offline`, database or backend ' +
      "unavailable, `Retry-After`) or 500. The call runs on the token's WAMP session through " +
      "the router, so least roles and audit (authid = the token's label) are as below. Events " +
      'are `GET /api/events/<topic>` as Server-Sent Events; `GET /api/openapi.json` is the ' +
      'OpenAPI 3.1 document generated from this contract. A token is a WAMP `ticket` too ' +
      "(authid = its label, the token as the ticket). A token's sessions, WAMP clients' and the " +
      "HTTP API's with their event streams, are closed at once when it is revoked and when it " +
      'expires. Browsers may call only from the origins in `CDC_HTTP_CORS_ORIGINS` (none by ' +
      'default); the API is HTTPS when the center runs with TLS.',
  );

  out += '\n## Roles and audit\n\n';
  out += para(
    `A user joins a management realm with one of the roles ${USER_ROLES.map(code).join(' < ')} ` +
      '(SPEC §4.8); each role has the rights of those before it. "Least role" is the weakest role ' +
      'that may call a procedure; the router itself refuses anyone below it. Calls that change ' +
      'something ("audited: yes") are recorded in the realm\'s audit log with the caller\'s ' +
      'authid and role, the procedure, its arguments (secrets masked), the time and the outcome, ' +
      'whether the call succeeded or failed; read it with `get_audit_log`.',
  );

  for (const g of GROUPS) {
    const defs = PROCEDURES.filter((d) => d.group === g.group);
    if (defs.length > 0) out += section(g.title, g.intro, defs);
  }
  const known = new Set(GROUPS.map((g) => g.group));
  for (const group of new Set(PROCEDURES.map((d) => d.group).filter((x) => !known.has(x))))
    out += section(
      group,
      '',
      PROCEDURES.filter((d) => d.group === group),
    );

  out += '\n## Events\n\n';
  out += para(
    "Published on the management realm by its backend, with the node's ID as the first " +
      'argument. Every user role may subscribe to topics starting with ' +
      `${SUBSCRIBABLE_PREFIXES.map(code).join(' and ')}.`,
  );
  out += '\n| event | in the contract |\n|---|---|\n';
  for (const [key, uri] of Object.entries(EVENTS)) out += `| ${code(uri)} | \`EVENTS.${key}\` |\n`;
  const log = workerLogTopic('<node_id>', '<worker_id>');
  out += `| ${code(log)} | \`workerLogTopic(node_id, worker_id)\` |\n\n`;
  out += para('The last is the live log of one worker: each event carries one log line.');

  out += '\n## Errors\n\n';
  out += para(
    'Every error carries a URI and a human-readable message as its first argument. The URIs and ' +
      'what they mean are listed in [errors.md](errors.md).',
  );
  return out;
}

/** A node procedure's row: name, arguments, who offers it, its answer check, Crossbar.io. */
function nodeRow(d) {
  const crossbar =
    d.crossbar === null ? 'ours only' : d.crossbar === d.name ? 'same' : code(d.crossbar);
  const cells = [
    code(d.name),
    d.params.length > 0 ? d.params.map(code).join(', ') : '-',
    ...(d.level === 'worker' ? [d.workers.join(', ')] : []),
    code(d.result.name),
    crossbar,
    d.summary,
  ];
  return `| ${cells.map(cell).join(' | ')} |\n`;
}

function nodeEventRow(e) {
  const cells = [
    code(e.name),
    e.args.map(code).join(', '),
    ...(e.level === 'worker' ? [e.workers.join(', ')] : []),
    e.aliases.length > 0 ? e.aliases.map(code).join(', ') : '-',
    e.crossbar ? 'yes' : 'ours only',
    e.summary,
  ];
  return `| ${cells.map(cell).join(' | ')} |\n`;
}

/** The text of docs/NODE-API.md. */
export function renderNodeApiDoc() {
  const controller = Object.values(CONTROLLER_PROCEDURES);
  const worker = Object.values(WORKER_PROCEDURES);
  let out = '# Node API\n\n';
  out += para(
    "The management API of a node: its controller's procedures and events under " +
      `${code(controllerUri('<name>'))}, each native worker's under ` +
      `${code(workerUri('<worker_id>', '<name>'))}, on the node's local management realm ` +
      '`crossbar` (and on the center as `crossbarfabriccenter.node.<node_id>.<name>`, ' +
      '`…node.<node_id>.worker.<worker_id>.<name>`). Generated from the contract in ' +
      '`packages/api/src/node-table.ts` by `node scripts/gen-api-doc.mjs`; the types of every ' +
      'argument and result are in `packages/api/src/node-api.ts`. ' +
      `${controller.length} controller and ${worker.length} worker procedures.`,
  );
  out += '\n';
  out += para(
    'Names, arguments and shapes are Crossbar.io\'s (SPEC §3); "Crossbar.io" says whether a ' +
      'Crossbar.io node has the procedure too. The center checks every answer against its ' +
      '"answer" shape (the fields it relies on) and turns a wrong one into ' +
      `${code(CdcErrors.BAD_NODE_ANSWER)}, naming the node, the procedure and what was wrong.`,
  );
  out += '\n## Controller procedures\n\n';
  out += '| procedure | arguments | answer | Crossbar.io | summary |\n|---|---|---|---|---|\n';
  for (const d of controller) out += nodeRow(d);
  out += '\n## Worker procedures\n\n';
  out +=
    '| procedure | arguments | offered by | answer | Crossbar.io | summary |\n' +
    '|---|---|---|---|---|---|\n';
  for (const d of worker) out += nodeRow(d);
  out += '\n## Events\n\n';
  out += para(
    'Published on the local management realm (and republished on the center by the uplink). ' +
      '"Also known as" are names a Crossbar.io node or master uses; the center understands them.',
  );
  out += '\n### Controller events\n\n';
  out += '| event | carries | also known as | Crossbar.io | summary |\n|---|---|---|---|---|\n';
  for (const e of Object.values(CONTROLLER_EVENTS)) out += nodeEventRow(e);
  out += '\n### Worker events\n\n';
  out +=
    '| event | carries | published for | also known as | Crossbar.io | summary |\n' +
    '|---|---|---|---|---|---|\n';
  for (const e of Object.values(WORKER_EVENTS)) out += nodeEventRow(e);
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(new URL('../docs/API.md', import.meta.url), renderApiDoc());
  console.log(`docs/API.md: ${PROCEDURES.length} procedures`);
  writeFileSync(new URL('../docs/NODE-API.md', import.meta.url), renderNodeApiDoc());
  console.log(
    `docs/NODE-API.md: ${Object.keys(CONTROLLER_PROCEDURES).length + Object.keys(WORKER_PROCEDURES).length} procedures`,
  );
}
