/**
 * The web UI in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * center serving it and a real node process: a new browser is not authorized and shows its
 * key; granted, it signs in and sees the node online; the page runs under a `script-src
 * 'self'` policy with no eval; a worker's live log gets a line; a router is stopped and
 * started from the node page; a bad config value gets its field error; the reload plan says
 * when a restart is needed; a guest (signed in with a one-time link) sees no start/stop
 * buttons; and when the center goes away the page says it is offline. Any console error
 * fails the test — a policy violation is one (`browser-kit.ts`) — but the browser's own
 * "WebSocket connection failed" lines once the center is stopped on purpose. Screenshots of
 * each page go to `apps/web/screenshots/` (ignored by git).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { ConsoleWatch, SHOTS, launch, shot, skip } from './browser-kit.js';
import { NODE, REALM, startFixture } from './fixture.js';
import type { Fixture } from './fixture.js';

const ROUTER = 'r1';

let fx: Fixture;
let profile: string;
let ctx: BrowserContext;
let page: Page;
const console_ = new ConsoleWatch();
const watch = (p: Page, who: string) => console_.watch(p, who);

before(async () => {
  if (skip !== false) return;
  mkdirSync(SHOTS, { recursive: true });
  fx = await startFixture();
  await fx.owner.config.createRouter(NODE, ROUTER, {
    realms: [
      {
        name: 'app',
        roles: [
          {
            name: 'anonymous',
            permissions: [
              {
                uri: '',
                match: 'prefix',
                allow: { call: true, register: true, publish: true, subscribe: true },
              },
            ],
          },
        ],
      },
    ],
  });
  await fx.owner.config.startRouter(NODE, ROUTER);
  profile = mkdtempSync(join(tmpdir(), 'cdc-web-chromium-'));
  ctx = await launch(join(profile, 'admin'));
  page = ctx.pages()[0] ?? (await ctx.newPage());
  watch(page, 'admin');
});

after(async () => {
  if (skip !== false) return;
  // Whatever `before` got to (it may have failed half-way).
  const started = { ctx, fx, profile } as Partial<{
    ctx: BrowserContext;
    fx: Fixture;
    profile: string;
  }>;
  await started.ctx?.close();
  await started.fx?.stop();
  if (started.profile !== undefined) rmSync(started.profile, { recursive: true, force: true });
});

const cleanConsole = () => console_.clean();

test(
  'a new browser is not authorized and shows its key; granted, it signs in and sees the node online',
  { skip },
  async () => {
    await page.goto(fx.base);
    await page.getByTestId('not-authorized').waitFor();
    const pubkey = (await page.getByTestId('pubkey').textContent()) ?? '';
    assert.match(pubkey, /^[0-9a-f]{64}$/);
    await shot(page, '01-not-authorized');
    // The owner grants it, as `cdc grant <key> cdc-admin` would.
    await fx.owner.management.grantAccess(pubkey, 'cdc-admin', { label: 'browser' });
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByTestId('who').getByText(`${REALM} · browser · cdc-admin`).waitFor();
    const row = page.locator(`[data-node="${NODE}"]`);
    await row.locator('[data-status="running"]').waitFor();
    await page.getByTestId('count-running').getByText('1').waitFor();
    await shot(page, '02-overview');
    cleanConsole();
  },
);

test(
  'the page runs under a script policy with no eval, and breaks none of it',
  { skip },
  async () => {
    const res = await fetch(fx.base);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-(eval|inline)/);
    assert.match(csp, /frame-ancestors 'none'/);
    await res.body?.cancel();
    // The page signed in above under it; a violation would have been a console error.
    await page.reload();
    await page.locator(`[data-node="${NODE}"] [data-status="running"]`).waitFor();
    cleanConsole();
  },
);

test('the node page lists its workers; a worker page gets live log lines', { skip }, async () => {
  await page.locator(`[data-node="${NODE}"]`).click();
  await page.locator('[data-worker="ticker"]').waitFor();
  await page
    .locator(`[data-worker="${ROUTER}"]`)
    .getByText('running')
    .or(page.locator(`[data-worker="${ROUTER}"]`).getByText('started'))
    .first()
    .waitFor();
  await shot(page, '03-node');
  await page.locator('[data-worker="ticker"] a').first().click();
  const log = page.getByTestId('log');
  await log
    .getByText(/tick \d+/)
    .first()
    .waitFor();
  const before = await log.locator('.line').count();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="log"] .line').length > n,
    before,
    { timeout: 10_000 },
  );
  await shot(page, '04-worker');
  cleanConsole();
});

test('a router is stopped and started from the node page', { skip }, async () => {
  await page.goto(`${fx.base}#/node/${NODE}`);
  const row = page.locator(`[data-worker="${ROUTER}"]`);
  await row.getByRole('button', { name: 'Stop' }).click();
  await row.getByRole('button', { name: 'Start' }).waitFor({ timeout: 20_000 });
  await row.locator('td').nth(3).getByText('stopped').waitFor();
  await row.getByRole('button', { name: 'Start' }).click();
  await row.getByRole('button', { name: 'Stop' }).waitFor({ timeout: 20_000 });
  await row.locator('td').nth(3).getByText('started').waitFor();
  cleanConsole();
});

test(
  'the router page shows stored against running; a bad value gets its field error',
  { skip },
  async () => {
    await page.goto(`${fx.base}#/node/${NODE}/router/${ROUTER}`);
    const editor = page.getByTestId('config-editor');
    await editor.waitFor();
    const config = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
    config['transports'] = [
      { type: 'websocket', id: 't1', endpoint: { type: 'tcp', port: 'eighty' } },
    ];
    await editor.fill(JSON.stringify(config, null, 2));
    await page.getByTestId('save-config').click();
    const error = page.getByTestId('field-error').first();
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    assert.match(text, /port/);
    assert.match(text, /^line \d+/);
    await shot(page, '05-router-invalid');
    // Not JSON at all: caught before anything is sent.
    await editor.fill('{"realms": [');
    await page.getByTestId('save-config').click();
    await page.getByTestId('field-error').getByText('(JSON)').waitFor();
    cleanConsole();
  },
);

test(
  'the reload plan says a restart is needed before confirming, and restarts',
  { skip },
  async () => {
    // Worker options: only a restart applies them (the plan's `restart_required`).
    await fx.owner.config.modifyRouter(NODE, ROUTER, { options: { title: 'renamed' } });
    assert.equal((await fx.owner.config.getRouter(NODE, ROUTER)).restart_required, true);
    // The page is open already: leave it and come back, so it reads the router again.
    await page.goto(`${fx.base}#/node/${NODE}`);
    await page.goto(`${fx.base}#/node/${NODE}/router/${ROUTER}`);
    await page.getByTestId('drift').getByText('worker options changed').waitFor();
    await page.getByRole('button', { name: 'Reload…' }).click();
    const plan = page.getByRole('dialog', { name: 'reload plan' });
    await plan.getByTestId('restart-needed').getByText('need a restart').waitFor();
    await shot(page, '05b-router-plan');
    await plan.getByLabel('Restart if required').check();
    await plan.getByRole('button', { name: 'Confirm reload' }).click();
    await page
      .getByRole('status')
      .getByText(/^Reloaded \(restarted\)/)
      .waitFor({ timeout: 30_000 });
    await page.getByText('running as stored').waitFor({ timeout: 20_000 });
    cleanConsole();
  },
);

test('a guest signed in with a one-time link sees no start/stop buttons', { skip }, async () => {
  const token = fx.center.signInLinks.create(REALM, 'cdc-guest');
  // Another browser profile: another key.
  const guest = await launch(join(profile, 'guest'));
  const gp = guest.pages()[0] ?? (await guest.newPage());
  watch(gp, 'guest');
  await gp.goto(`${fx.base}#claim=${token}`);
  await gp.getByTestId('who').getByText('cdc-guest').waitFor();
  await gp.goto(`${fx.base}#/node/${NODE}`);
  await gp.locator(`[data-worker="${ROUTER}"]`).waitFor();
  assert.equal(await gp.getByRole('button', { name: /^(Start|Stop)$/ }).count(), 0);
  await shot(gp, '06-guest-node');
  // The link is spent.
  const again = await fetch(`${fx.base}ui/claim`, {
    method: 'POST',
    body: JSON.stringify({ token, pubkey: 'a'.repeat(64) }),
  });
  assert.equal(again.status, 404);
  await guest.close();
  cleanConsole();
});

test('when the center goes away the page says it is offline', { skip }, async () => {
  await page.goto(fx.base);
  await page.locator(`[data-node="${NODE}"] [data-status="running"]`).waitFor();
  console_.centerGone = true;
  await fx.stopNode();
  await fx.center.stop();
  await page.getByTestId('offline').waitFor({ timeout: 20_000 });
  assert.equal(await page.locator('[data-status="running"]').count(), 0, 'no stale running state');
  await shot(page, '07-offline');
  cleanConsole();
});
