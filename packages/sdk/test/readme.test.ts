/**
 * The README's SDK examples: both type-check against the SDK's types, and the Node one runs
 * against a real center with a real node and prints what it says it does.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { repoRoot } from '@cdc/testkit';
import { connectCenter } from '../src/node/index.js';
import { ownedRealm, startCenter, startNode, until } from './helpers.js';
import type { TestCenter, TestNode } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The package's sources (dist/test → the package root). */
const pkg = join(here, '..', '..');

function examples(): { node: string; browser: string } {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/<!-- sdk-example[^>]*-->\n```ts\n([\s\S]*?)```/g)].map(
    (m) => m[1] as string,
  );
  const node = blocks.find((b) => b.includes("'@cdc/sdk/node'"));
  const browser = blocks.find((b) => b.includes("'@cdc/sdk/browser'"));
  assert.ok(node !== undefined && browser !== undefined, 'the README has both SDK examples');
  return { node, browser };
}

test("the README's SDK examples type-check", () => {
  const { node, browser } = examples();
  const cfg = ts.getParsedCommandLineOfConfigFile(
    join(pkg, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) =>
        assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  assert.ok(cfg);
  const files = new Map([
    [join(pkg, 'test', 'readme-node.ts'), node],
    [join(pkg, 'test', 'readme-browser.ts'), browser],
  ]);
  const options = { ...cfg.options, noEmit: true, composite: false, incremental: false };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = files.get(name);
    return text !== undefined
      ? ts.createSourceFile(name, text, lang, true)
      : getSourceFile(name, lang, ...rest);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => files.has(name) || fileExists(name);
  const program = ts.createProgram([...files.keys()], options, host);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
  assert.deepEqual(problems, []);
});

let tc: TestCenter;
let node: TestNode;
let key: string;

before(async () => {
  tc = await startCenter();
  key = (await ownedRealm(tc, 'readme', 'alice')).path;
  node = await startNode(tc, {
    version: 2,
    workers: [
      {
        type: 'router',
        id: 'router1',
        realms: [{ name: 'realm1' }],
        transports: [
          {
            type: 'websocket',
            id: 'ws1',
            endpoint: { type: 'tcp', port: 0, interface: '127.0.0.1' },
          },
        ],
      },
    ],
  });
  const owner = await connectCenter({ url: tc.url, key });
  await owner.management.pairNode(node.pubkey, 'node1');
  await until(async () => (await owner.getNodeStatus('node1')).status === 'running', 20_000);
  await owner.close();
});

after(async () => {
  await node.stop();
  await tc.stop();
});

test("the README's Node example runs against a real center", async () => {
  const source = examples().node.replace(
    "'@cdc/sdk/node'",
    JSON.stringify(pathToFileURL(join(pkg, 'dist', 'src', 'node', 'index.js')).href),
  );
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const dir = mkdtempSync(join(tmpdir(), 'cdc-readme-'));
  try {
    writeFileSync(join(dir, 'example.mjs'), js);
    // Not spawnSync: the center runs in this process and must answer meanwhile.
    const child = spawn(process.execPath, [join(dir, 'example.mjs')], {
      env: { ...process.env, CDC_URL: tc.url, CDC_KEY: key },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((res) => child.on('exit', res));
    const r = { status, stdout, stderr };
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'alice is cdc-owner in readme',
        '1 of 1 nodes online',
        'node1: router1',
        'com.crossbario.cdc.error.no_such_router: no router "nope" is configured for node "node1"',
        'may reload routers: true',
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
