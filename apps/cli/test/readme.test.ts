/**
 * The README, walked as a newcomer would: every shell block of its quickstart part (before
 * "## Status") and of "## Using the center" runs verbatim, line by line, from the
 * repository's root against a real quickstart, and must succeed; so the README cannot drift
 * from what the quickstart makes. A block that only illustrates (placeholders, commands that
 * run forever) carries `<!-- readme-test: illustrative -->` on the line before it. The
 * Python, shell and TypeScript blocks of "## Talking to a router" run against the example
 * router config, moved off port 8080 (the only change).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import ts from 'typescript';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killAll, run, waitFor } from './helpers.js';
import type { Run } from './helpers.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const root = mkdtempSync(join(tmpdir(), 'cdc-readme-'));
let quickstart: Run;
let env: NodeJS.ProcessEnv;

/** The shell blocks of a part of the README, each line a command (comments dropped). */
function shellLines(text: string): string[] {
  const lines: string[] = [];
  const re = /(<!-- readme-test: illustrative -->\n)?```sh\n([\s\S]*?)```/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) continue;
    for (const raw of (m[2] ?? '').split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (line !== '') lines.push(line);
    }
  }
  return lines;
}

function part(readme: string, from: string | undefined, to: string): string {
  const start = from === undefined ? 0 : readme.indexOf(from);
  assert.ok(start >= 0, `README has "${from}"`);
  const end = readme.indexOf(to, start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

before(async () => {
  quickstart = run(
    [
      'quickstart',
      '--dir',
      join(root, '.cdc'),
      '--listen',
      '127.0.0.1:0',
      '--router-port',
      String(await freePort()),
      '--wait-for-node',
      '100',
    ],
    { cwd: root, detached: true },
  );
  await waitFor(() => quickstart.out() + quickstart.err(), /Ctrl-C stops|error:/, 120_000);
  const [, url = ''] = /export CDC_URL=(\S+)/.exec(quickstart.out()) ?? [];
  assert.match(url, /^ws:\/\//, quickstart.err());
  // What the banner's `export` line sets, with this test's directory for `.cdc`.
  env = {
    ...process.env,
    CDC_URL: url,
    CDC_KEY: join(root, '.cdc', 'owner_ed25519'),
    CDC_REALM: '',
    CDC_HOME: join(root, 'home'),
  };
});
after(async () => {
  if (quickstart.child.pid !== undefined) process.kill(-quickstart.child.pid, 'SIGINT');
  await quickstart.exit;
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

function sh(line: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', line], { cwd: repo, env, encoding: 'utf8' });
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    assert.fail(`README: \`${line}\` failed (${err.status}):\n${err.stdout}${err.stderr}`);
  }
}

test('readme - the quickstart part and "Using the center" run verbatim against a quickstart', () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const lines = [
    ...shellLines(part(readme, undefined, '## Status')),
    ...shellLines(part(readme, '## Using the center', '\n## ')),
  ];
  assert.ok(lines.length > 15, `${lines.length} commands`);
  const outputs = new Map<string, string>();
  for (const line of lines) {
    // The banner's variables are set for every command already (see before()).
    if (line.startsWith('export CDC_URL=')) continue;
    outputs.set(line, sh(line));
  }
  // What the README says they print.
  assert.match(outputs.get('npx cdc nodes') ?? '', /^node1\s+running\b/m);
  assert.match(outputs.get('npx cdc workers node1') ?? '', /^router1\s+router\s+started\b/m);
});

/** The body of every fenced block of `lang` in `text`. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(
    (m) => m[1] ?? '',
  );
}

test('readme - "Talking to a router": the Python, curl and TypeScript examples against the example config', async () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = part(readme, '## Talking to a router', '\n## ');
  const port = String(await freePort());
  const on = (text: string): string => text.replaceAll(':8080', `:${port}`);
  // The example config as it is, but on a free port and with its web folder where it lies.
  const example = JSON.parse(
    readFileSync(join(repo, 'examples', 'router', 'config.json'), 'utf8'),
  ) as { transports: { endpoint: { port: number }; web: { paths: Record<string, unknown> } }[] };
  const t = example.transports[0]!;
  t.endpoint.port = Number(port);
  t.web.paths['/'] = { type: 'static', directory: join(repo, 'examples', 'router', 'web') };
  const cfg = join(root, 'router.json');
  writeFileSync(cfg, JSON.stringify(example));
  const router = run(['router', 'start', '--config', cfg]);
  await waitFor(() => router.out() + router.err(), /router running|error/);

  const [python] = blocks(section, 'python');
  assert.ok(python !== undefined, 'a Python example');
  const py = join(root, 'example.py');
  writeFileSync(py, on(python));
  const pyOut = execFileSync('/usr/bin/python3', [py], { encoding: 'utf8', timeout: 30_000 });
  // Twisted's log prefixes what it prints with a timestamp.
  assert.match(pyOut, /(^|\s)5$/m, 'the Python example prints 5');

  const curls = shellLines(section).filter((l) => l.startsWith('curl '));
  assert.equal(curls.length, 2, 'publish and call over HTTP');
  assert.match(sh(on(curls[0]!)), /"id"/, 'the publisher answers with the publication ID');
  assert.match(sh(on(curls[1]!)), /"args"/, 'the caller answers with the result');

  // The TypeScript example, compiled as it stands and run where @cdc/client resolves; it
  // must print 5 and end by itself.
  const [typescript] = blocks(section, 'ts');
  assert.ok(typescript !== undefined, 'a TypeScript example');
  const js = ts.transpileModule(on(typescript), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const file = join(dirname(fileURLToPath(import.meta.url)), `readme-client-${process.pid}.mjs`);
  writeFileSync(file, js);
  try {
    const out = execFileSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
    assert.match(out, /^5$/m, 'the TypeScript example prints 5');
  } finally {
    rmSync(file, { force: true });
  }
  router.child.kill('SIGTERM');
  await router.exit;
});
