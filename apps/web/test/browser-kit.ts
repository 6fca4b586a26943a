/**
 * What the browser test files share: Debian's Chromium (skipped where it is not installed),
 * a fresh profile per browser (so its own IndexedDB, so its own key), screenshots to
 * `apps/web/screenshots/` (ignored by git), and the console watch that fails a test on any
 * error the page logs.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot } from '@cdc/testkit';

const CHROMIUM = '/usr/bin/chromium';
export const skip: false | string = existsSync(CHROMIUM)
  ? false
  : `no ${CHROMIUM} (apt install chromium)`;
export const SHOTS = join(repoRoot(), 'apps', 'web', 'screenshots');

/** Chromium with a profile of its own in `userDataDir`. */
export async function launch(userDataDir: string): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // A violation of the page's Content-Security-Policy is a console error (so a failure).
  await ctx.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} (${e.blockedURI})`);
    });
  });
  return ctx;
}

export const shot = (p: Page, name: string) =>
  p.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

/** Console errors and uncaught exceptions of the pages watched. */
export class ConsoleWatch {
  readonly problems: string[] = [];
  /**
   * Set while the center is away on purpose: the browser's own "WebSocket connection
   * failed" lines are expected then (the page itself must still log nothing).
   */
  centerGone = false;

  watch(p: Page, who: string): void {
    p.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (this.centerGone && /WebSocket connection to .* failed/.test(m.text())) return;
      this.problems.push(`${who}: ${m.text()}`);
    });
    p.on('pageerror', (e) => this.problems.push(`${who}: ${e.message}`));
  }

  clean(): void {
    assert.deepEqual(this.problems, [], 'console errors');
  }
}
