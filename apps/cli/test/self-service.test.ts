/**
 * Self-service onboarding end to end (issue 10), with real processes and real mail: a fresh
 * `ssh-keygen` key registers a user with `cdc register user`, the PIN mail arrives over SMTP
 * (a real SMTP server in this process; once more through the outbox with no SMTP), the test
 * checks the PIN is in neither text part and verifies; registers and verifies a realm;
 * pairs a node that `cdc node start` runs, which comes online by itself; grants a second
 * key `cdc-guest`, which can read but not start anything; revokes it by label and its open
 * session closes at once. Also: `cdc call`, `cdc subscribe`, `cdc pair --keys-dir`.
 *
 * How the test knows the PIN: the center runs in this process and its global realm's
 * backend (a real child process, as in production) is given a PIN module through the
 * center's code-only `pinModule` option; the module makes random PINs like the real one and
 * also writes them to a file of this test's. No flag, file or variable of a center started
 * by `cdc center start` can do that, and the captcha itself is never decoded.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { joinSession } from '@cdc/client';
import { loadUserSigner } from '@cdc/cryptosign';
import { Center } from '@cdc/center';
import { WampError } from '@cdc/protocol';
import { pinRecorder, readOutbox, startSmtpSink } from '@cdc/testkit';
import type { ParsedMail, SmtpSink } from '@cdc/testkit';
import { connect } from '@cdc/transport';
import { killAll, run, waitFor } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'cdc-cli-self-'));
after(async () => {
  await killAll();
  rmSync(root, { recursive: true, force: true });
});

function keygen(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@example', '-f', path]);
  return path;
}

async function until<T>(f: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function checkPinMail(m: ParsedMail, pin: number): void {
  const text = m.text ?? '';
  const html = typeof m.html === 'string' ? m.html : '';
  assert.ok(text !== '' && html !== '');
  assert.ok(!text.includes(String(pin)), 'the PIN is not in the text part');
  assert.ok(!html.includes(String(pin)), 'the PIN is not in the HTML part');
  const png = m.attachments.find((a) => a.contentType === 'image/png');
  assert.ok(png?.cid !== undefined && html.includes(`cid:${png.cid}`), 'the captcha, inline');
}

async function selfService(mode: 'smtp' | 'outbox'): Promise<void> {
  const dir = join(root, mode);
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const pins = pinRecorder(dir);
  const sink: SmtpSink | undefined = mode === 'smtp' ? await startSmtpSink() : undefined;
  const data = join(dir, 'data');
  const center = new Center({
    port: 0,
    dir: data,
    logger: pino({ level: 'silent' }),
    logLevel: 'warn',
    heartbeatPeriodS: 1,
    global: {
      smtpUrl: sink !== undefined ? `smtp://127.0.0.1:${sink.port}` : undefined,
      mailFrom: 'CDC <cdc@example.org>',
      pinModule: pins.module,
    },
  });
  await center.start();
  try {
    const url = center.url;
    const owner = keygen(join(dir, 'owner'));
    const realm = `acme-${mode}`;
    writeFileSync(
      join(home, 'config.json'),
      JSON.stringify({ profiles: { default: { url, key: owner, realm } } }),
    );
    const env = { CDC_HOME: home, CDC_URL: '', CDC_KEY: '', CDC_REALM: '' };
    const cdc = async (args: string[]) => {
      const r = run(args, { env });
      const code = await r.exit;
      return { code, out: r.out(), err: r.err() };
    };
    const ok = async (args: string[]): Promise<string> => {
      const r = await cdc(args);
      assert.equal(r.code, 0, `cdc ${args.join(' ')}: ${r.err}`);
      return r.out;
    };
    const json = async <T>(args: string[]): Promise<T> =>
      JSON.parse(await ok([...args, '--json'])) as T;
    const mailFor = async (to: string, id: number): Promise<ParsedMail> =>
      until(async () => {
        const all =
          sink !== undefined
            ? sink.received.filter((r) => r.to.includes(to)).map((r) => r.mail)
            : await readOutbox(join(data, 'outbox'));
        return all.find((m) => (m.text ?? '').includes(`cdc verify ${id} PIN`));
      }, `the mail of registration ${id}`);

    // A user, with the PIN from the mail.
    const out = await ok(['register', 'user', '--name', 'alice', '--email', 'alice@example.org']);
    const id = Number(/registration (\d+)/.exec(out)?.[1]);
    assert.match(out, new RegExp(`cdc verify ${id} PIN`));
    const pin = await pins.pinFor('alice@example.org', 'user');
    checkPinMail(await mailFor('alice@example.org', id), pin);
    const wrong = await cdc(['verify', String(id), String(pin === 99_999 ? 10_000 : pin + 1)]);
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.err,
      /^error: com\.crossbario\.cdc\.error\.invalid_pin: wrong PIN .*4 tries left/m,
    );
    assert.match(await ok(['verify', String(id), String(pin)]), /verified: the user/);
    const me = await json<{ name: string; keys: unknown[] }>(['whoami']);
    assert.equal(me.name, 'alice');
    assert.equal(me.keys.length, 1);

    // A realm, live at once: no wait, no restart.
    const { registration_id: rid } = await json<{ registration_id: number }>([
      'register',
      'realm',
      realm,
    ]);
    const rpin = await pins.pinFor('alice@example.org', 'realm');
    checkPinMail(await mailFor('alice@example.org', rid), rpin);
    assert.deepEqual(await json(['verify', String(rid), String(rpin)]), {
      registration_id: rid,
      kind: 'realm',
      result: 'OK',
    });
    assert.deepEqual(
      (await json<{ realm: string; role: string }[]>(['realms'])).map((r) => [r.realm, r.role]),
      [[realm, 'cdc-owner']],
    );
    const status = await json<{ realm: string }>(['call', 'com.crossbario.cdc.get_status@1']);
    assert.equal(status.realm, realm);

    // A real node, paired from the owner's laptop, comes online by itself.
    const cbdir = join(dir, 'edge1', '.crossbar');
    await ok(['node', 'pubkey', '--cbdir', cbdir]);
    await ok(['pair', 'edge1', join(cbdir, 'key.pub'), '--extra', '{"site": "lab"}']);
    const node = run(['node', 'start', '--cbdir', cbdir, '--url', url], { env });
    await until(async () => {
      const nodes = await json<{ node_id: string; status: string; extra: unknown }[]>(['nodes']);
      const n = nodes.find((x) => x.node_id === 'edge1');
      return n !== undefined && (n.status === 'online' || n.status === 'running') ? n : undefined;
    }, `edge1 online (node output: ${node.err()})`);

    // A guest key: reads, but may start nothing; revoked by label, its session ends at once.
    const guestKey = keygen(join(dir, 'guest'));
    await ok(['grant', `${guestKey}.pub`, 'cdc-guest', '--label', 'viewer']);
    const access = await json<{ label: string | null; role: string }[]>(['access']);
    assert.ok(access.some((a) => a.label === 'viewer' && a.role === 'cdc-guest'));
    const guest = await joinSession(await connect(url), {
      realm,
      authmethods: ['cryptosign'],
      signer: await loadUserSigner(guestKey),
    });
    assert.equal(guest.authrole, 'cdc-guest');
    assert.deepEqual((await guest.call('com.crossbario.cdc.get_nodes@1')).value, ['edge1']);
    for (const proc of ['start_guest_worker', 'start_router_worker', 'start_container_worker'])
      await assert.rejects(
        guest.call(`com.crossbario.cdc.remote.${proc}@1`, ['edge1', 'w1', {}]),
        (e: unknown) => e instanceof WampError && e.uri === 'wamp.error.not_authorized',
      );
    await ok(['revoke', 'viewer']);
    // Closed by the router before revoke answered; the close may still be on its way here.
    await until(() => Promise.resolve(guest.isOpen ? undefined : true), 'the guest to go', 2000);
    const refused = await cdc(['nodes', '--key', guestKey]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.err, /^error: wamp\.error\.not_authorized: /m);

    if (mode === 'smtp') {
      // `cdc subscribe` sees the node go when it is unpaired.
      const sub = run(['subscribe', 'com.crossbario.cdc.remote.on_node_status@1'], { env });
      await waitFor(() => sub.err(), /subscribed/);
      await ok(['unpair', 'edge1']);
      const line = (await waitFor(() => sub.out(), /^(\{.*"edge1".*\})$/m))[1] ?? '';
      assert.equal((JSON.parse(line) as { args: unknown[] }).args[0], 'edge1');
      sub.child.kill('SIGINT');
      assert.equal(await sub.exit, 0);
      // Bulk pairing: one call per key, a progress line each.
      const fleet = join(dir, 'fleet');
      for (const n of ['n1', 'n2', 'n3'])
        await ok(['node', 'pubkey', '--cbdir', join(fleet, n, '.crossbar')]);
      const bulk = await ok(['pair', '--keys-dir', fleet]);
      assert.match(bulk, /\[1\/3\] n1 paired[\s\S]*\[2\/3\] n2 paired[\s\S]*\[3\/3\] n3 paired/);
      const again = await cdc(['pair', '--keys-dir', fleet]);
      assert.notEqual(again.code, 0);
      assert.match(again.out, /\[1\/3\] n1 failed: com\.crossbario\.cdc\.error\.already_exists/);
      assert.match(again.err, /3 of 3 keys were not paired/);
    }
    node.child.kill('SIGTERM');
    await node.exit;
  } finally {
    await center.stop();
    await sink?.close();
  }
}

test('self-service - register, verify, realm, pair a node, grant and revoke a guest: mail over SMTP', () =>
  selfService('smtp'));

test('self-service - the same path with no SMTP: the mail goes to the outbox', () =>
  selfService('outbox'));

test('self-service - cdc center start refuses a bad SMTP URL and bad registration limits before starting', async () => {
  const dir = join(root, 'bad-flags');
  for (const [flag, value, message] of [
    ['--smtp-url', 'http://mail.example.org', /smtp:\/\/ or smtps:\/\//],
    [
      '--registration-limits',
      '{"key": {"pending": 0}}',
      /"key\.pending" must be a positive integer/,
    ],
    ['--registration-limits', '{nope', /--registration-limits is not valid JSON/],
  ] as const) {
    const r = run(['center', 'start', '--dir', dir, '--listen', '127.0.0.1:0', flag, value]);
    assert.equal(await r.exit, 1);
    assert.match(r.err(), message);
  }
});
