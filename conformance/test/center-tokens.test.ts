/**
 * Interop: CDC API tokens as WAMP `ticket` credentials (SPEC §7) with real third-party
 * clients against a real center — Debian's autobahn-python (Twisted), npm `autobahn` and
 * npm `wampy`. Each joins the management realm with a token (authid = the token's label,
 * ticket = the token), calls `get_status@1` with the token's role, and is closed by the
 * router at once when the owner revokes the token; joining again with it is refused.
 * The peers are `peers/python/token_peer.py`, `peers/js/{autobahn,wampy}-token-peer.mjs`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { Center, addRealm } from '@cdc/center';
import { joinSession } from '@cdc/client';
import type { Session } from '@cdc/client';
import { KeySigner, SigningKey } from '@cdc/cryptosign';
import { silentLogger } from '@cdc/protocol';
import { connect } from '@cdc/transport';
import { CONFORMANCE_DIR, autobahnJs, autobahnPython, wampy } from './lib/peers.js';
import type { PeerLauncher, PeerLine } from './lib/peers.js';

const REALM = 'ops';
const M = 'com.crossbario.cdc.management.';
const dir = mkdtempSync(joinPath(tmpdir(), 'cdc-conf-tokens-'));
let center: Center;
let owner: Session;
const children = new Set<ChildProcess>();

before(async () => {
  center = new Center({
    port: 0,
    dir: joinPath(dir, 'data'),
    logger: silentLogger,
    logLevel: 'warn',
    reconcileIntervalMs: 200,
    webRoot: null,
  });
  await center.start();
  const key = SigningKey.generate();
  await addRealm(center.domain, REALM, { pubkey: key.publicKeyHex, comment: null }, 'alice');
  await center.reconcile();
  owner = await joinSession(await connect(center.url), {
    realm: REALM,
    authmethods: ['cryptosign'],
    signer: new KeySigner(key),
  });
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await owner.leave().catch(() => undefined);
  await center.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A running peer: the JSON lines so far, and a wait for the first of a kind. */
interface Live {
  lines: PeerLine[];
  next(kind: string, ms?: number): Promise<PeerLine>;
  exited: Promise<number | null>;
  stderr: () => string;
}

function start(peer: PeerLauncher, label: string, token: string): Live {
  const child = spawn(
    peer.command,
    [
      ...peer.args,
      ...['--url', center.url, '--realm', REALM, '--authid', label, '--ticket', token],
      ...['--procedure', 'com.crossbario.cdc.get_status@1', '--wait-close', '30'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } },
  );
  children.add(child);
  const lines: PeerLine[] = [];
  const waiters: (() => void)[] = [];
  let buf = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as PeerLine);
    }
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((r) =>
    child.on('close', (code) => {
      children.delete(child);
      for (const w of waiters.splice(0)) w();
      r(code);
    }),
  );
  return {
    lines,
    exited,
    stderr: () => err,
    next: (kind, ms = 30_000) =>
      new Promise((ok, fail) => {
        const timer = setTimeout(
          () => fail(new Error(`${peer.name}: no "${kind}" line in time; stderr: ${err}`)),
          ms,
        );
        const check = (): void => {
          const hit = lines.find((l) => l.kind === kind);
          if (hit !== undefined) {
            clearTimeout(timer);
            ok(hit);
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            fail(
              new Error(`${peer.name} exited without "${kind}": ${JSON.stringify(lines)} ${err}`),
            );
          } else waiters.push(check);
        };
        check();
      }),
  };
}

/** A scenario peer's launcher (interpreter, flags, skip) running the token peer instead. */
function tokenPeer(base: PeerLauncher, script: string): PeerLauncher {
  const flags = base.args.filter((a) => a.startsWith('--experimental'));
  return { ...base, args: [...flags, `${CONFORMANCE_DIR}peers/${script}`] };
}

const PEERS: { peer: PeerLauncher; reasons: boolean }[] = [
  { peer: tokenPeer(autobahnPython('twisted'), 'python/token_peer.py'), reasons: true },
  { peer: tokenPeer(autobahnJs(), 'js/autobahn-token-peer.mjs'), reasons: true },
  // wampy does not hand a GOODBYE's reason to the application.
  { peer: tokenPeer(wampy(), 'js/wampy-token-peer.mjs'), reasons: false },
];

describe('API tokens as WAMP tickets', () => {
  for (const { peer, reasons } of PEERS) {
    it(
      `${peer.name}: joins with a token, calls with its role, is closed on revocation`,
      {
        skip: peer.skip,
      },
      async () => {
        const label = `ci-${peer.name.replace(/[^a-z]/g, '')}`;
        const made = (await owner.call(`${M}create_token@1`, [label, 'cdc-guest'])).value as {
          token_id: string;
          token: string;
        };
        const live = start(peer, label, made.token);
        const joined = await live.next('joined');
        assert.equal(joined['realm'], REALM);
        assert.equal(joined['authid'], label);
        assert.equal(joined['authrole'], 'cdc-guest');
        assert.equal(joined['authmethod'], 'ticket');
        const result = await live.next('result');
        const status = (result['args'] as { realm: string; nodes: unknown }[])[0];
        assert.equal(status?.realm, REALM);
        assert.deepEqual(status.nodes, { total: 0, online: 0, offline: 0 });
        await live.next('waiting');

        const t0 = Date.now();
        const revoked = (await owner.call(`${M}revoke_token@1`, [made.token_id])).value as {
          sessions_closed: number;
        };
        assert.equal(revoked.sessions_closed, 1);
        const left = await live.next('left', 5000);
        assert.ok(Date.now() - t0 < 3000, `closed at once (${Date.now() - t0} ms)`);
        if (reasons) {
          assert.equal(left['reason'], 'wamp.close.auth-changed');
          assert.match(String(left['message']), /revoked/);
        } else assert.equal(left['reason'], 'closed by the router');
        assert.equal(await live.exited, 0, live.stderr());

        // The revoked token is no ticket any more.
        const again = start(peer, label, made.token);
        const refused = await again.next('left');
        assert.ok(!again.lines.some((l) => l.kind === 'joined'));
        if (reasons) assert.equal(refused['reason'], 'wamp.error.authentication_failed');
        await again.exited;
      },
    );
  }
});
