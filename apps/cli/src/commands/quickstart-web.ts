/**
 * The quickstart's way into the web UI: the address the center serves it at, and a one-time
 * link (printed only here, on the terminal) that grants the browser which opens it owner
 * access to the realm — once, within ten minutes. The token rides in the URL's fragment, so
 * no server or proxy log sees it.
 * @module
 */
import type { Center } from '@cdc/center';

const TTL_MIN = 10;

export function webUiBanner(center: Center, realm: string): string {
  const ui = center.url.replace(/^ws/, 'http').replace(/\/ws$/, '/');
  const token = center.signInLinks.create(realm, 'cdc-owner', TTL_MIN * 60_000);
  return [
    `Web UI: ${ui}`,
    `  Sign in as the realm's owner: open ${ui}#claim=${token}`,
    `  (this link works once, for ${TTL_MIN} minutes; it grants the browser's own key)`,
    '',
  ].join('\n');
}
