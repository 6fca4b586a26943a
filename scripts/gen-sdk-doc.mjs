#!/usr/bin/env node
// Writes docs/SDK.md, the SDK's API reference, from the contract (@cdc/api: every procedure,
// its parameters, defaults, result and least role; every event) and the SDK's exported types
// (read with the TypeScript compiler from packages/sdk/src: the entries' functions and
// classes with their signatures and doc comments). Run after `npm run build`. A test
// (packages/sdk/test/sdk-doc.test.ts) fails when the file drifts; it imports the renderer
// from here, so this module writes only when run as a script.
//
// Why not TypeDoc: the client's methods are a mapped type generated from the contract's
// type maps, which TypeDoc shows as one opaque type; this lists them one by one, with what
// only the contract knows (least role, defaults, the procedure behind each).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { PROCEDURES, PUBLIC_EVENTS, WORKER_LOG_EVENT, workerLogTopic } from '@cdc/api';
import { GROUP_KEYS, eventMethodName, methodName } from '@cdc/sdk';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const sdk = join(root, 'packages', 'sdk');

const ENTRIES = [
  {
    spec: '@cdc/sdk',
    file: 'src/index.ts',
    for: 'anywhere: the client, its types and errors; bring a transport and a signer',
  },
  {
    spec: '@cdc/sdk/node',
    file: 'src/node/index.ts',
    for: 'Node: key files and ssh-agent, WebSocket and RawSocket transports',
  },
  {
    spec: '@cdc/sdk/browser',
    file: 'src/browser/index.ts',
    for: 'browsers: WebCrypto keys kept in IndexedDB, the browser WebSocket',
  },
];

const GROUPS = [
  { group: 'global', title: 'The realm and its nodes (SPEC §4.1)' },
  { group: 'management', title: 'Realm management by its owner (SPEC §4.5)' },
  { group: 'remote', title: 'Remote node API (SPEC §4.2)' },
  { group: 'config', title: 'Configuration API (SPEC §4.3)' },
  { group: 'registration', title: 'Registration and account, on the global realm (SPEC §4.4)' },
];

