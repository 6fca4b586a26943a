/**
 * The web UI's other flows in Chromium against a real center and node: a new browser key
 * registers as a user through the captcha-PIN mail (SPEC §4.4; the test knows the PIN the
 * captcha shows from the center's PIN recorder); granted on two realms, it gets the realm
 * picker; as an owner it grants a key, pairs a node by its public key and revokes, and the
 * audit page filters those records; the center goes away (the page says so and shows no
 * stale "running") and comes back (the page reconnects by itself); and the node goes
 * offline while its page is open. One center, one node and one browser for all of them.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { addRealm } from '@cdc/center';
import { until } from '@cdc/testkit';
import { WebCryptoSigner } from '@cdc/sdk/browser';
import { ConsoleWatch, SHOTS, launch, shot, skip } from './browser-kit.js';
import { NODE, REALM, startFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

const REALM2 = 'web-realm-2';
const USER = 'alice';
const EMAIL = 'alice@example.com';
const REVOKE = 'com.crossbario.cdc.management.revoke_access@1';

let fx: Fixture;
let profile: string;
let ctx: BrowserContext;
let page: Page;
let browserKey = '';
const console_ = new ConsoleWatch();

before(async () => {
  if (skip !== false) return;
  mkdirSync(SHOTS, { recursive: true });
  fx = await startFixture();
  profile = mkdtempSync(join(tmpdir(), 'cdc-web-chromium-'));
  ctx = await launch(join(profile, 'user'));
  page = ctx.pages()[0] ?? (await ctx.newPage());
  console_.watch(page, 'user');
});

after(async () => {
  if (skip !== false) return;
  const started = { ctx, fx, profile } as Partial<{
    ctx: BrowserContext;
    fx: Fixture;
    profile: string;
  }>;
  await started.ctx?.close();
  await started.fx?.stop();
  if (started.profile !== undefined) rmSync(started.profile, { recursive: true, force: true });
});

test('a new key registers as a user with the PIN from the captcha mail', { skip }, async () => {
  await page.goto(fx.base);
  await page.getByTestId('not-authorized').waitFor();
  browserKey = (await page.getByTestId('pubkey').textContent()) ?? '';
  await page.getByLabel('Name').fill(USER);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.getByText(`A mail is on its way to ${EMAIL}`).waitFor();
  await shot(page, '10-register-pin');
  // A wrong PIN first: a readable refusal, and the form stays.
  const pin = await fx.pins.pinFor(EMAIL, 'user');
  const wrong = String(pin === 999999 ? 100000 : pin + 1);
  await page.getByLabel('PIN').fill(wrong);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.locator('.hint', { hasText: /PIN/i }).last().waitFor();
  await page.getByLabel('PIN').fill(String(pin));
  await page.getByRole('button', { name: 'Verify' }).click();
  // A user now, with no realm yet.
  await page.getByText('Your account has no management realm yet.').waitFor();
  console_.clean();
});

test('a key granted on two realms gets the realm picker', { skip }, async () => {
  await fx.owner.management.grantAccess(browserKey, 'cdc-owner', { label: 'alice-browser' });
  // A second realm, owned by the user the browser key now belongs to.
  await addRealm(fx.center.domain, REALM2, { pubkey: browserKey, comment: null });
  await fx.center.reconcile();
  await page.reload();
  await page.getByRole('heading', { name: 'Choose a realm' }).waitFor();
  await page.getByRole('button', { name: REALM2 }).waitFor();
  await shot(page, '11-realm-picker');
  await page.getByRole('button', { name: REALM, exact: true }).click();
  await page.getByTestId('who').getByText(`${REALM} · ${USER} · cdc-owner`).waitFor();
  await page.locator(`[data-node="${NODE}"] [data-status="running"]`).waitFor();
  console_.clean();
});

test('the owner grants a key, pairs a node by its key and revokes', { skip }, async () => {
  const guest = (await WebCryptoSigner.generate()).publicKeyHex;
  const nodeKey = (await WebCryptoSigner.generate()).publicKeyHex;
  await page.getByRole('link', { name: 'Access' }).click();
  await page.getByRole('heading', { name: 'Access' }).waitFor();
  // Paste with a stray blank and upper case, as a copy from a terminal may have it.
  await page.getByLabel('Public key (64 hex)').fill(` ${guest.toUpperCase()}`);
  await page.getByLabel('Role').selectOption('cdc-guest');
  await page.getByLabel('Label').fill('visitor');
  await page.getByRole('button', { name: 'Grant' }).click();
  const row = page.locator('tr', { hasText: 'visitor' });
  await row.getByText('cdc-guest').waitFor();
  const granted = await fx.owner.management.listAccess();
  assert.ok(granted.some((a) => a.pubkey === guest && a.role === 'cdc-guest'));

  await page.getByLabel(/Node public key/).fill(nodeKey);
  await page.getByLabel('Node ID').fill('node2');
  await page.getByRole('button', { name: 'Pair' }).click();
  await page.getByText('Paired node node2').waitFor();
  const found = await fx.center.domain.lookupKey(nodeKey);
  assert.ok(found.kind === 'node' && found.pairing.node_id === 'node2');
  assert.equal(found.pairing.realm, REALM);
  // The same key again: refused, and the page says why.
  await page.getByLabel(/Node public key/).fill(nodeKey);
  await page.getByLabel('Node ID').fill('node3');
  await page.getByRole('button', { name: 'Pair' }).click();
  await page.getByText('already paired here as node "node2"').waitFor();
  await shot(page, '12-access');

  await row.getByRole('button', { name: 'Revoke' }).click();
  await row.waitFor({ state: 'detached' });
  const left = await fx.owner.management.listAccess();
  assert.ok(!left.some((a) => a.pubkey === guest));
  console_.clean();
});

test('the audit page shows the records its filter matches', { skip }, async () => {
  await page.getByRole('link', { name: 'Audit' }).click();
  await page.getByRole('heading', { name: 'Audit' }).waitFor();
  await page.locator('tbody tr').first().waitFor();
  const all = await page.locator('tbody td:nth-child(3)').allTextContents();
  assert.ok(
    all.some((p) => p !== REVOKE),
    'unfiltered, more than the revoke',
  );
  // Its short name is enough, as in `cdc audit --procedure`.
  await page.getByLabel('Procedure').fill('revoke_access');
  await page.getByRole('button', { name: 'Filter' }).click();
  // Every row shown is the revoke (and there is one).
  await page.waitForFunction((proc) => {
    const cells = [...document.querySelectorAll('tbody td:nth-child(3)')];
    return cells.length > 0 && cells.every((c) => c.textContent === proc);
  }, REVOKE);
  assert.match((await page.locator('tbody tr').first().textContent()) ?? '', new RegExp(USER));
  await shot(page, '13-audit');
  // Who did it: the browser's user only; nobody else revoked anything.
  await page.getByLabel('Who').fill('owner');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByText('No records.').waitFor();
  console_.clean();
});

test('the center goes away and comes back: offline, then live again', { skip }, async () => {
  await page.goto(fx.base);
  await page.locator(`[data-node="${NODE}"] [data-status="running"]`).waitFor();
  console_.centerGone = true;
  const restarted = fx.restartCenter();
  await page.getByTestId('offline').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('[data-status="running"]').count(), 0, 'no stale running');
  await restarted;
  await until(
    async () => (await fx.owner.getNodes().catch(() => undefined))?.[NODE]?.status === 'running',
    60_000,
    'the node back and running',
  );
  // Back without a reload: the banner goes, the list is read again, the node reconnects.
  await page.getByTestId('offline').waitFor({ state: 'detached', timeout: 30_000 });
  await page.locator(`[data-node="${NODE}"] [data-status="running"]`).waitFor();
  await shot(page, '15-reconnected');
  console_.centerGone = false;
  console_.clean();
});

test('the node goes offline while its page is open', { skip }, async () => {
  await page.goto(`${fx.base}#/node/${NODE}`);
  const ticker = page.locator('[data-worker="ticker"]');
  await ticker.getByText('running').or(ticker.getByText('started')).first().waitFor();
  await fx.stopNode();
  await page.getByText('This node is offline').waitFor({ timeout: 20_000 });
  await page
    .getByRole('heading', { name: `Node ${NODE}` })
    .getByText('offline')
    .waitFor();
  // What ran there is not shown as still running.
  // What ran there is not shown as running still: the node cannot be asked.
  await page.getByText('What runs on the node is unknown').waitFor();
  const workers = page.getByTestId('workers');
  assert.equal(
    await workers.locator('[data-status="running"], [data-status="started"]').count(),
    0,
  );
  // Nothing more comes from the node, yet its "last seen" ages.
  await page
    .locator('dd')
    .filter({ hasText: /^([5-9]|\d\d+) s ago$|min ago$/ })
    .first()
    .waitFor({ timeout: 20_000 });
  await shot(page, '14-node-offline');
  console_.clean();
});
