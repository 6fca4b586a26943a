/**
 * The center commands for nodes, workers, routers and the audit log (SPEC §4.2, §4.3, §4.5):
 * bad arguments and files are refused before connecting (the URL points at a closed port,
 * so reaching it would fail differently), and `--help` shows every subcommand and option.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killAll, run } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-cli-commands-'));
const CLOSED = 'ws://127.0.0.1:1/ws';
let key: string;

async function cdc(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = run(args, {
    env: { CDC_HOME: join(root, 'home'), CDC_URL: '', CDC_KEY: '', CDC_REALM: '' },
  });
  const code = await r.exit;
  return { code, out: r.out(), err: r.err() };
}

before(() => {
  key = join(root, 'key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tess@example', '-f', key]);
  writeFileSync(join(root, 'bad.json'), '{"realms": [');
  writeFileSync(join(root, 'list.json'), '[1, 2]');
  writeFileSync(join(root, 'ok.json'), '{}');
});
after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

/** Run `f` over `items`, a few at a time (each is a node process). */
async function pool<T, R>(items: T[], f: (t: T) => Promise<R>, n = 6): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

const missing = (): string => join(root, 'missing.json');
const bad = (): string => join(root, 'bad.json');

/** Each case: the arguments, and what stderr must say. */
const refused: [string[], RegExp][] = [
  [['shutdown', 'n1'], /error: this shuts node "n1" down; add --yes/],
  [['router', 'start'], /error: router start needs --config FILE .* or NODE ROUTER/],
  [['router', 'start', 'n1'], /error: router start needs --config FILE/],
  [['router', 'start', 'n1', 'r1', '--config', 'x.json'], /not both/],
  [['router', 'create', 'n1', 'r1', '--config', missing()], /error: cannot read .*missing\.json/],
  [['router', 'create', 'n1', 'r1', '--config', bad()], /error: .*bad\.json is not valid JSON: /],
  [['router', 'modify', 'n1', 'r1', '--patch', '{"a": '], /error: --patch is not valid JSON: /],
  [['router', 'modify', 'n1', 'r1', '--patch', '[1]'], /error: --patch must be a JSON object/],
  [['router', 'modify', 'n1', 'r1', '--patch', missing()], /error: cannot read .*missing\.json/],
  [['node', 'create', 'n1', '--config', bad()], /error: .*bad\.json is not valid JSON/],
  [['node', 'create', 'n1', '--config', join(root, 'list.json')], /must hold a JSON object/],
  [['worker', 'start', 'n1', 'w1'], /error: give --type router, container or guest/],
  [['worker', 'start', 'n1', 'w1', '--type', 'guest'], /a guest worker needs --config FILE/],
  [['worker', 'start', 'n1', 'w1', '--type', 'router', '--config', bad()], /not valid JSON/],
  [['worker', 'start', 'n1', 'w1', '--type', 'nope'], /Allowed choices are router, container/],
  [['logs', 'n1', 'w1', '--limit', 'ten'], /error: --limit takes an integer 0 or more, got "ten"/],
  [['affinity', 'n1', 'w1', '--set', '0,one'], /error: --set takes CPU numbers like 0,1/],
  [['affinity', 'n1', 'w1', '--set', '3-1'], /error: --set takes CPU numbers/],
  [['pythonpath', 'n1', 'w1', '--append'], /error: --append goes with --add PATH/],
  [['profile', 'n1', 'w1', '--runtime', '0'], /error: --runtime takes a number more than 0/],
  [
    ['profile', 'n1', 'w1', '--prune-percent', '120'],
    /--prune-percent takes a number from 0 to 100/,
  ],
  [['profile', 'n1', 'w1', '--prune-level', '-1'], /--prune-level takes an integer 0 or more/],
  [['realm', 'start', 'n1', 'w1', 'r1'], /required option '--config <file>' not specified/],
  [['realm', 'start', 'n1', 'w1', 'r1', '--config', missing()], /error: cannot read /],
  [['role', 'start', 'n1', 'w1', 'r1', 'x', '--config', bad()], /not valid JSON/],
  [['transport', 'start', 'n1', 'w1', 't1', '--config', bad()], /not valid JSON/],
  [['webservice', 'start', 'n1', 'w1', 't1', '/', '--config', bad()], /not valid JSON/],
  [['component', 'start', 'n1', 'w1', 'c1', '--config', bad()], /not valid JSON/],
  [
    ['component', 'restart', 'n1', 'w1', 'c1'],
    /only for components of containers: add --container/,
  ],
  [['audit', '--since', 'last week'], /error: --since takes an ISO 8601 time/],
  [['audit', '--until', '2024-13-45'], /error: --until takes an ISO 8601 time/],
  [['audit', '--outcome', 'maybe'], /error: --outcome takes one of ok, error, got "maybe"/],
  [['audit', '--limit', '0'], /error: --limit takes an integer 1 or more/],
];