const code = (s) => `\`${s}\``;
const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/** The program over the SDK's sources, with its own compiler options. */
function program() {
  const cfg = ts.getParsedCommandLineOfConfigFile(
    join(sdk, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  return ts.createProgram(
    ENTRIES.map((e) => join(sdk, e.file)),
    { ...cfg.options, noEmit: true },
  );
}

const doc = (checker, symbol) =>
  ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim();

/** The functions and classes an entry exports (re-exports resolved), by name. */
function exportsOf(checker, file) {
  const out = new Map();
  const mod = checker.getSymbolAtLocation(file);
  for (const s of checker.getExportsOfModule(mod)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    // The SDK's own (the contract's are re-exported as types only).
    if (decl === undefined || !decl.getSourceFile().fileName.startsWith(join(sdk, 'src'))) continue;
    if (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl))
      out.set(s.name, {
        symbol: target,
        decl,
        kind: ts.isClassDeclaration(decl) ? 'class' : 'function',
      });
  }
  return out;
}

const sig = (checker, decl, name) => {
  const s = checker.getSignatureFromDeclaration(decl);
  return `${name}${checker.signatureToString(s, decl, ts.TypeFormatFlags.NoTruncation)}`;
};

/** The public members of a class (statics first): name, how it is used, doc. */
function members(checker, symbol) {
  const out = [];
  const all = [
    ...[...(symbol.exports ?? [])].map(([n, m]) => [n, m, 'static ']),
    ...[...(symbol.members ?? [])].map(([n, m]) => [n, m, '']),
  ];
  for (const [name, m, prefix] of all) {
    const decl = m.declarations?.[0];
    if (decl === undefined || name === '__constructor' || name.startsWith('__#')) continue;
    const mods = ts.getCombinedModifierFlags(decl);
    if (mods & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    const type = () =>
      checker.typeToString(
        checker.getTypeOfSymbolAtLocation(m, decl),
        decl,
        ts.TypeFormatFlags.NoTruncation,
      );
    let usage;
    if (ts.isMethodDeclaration(decl)) usage = sig(checker, decl, name);
    else if (
      ts.isGetAccessorDeclaration(decl) ||
      ts.isPropertyDeclaration(decl) ||
      ts.isParameter(decl)
    )
      usage = `${name}: ${type()}`;
    else continue;
    out.push({ name, usage: prefix + usage, doc: doc(checker, m) });
  }
  return out.sort((a, b) => (a.usage < b.usage ? -1 : 1));
}

/** `getWorkerLog(nodeId, workerId, {limit = 100})`. */
function methodUsage(d, name) {
  const req = d.parameters.filter((p) => !p.optional).map((p) => p.option);
  const opts = d.parameters
    .filter((p) => p.optional)
    .map((p) => `${p.option} = ${JSON.stringify(p.default)}`);
  return `${name}(${[...req, ...(opts.length > 0 ? [`{${opts.join(', ')}}`] : [])].join(', ')})`;
}

function returns(d) {
  if (d.remote === undefined) return code(d.result.name.length <= 48 ? d.result.name : 'object');
  if (d.remote.proc === 'start_worker') return `${code(d.result.name)} (\`started_at\`)`;
  const proc = d.remote.level === 'node' ? d.remote.proc : `worker.${d.remote.proc}`;
  return `the node's ${code(proc)} answer ([NODE-API](NODE-API.md))`;
}

/** The text of docs/SDK.md. */
export function renderSdkDoc() {
  const p = program();
  const checker = p.getTypeChecker();
  let out = '# SDK reference\n\n';
  out +=
    "Generated by `node scripts/gen-sdk-doc.mjs` from the contract (`@cdc/api`) and the SDK's\n" +
    "exported types (`packages/sdk/src`); a test keeps it in step. How to use it: the README's\n" +
    '"SDK" section. Parameter and result shapes in full: [`API.md`](API.md); error URIs:\n' +
    '[`errors.md`](errors.md).\n';

  out += '\n## Entries\n\n| import | for | functions and classes |\n|---|---|---|\n';
  const seen = new Map();
  for (const e of ENTRIES) {
    const ex = exportsOf(checker, p.getSourceFile(join(sdk, e.file)));
    out += `| ${code(e.spec)} | ${e.for} | ${[...ex.keys()].sort().map(code).join(', ')} |\n`;
    for (const [name, x] of ex)
      if (!seen.has(`${name}:${x.decl.pos}`))
        seen.set(`${name}:${x.decl.pos}`, { ...x, name, entry: e.spec });
  }

  out += '\n## Functions\n';
  const fns = [...seen.values()].filter((x) => x.kind === 'function');
  fns.sort((a, b) => (a.name + a.entry < b.name + b.entry ? -1 : 1));
  for (const f of fns) {
    out += `\n### ${code(f.name)} (${code(f.entry)})\n\n\`\`\`ts\n${sig(checker, f.decl, f.name)}\n\`\`\`\n\n`;
    const text = doc(checker, f.symbol);
    if (text !== '') out += `${text}\n`;
  }

  out += '\n## Classes\n';
  for (const c of [...seen.values()]
    .filter((x) => x.kind === 'class')
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    out += `\n### ${code(c.name)} (${code(c.entry)})\n\n`;
    const text = doc(checker, c.symbol);
    if (text !== '') out += `${text}\n\n`;
    out += '| member | doc |\n|---|---|\n';
    for (const m of members(checker, c.symbol))
      out += `| ${code(cell(m.usage))} | ${cell(m.doc)} |\n`;
  }

  out += '\n## Methods\n\n';
  out +=
    'One per public procedure, made from the contract at run time and typed from its maps.\n' +
    'Required parameters are positional, optional ones go in a trailing options object (shown\n' +
    'with the default the center applies). "least role": `can(method)` tells whether the\n' +
    "session's role reaches it.\n";
  for (const g of GROUPS) {
    const key = GROUP_KEYS[g.group];
    out += `\n### ${key === undefined ? '`cdc.*`' : code(`cdc.${key}.*`)}: ${g.title}\n\n`;
    out += '| method | returns | least role | procedure |\n|---|---|---|---|\n';
    for (const d of PROCEDURES.filter((x) => x.group === g.group)) {
      const name = methodName(d, PROCEDURES);
      out += `| ${code(cell(methodUsage(d, name)))} | ${cell(returns(d))} | ${code(d.role)} | ${code(`${d.name}@${d.version}`)} |\n`;
    }
  }

  out += '\n## Events\n\n';
  out += 'Each returns an `Unsubscribe` (call it to stop; `.ready` settles once subscribed); the\n';
  out += 'client subscribes again on every new session.\n\n';
  out += '| subscription | handler receives | topic |\n|---|---|---|\n';
  for (const e of PUBLIC_EVENTS) {
    const args = e.args.map((a) => camel(a.name)).join(', ');
    out += `| ${code(`${eventMethodName(e.topic)}(handler)`)} | ${code(`(${args})`)} | ${code(e.topic)} |\n`;
  }
  const log = WORKER_LOG_EVENT.args.map((a) => `${camel(a.name)}: ${a.shape.name}`).join(', ');
  out += `| ${code('onWorkerLog(nodeId, workerId, handler)')} | ${code(`(${log})`)} | ${code(workerLogTopic('<node_id>', '<worker_id>'))} |\n`;
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = renderSdkDoc();
  writeFileSync(join(root, 'docs', 'SDK.md'), text);
  console.log(`docs/SDK.md: ${PROCEDURES.length} methods, ${PUBLIC_EVENTS.length + 1} events`);
}
