/**
 * The browser entry in a real browser (Debian's Chromium, driven by playwright-core): the
 * page loads `@cdc/sdk/browser` as plain ES modules (an import map, no bundler, so nothing of
 * Node can hide in it), makes a WebCrypto key kept in IndexedDB, finds it again after a
 * reload, and signs in to a real center over the browser's WebSocket once an owner granted
 * it; a call its role may not make is a CdcError with its URI. The console stays clean.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { repoRoot } from '@cdc/testkit';
import { connectCenter } from '../src/node/index.js';
import type { Center } from '../src/node/index.js';
import { ownedRealm, startCenter } from './helpers.js';
import type { TestCenter } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no ${CHROMIUM} (apt install chromium)`;

const PURE = ['sdk', 'api', 'client', 'protocol'];

/** A package's ES module entry for browsers: its `exports` (browser, import, default), else `module`. */
function browserEntry(dir: string): string {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports?: unknown;
    module?: string;
    main?: string;
  };
  const pick = (e: unknown): string | undefined => {
    if (typeof e === 'string') return e;
    if (typeof e !== 'object' || e === null) return undefined;
    const o = e as Record<string, unknown>;
    for (const c of ['browser', 'import', 'default']) {
      const v = pick(o[c]);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const dot =
    typeof manifest.exports === 'object' && manifest.exports !== null && '.' in manifest.exports
      ? (manifest.exports as Record<string, unknown>)['.']
      : manifest.exports;
  const entry = pick(dot) ?? manifest.module ?? manifest.main;
  assert.ok(entry !== undefined, `${dir}: no entry`);
  return entry.replace(/^\.\//, '');
}

/**
 * The import map and what the page may load: the compiled pure packages, and the npm
 * packages they depend on (read from their manifests, so a new dependency is served too).
 */
function importMap(): { imports: Record<string, string>; served: string[] } {
  const root = repoRoot();
  const imports: Record<string, string> = {
    '@cdc/sdk/browser': '/packages/sdk/dist/src/browser/index.js',
  };
  const served: string[] = [];
  for (const name of PURE) {
    const dir = `packages/${name}`;
    served.push(`${dir}/dist/src/`);
    if (name !== 'sdk') imports[`@cdc/${name}`] = `/${dir}/dist/src/index.js`;
    const deps = (
      JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
      }
    ).dependencies;
    for (const dep of Object.keys(deps ?? {}).filter((d) => !d.startsWith('@cdc/'))) {
      served.push(`node_modules/${dep}/`);
      imports[dep] = `/node_modules/${dep}/${browserEntry(join(root, 'node_modules', dep))}`;
    }
  }
  return { imports, served };
}

const { imports: IMPORTS, served: SERVED } = importMap();

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>sdk</title>
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports: IMPORTS })}</script>
<script type="module">
  import * as sdk from '@cdc/sdk/browser';
  window.sdk = sdk;
  window.ready = true;
</script>`;

function serve(): Promise<Server> {
  const root = repoRoot();
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).slice(
      1,
    );
    if (path === '') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = join(root, path);
    if (!SERVED.some((p) => path.startsWith(p)) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type =
      extname(file) === '.js' || extname(file) === '.mjs' ? 'text/javascript' : 'text/plain';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The page has loaded the SDK, or says why not. */
async function loaded(): Promise<void> {
  try {
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  } catch (e) {
    throw new Error(`the page did not load the SDK: ${[...problems, String(e)].join('; ')}`, {
      cause: e,
    });
  }
}

let tc: TestCenter;
let owner: Center;
let server: Server;
let browser: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (skip !== false) return;
  tc = await startCenter();
  const key = await ownedRealm(tc, 'web-realm', 'alice');
  owner = await connectCenter({ url: tc.url, key: key.path });
  server = await serve();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  await page.goto(`http://127.0.0.1:${address.port}/`);
  await loaded();
});

after(async () => {
  if (skip !== false) return;
  await browser.close();
  await new Promise((r) => server.close(r));
  await owner.close();
  await tc.stop();
});

interface Sdk {
  indexedDbKeyStore(): unknown;
  createKey(store: unknown): Promise<{ publicKeyHex: string; keyPair: CryptoKeyPair }>;
  loadKey(store: unknown): Promise<{ publicKeyHex: string; keyPair: CryptoKeyPair } | undefined>;
  connectCenter(o: unknown): Promise<{
    authid: string;
    authrole: string;
    realm: string;
    can(p: string): boolean;
    getNodesV1(): Promise<string[]>;
    getStatus(): Promise<{ realm: string }>;
    config: { stopRouter(n: string, r: string): Promise<unknown> };
    onNodeStatus(h: () => void): { ready: Promise<void> };
    close(): Promise<void>;
    state: { status: string };
  }>;
}

test(
  'in Chromium: a WebCrypto key in IndexedDB signs in over the browser WebSocket',
  { skip },
  async () => {
    const made = await page.evaluate(async () => {
      const sdk = (window as unknown as { sdk: Sdk }).sdk;
      const key = await sdk.createKey(sdk.indexedDbKeyStore());
      return { pubkey: key.publicKeyHex, extractable: key.keyPair.privateKey.extractable };
    });
    assert.match(made.pubkey, /^[0-9a-f]{64}$/);
    assert.equal(made.extractable, false);
    await owner.management.grantAccess(made.pubkey, 'cdc-guest', { label: 'chromium' });

    await page.reload();
    await loaded();
    const seen = await page.evaluate(async (url) => {
      const sdk = (window as unknown as { sdk: Sdk }).sdk;
      const key = await sdk.loadKey(sdk.indexedDbKeyStore());
      if (key === undefined) return { error: 'the key did not survive the reload' };
      const cdc = await sdk.connectCenter({
        url,
        key,
        websocket: { serializers: ['cbor', 'json'] },
      });
      await cdc.onNodeStatus(() => undefined).ready;
      let refused = '';
      try {
        await cdc.config.stopRouter('n1', 'r1');
      } catch (e) {
        refused = `${(e as { name: string }).name} ${(e as { uri: string }).uri}`;
      }
      const out = {
        pubkey: key.publicKeyHex,
        authid: cdc.authid,
        authrole: cdc.authrole,
        realm: (await cdc.getStatus()).realm,
        nodes: await cdc.getNodesV1(),
        mayStop: cdc.can('config.stopRouter'),
        mayRead: cdc.can('getNodes'),
        refused,
      };
      await cdc.close();
      return { ...out, state: cdc.state.status };
    }, tc.url);
    assert.deepEqual(seen, {
      pubkey: made.pubkey,
      authid: 'chromium',
      authrole: 'cdc-guest',
      realm: 'web-realm',
      nodes: [],
      mayStop: false,
      mayRead: true,
      refused: 'CdcError wamp.error.not_authorized',
      state: 'closed',
    });
    assert.deepEqual(problems, []);
  },
);