test('cli commands - bad arguments and files are refused before connecting, exit 1', async () => {
  // The URL is a closed port: a command that tried to connect would say so.
  const reach = await cdc(['workers', 'n1', '--url', CLOSED, '--key', key]);
  assert.equal(reach.code, 1);
  assert.match(reach.err, /cannot reach the center/);
  const results = await pool(refused, ([args]) => cdc([...args, '--url', CLOSED, '--key', key]));
  refused.forEach(([args, re], i) => {
    const r = results[i]!;
    assert.equal(r.code, 1, `cdc ${args.join(' ')}: exit code (stderr: ${r.err})`);
    assert.match(r.err, re, `cdc ${args.join(' ')}`);
    assert.doesNotMatch(r.err, /cannot reach the center/, `cdc ${args.join(' ')}`);
    assert.equal(r.out, '', `cdc ${args.join(' ')}: stdout`);
  });
});

test('cli commands - router start NODE ROUTER calls the center (with --config it runs locally)', async () => {
  // The local router is router-start.test.ts's business; this one only tries to connect.
  const r = await cdc(['router', 'start', 'n1', 'r1', '--url', CLOSED, '--key', key]);
  assert.equal(r.code, 1);
  assert.match(r.err, /cannot reach the center at ws:\/\/127\.0\.0\.1:1\/ws/);
});

/** Each command and what its help must list. */
const helps: [string[], string[]][] = [
  [['--help'], ['workers', 'worker', 'shutdown', 'logs', 'realm', 'role', 'transport', 'audit']],
  [['--help'], ['webservice', 'component', 'affinity', 'cpus', 'pythonpath', 'profile', 'stats']],
  [
    ['workers', '--help'],
    ['--configured', '--json', '--url', '--realm', '--key', '--profile'],
  ],
  [
    ['worker', '--help'],
    ['status', 'stop', 'start'],
  ],
  [
    ['worker', 'start', '--help'],
    ['--type', '--config', '"router", "container", "guest"'],
  ],
  [
    ['logs', '--help'],
    ['--limit', '--follow', '--json'],
  ],
  [['shutdown', '--help'], ['--yes']],
  [
    ['realm', '--help'],
    ['list', 'show', 'start', 'stop'],
  ],
  [
    ['realm', 'start', '--help'],
    ['<node> <worker> <realm>', '--config'],
  ],
  [
    ['role', '--help'],
    ['list', 'show', 'start', 'stop', '<node> <worker> <realm> <role>'],
  ],
  [
    ['transport', '--help'],
    ['list', 'show', 'start', 'stop', '<transport>'],
  ],
  [
    ['webservice', '--help'],
    ['list', 'show', 'start', 'stop', '<transport> <path>'],
  ],
  [
    ['component', '--help'],
    ['list', 'show', 'start', 'stop', 'restart'],
  ],
  [['component', 'list', '--help'], ['--container']],
  [['affinity', '--help'], ['--set']],
  [
    ['cpus', '--help'],
    ['<node> <worker>', '--json'],
  ],
  [
    ['pythonpath', '--help'],
    ['--add', '--append'],
  ],
  [
    ['profile', '--help'],
    ['--runtime', '--prune-percent', '--prune-level'],
  ],
  [
    ['stats', '--help'],
    ['<node> <worker>', '--json'],
  ],
  [
    ['router', '--help'],
    ['start', 'create', 'modify', 'stop', 'reload', 'delete', 'show'],
  ],
  [
    ['router', 'start', '--help'],
    ['[node] [router]', '--config', '--log-level', '--url'],
  ],
  [['router', 'modify', '--help'], ['--patch']],
  [['router', 'reload', '--help'], ['--restart']],
  [
    ['node', '--help'],
    ['start', 'pubkey', 'check', 'status', 'workers', 'logs', 'call', 'create'],
  ],
  [
    ['node', 'create', '--help'],
    ['--config', '--json'],
  ],
  [
    ['audit', '--help'],
    ['--since', '--until', '--authid', '--procedure', '--outcome', '--limit'],
  ],
];

test('cli commands - --help lists the subcommands and options', async () => {
  const results = await pool(helps, ([args]) => cdc(args));
  helps.forEach(([args, wanted], i) => {
    const r = results[i]!;
    assert.equal(r.code, 0, `cdc ${args.join(' ')}: ${r.err}`);
    for (const w of wanted) assert.ok(r.out.includes(w), `cdc ${args.join(' ')}: ${w}`);
  });
});
