/**
 * docs/API.md, docs/NODE-API.md and the contract (`@cdc/api`): the files are what
 * `scripts/gen-api-doc.mjs` writes, and the contract has every procedure SPEC §4.1, §4.2,
 * §4.3 and §4.5 name, with their versions, aliases, arguments, node targets and roles, the
 * §4.2 events, and the global realm's procedures of §4.4 with the seed's argument order.
 *
 * The contract is read through the generator script (which imports the built `@cdc/api`),
 * so the test sees exactly what the script renders.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, sharedDir } from '@cdc/testkit';

interface Def {
  name: string;
  version: number;
  params: readonly string[];
  role: string;
  group: string;
  remote?: { level: 'node' | 'worker'; proc: string };
}

interface Generator {
  renderApiDoc(): string;
  renderNodeApiDoc(): string;
  contract: {
    PROCEDURES: readonly Def[];
    EVENTS: Record<string, string>;
    USER_ROLES: readonly string[];
    registeredUris(d: Def): string[];
    workerLogTopic(nodeId: string, workerId: string): string;
  };
}

let gen: Generator;
before(async () => {
  const script = pathToFileURL(join(repoRoot(), 'scripts', 'gen-api-doc.mjs')).href;
  gen = (await import(script)) as Generator;
});

test('api doc - docs/API.md is what scripts/gen-api-doc.mjs writes from the contract', () => {
  const doc = readFileSync(join(repoRoot(), 'docs', 'API.md'), 'utf8');
  assert.ok(
    doc === gen.renderApiDoc(),
    'docs/API.md is out of date: run `node scripts/gen-api-doc.mjs` after `npm run build`',
  );
});

test('api doc - docs/NODE-API.md is what scripts/gen-api-doc.mjs writes from the node API table', () => {
  const doc = readFileSync(join(repoRoot(), 'docs', 'NODE-API.md'), 'utf8');
  assert.ok(
    doc === gen.renderNodeApiDoc(),
    'docs/NODE-API.md is out of date: run `node scripts/gen-api-doc.mjs` after `npm run build`',
  );
});

/** The body of a SPEC section, from its `### n` heading to the next heading. */
function section(spec: string, n: string): string {
  const start = spec.indexOf(`\n### ${n} `);
  assert.ok(start >= 0, `SPEC.md has no section ${n}`);
  const end = spec.slice(start + 1).search(/\n##+ /);
  return end < 0 ? spec.slice(start) : spec.slice(start, start + 1 + end);
}

/** Cells of the body rows of the Markdown tables in `text`. */
function rows(text: string): string[][] {
  const lines = text.split('\n');
  const out: string[][] = [];
  lines.forEach((l, i) => {
    if (!l.startsWith('|') || /^\|[-| ]+\|$/.test(l)) return;
    if (/^\|[-| ]+\|$/.test(lines[i + 1] ?? '')) return; // a header row
    out.push(
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  });
  return out;
}

const ticks = (s: string): string[] => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

interface Call {
  name: string;
  version: number;
  /** Argument names; `undefined` where the SPEC shows something else (`[cpu]`). */
  args: (string | undefined)[];
  /** The SPEC elides leading arguments with `…`: only the last ones are given. */
  elided: boolean;
}

/** `name@N(a, b=1, …)` or `name(…, c)` as written in the SPEC. */
function parseCall(s: string, prefix: string): Call | undefined {
  const m = /^([a-z0-9_.]+?)(?:@(\d+))?\((.*)\)$/.exec(s);
  if (m === null) return undefined;
  const parts = m[3]!.split(',').map((a) => a.trim());
  const elided = parts[0] === '…';
  const args = parts
    .filter((a) => a !== '' && a !== '…')
    .map((a) => {
      const id = a.split('=')[0]!.trim();
      return /^[a-z_]+$/.test(id) ? id : undefined;
    });
  return { name: prefix + m[1]!, version: Number(m[2] ?? 1), args, elided };
}

function find(name: string, version = 1): Def {
  const d = gen.contract.PROCEDURES.find((p) => p.name === name && p.version === version);
  assert.ok(d !== undefined, `${name}@${version} (SPEC) is not in the contract`);
  return d;
}

function checkArgs(d: Def, c: Call, lead: readonly string[]): void {
  const params = d.params.slice(lead.length);
  const label = `${d.name}@${d.version}`;
  if (c.elided) assert.ok(params.length >= c.args.length, `${label}: too few params`);
  else assert.equal(params.length, c.args.length, `${label}: params ${d.params.join(', ')}`);
  const tail = params.slice(params.length - c.args.length);
  c.args.forEach((a, i) => {
    if (a !== undefined)
      assert.equal(tail[i], a, `${label}: argument ${i + 1} of ${c.args.length}`);
  });
}

/** The namespace of a dotted name: `a.b.c@1` → `a.b.`. */
const namespace = (uri: string): string => uri.slice(0, uri.lastIndexOf('.') + 1);

test('api doc - every procedure of SPEC §4.1, §4.2, §4.3, §4.5 is in the contract, and only those', () => {
  const spec = readFileSync(join(sharedDir(), 'SPEC.md'), 'utf8');
  const named = new Set<string>();
  const use = (d: Def): Def => {
    named.add(`${d.name}@${d.version}`);
    return d;
  };

  // §4.1: full names with versions, and their aliases (`…` = the procedure's namespace).
  for (const [proc, aliases] of rows(section(spec, '4.1'))) {
    const c = parseCall(ticks(proc!)[0]!, '');
    assert.ok(c !== undefined, `cannot read ${proc}`);
    const d = use(find(c.name, c.version));
    checkArgs(d, c, []);
    for (const a of ticks(aliases!)) {
      const uri = a.replace(/^…/, namespace(c.name));
      assert.ok(
        gen.contract.registeredUris(d).includes(uri),
        `${uri} is not an alias of ${c.name}`,
      );
    }
  }

  // §4.2: names after `<prefix><proc>@1(node_id, …)`, node targets paired in order.
  const s42 = section(spec, '4.2');
  const remote = /`([a-z.]+\.)<proc>@1\(node_id/.exec(s42)?.[1];
  assert.ok(remote !== undefined, 'SPEC §4.2 names no remote prefix');
  type Target = NonNullable<Def['remote']>;
  let level: Target['level'] = 'node';
  let previous: Target[] = [];
  for (const [procs, targets] of rows(s42)) {
    const calls: Call[] = ticks(procs!)
      .map((t) => parseCall(t, remote))
      .filter((c) => c !== undefined);
    // The leading chain of `a` / `b` / `c`; "likewise" repeats the row before.
    const chain = /^`[^`]+`(?:\s*\/\s*`[^`]+`)*/.exec(targets!)?.[0];
    const wanted = targets!.startsWith('likewise')
      ? previous
      : ticks(chain ?? '').map((t): Target => {
          const proc = t.replace(/\(.*$/, '');
          if (proc.startsWith('crossbar.worker.')) level = 'worker';
          else if (proc.startsWith('crossbar.')) level = 'node';
          else if (proc.startsWith('…')) level = 'worker';
          return { level, proc: proc.replace(/^(crossbar\.worker\.<id>\.|crossbar\.|…)/, '') };
        });
    assert.equal(wanted.length, calls.length, `node targets of ${procs!}`);
    previous = wanted;
    calls.forEach((c, i) => {
      const d = use(find(c.name));
      checkArgs(d, c, ['node_id']);
      assert.deepEqual(d.remote, wanted[i], `${d.name}: node procedure`);
    });
  }

  // §4.3: bare names under the section's prefix.
  const s43 = section(spec, '4.3');
  const config = /Prefix `([a-z.]+\.)`/.exec(s43)?.[1];
  assert.ok(config !== undefined, 'SPEC §4.3 names no prefix');
  for (const [proc] of rows(s43)) {
    const c = parseCall(ticks(proc!)[0]!, config);
    assert.ok(c !== undefined, `cannot read ${proc}`);
    checkArgs(use(find(c.name)), c, []);
  }

  // §4.5: the prefix in the heading; the least role is the weakest one listed.
  const s45 = section(spec, '4.5');
  const mgmt = /`([a-z.]+\.)\*@1`/.exec(s45)?.[1];
  assert.ok(mgmt !== undefined, 'SPEC §4.5 names no prefix');
  for (const [proc, roles] of rows(s45)) {
    const c = parseCall(ticks(proc!)[0]!, mgmt);
    assert.ok(c !== undefined, `cannot read ${proc}`);
    const d = use(find(c.name));
    checkArgs(d, c, []);
    const listed = roles!.split(',').map((r) => `cdc-${r.trim()}`);
    const least = gen.contract.USER_ROLES.find((r) => listed.includes(r));
    assert.equal(d.role, least, `${d.name}: least role (SPEC: ${roles!})`);
  }

  // §7 (Automation): the token procedures, named in the text, "the §4.5 family, owner only".
  const s7 = spec.slice(spec.indexOf('- **Automation**'));
  const tokens = ticks(s7.slice(0, s7.indexOf('\n\n')))
    .map((t) => parseCall(t.replace(/ → .*$/, ''), mgmt))
    .filter((c) => c !== undefined && /_tokens?$/.test(c.name));
  assert.equal(tokens.length, 3, 'SPEC §7 names create_token, list_tokens and revoke_token');
  for (const c of tokens) {
    const name = c!.name.replace(`${mgmt}${mgmt}`, mgmt);
    const d = use(find(name));
    checkArgs(d, { ...c!, name }, []);
    assert.equal(d.role, 'cdc-owner', `${d.name}: owner only (SPEC §7)`);
  }

  const specified = new Set(['global', 'management', 'remote', 'config']);
  const extra = gen.contract.PROCEDURES.filter(
    (d) => specified.has(d.group) && !named.has(`${d.name}@${d.version}`),
  ).map((d) => `${d.name}@${d.version}`);
  assert.deepEqual(extra, [], 'in the contract but not in SPEC §4');
});

test('api doc - the events of SPEC §4.2 are the contract events', () => {
  const s42 = section(readFileSync(join(sharedDir(), 'SPEC.md'), 'utf8'), '4.2');
  const text = s42.slice(s42.indexOf('Events,'));
  let ns = '';
  const events: string[] = [];
  for (const t of ticks(text)) {
    const uri = t.replace(/\(.*$/, '');
    if (!uri.endsWith('@1')) continue;
    if (!uri.startsWith('…')) ns = namespace(uri);
    events.push(uri.replace(/^…/, ns));
  }
  const log = gen.contract.workerLogTopic('<node_id>', '<worker_id>');
  assert.ok(events.includes(log), `the worker log topic ${log} is not in SPEC §4.2`);
  assert.deepEqual(
    events.filter((e) => e !== log).sort(),
    Object.values(gen.contract.EVENTS).sort(),
  );
});

test('api doc - the global realm procedures of SPEC §4.4 and the seed are the registration contract, names and argument order', () => {
  const spec = readFileSync(join(sharedDir(), 'SPEC.md'), 'utf8');
  const named = new Set<string>();
  for (const t of ticks(section(spec, '4.4'))) {
    // A code span may break across lines there.
    const c = parseCall(t.replace(/\s+/g, ' '), '');
    if (c === undefined || !c.name.startsWith('com.crossbario.cdc.')) continue;
    const d = find(c.name, c.version);
    assert.equal(d.group, 'registration', d.name);
    checkArgs(d, c, []);
    named.add(`${d.name}@${d.version}`);
  }
  const contract = gen.contract.PROCEDURES.filter((d) => d.group === 'registration');
  assert.deepEqual(
    contract.map((d) => `${d.name}@${d.version}`).sort(),
    [...named].sort(),
    'the registration contract is SPEC §4.4',
  );
  // The seed writes `name(<arg|type>, …)`, sometimes without the version.
  const seed = readFileSync(join(sharedDir(), 'seed', 'cdc-public-api.md'), 'utf8');
  let seen = 0;
  for (const m of seed.matchAll(
    /(com\.crossbario\.cdc\.[a-z_]+)(?:@1)?\(((?:<[^>]*>(?:, )?)*)\)/g,
  )) {
    const d = contract.find((x) => x.name === m[1]);
    if (d === undefined) continue;
    const args = [...m[2]!.matchAll(/<([a-z_]+)\|/g)].map((a) => a[1]);
    assert.deepEqual(d.params, args, `${d.name}: the seed's arguments`);
    seen++;
  }
  assert.equal(seen, 4, 'the seed names the four register/verify procedures');
  const registrant = contract.filter((d) => d.role === 'cdc-registrant').map((d) => d.name);
  assert.deepEqual(registrant, [
    'com.crossbario.cdc.register_user',
    'com.crossbario.cdc.verify_user_registration',
  ]);
});
