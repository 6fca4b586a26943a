/**
 * The quickstart's one-time way in: `npm start` prints `http://…/#claim=<token>`; opening it
 * posts this browser's public key with the token to the center, which grants it once (the
 * token is then spent), and the fragment is taken off the address so a reload does not
 * try again. The token never reaches a server log (a fragment is not sent with requests).
 * @module
 */
import { browserKey, describe, say } from './session.js';

export async function claimFromHash(): Promise<void> {
  const m = /[#&]claim=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m === null) return;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const key = await browserKey();
    const r = await fetch('/ui/claim', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: m[1], pubkey: key.publicKeyHex }),
    });
    const body = (await r.json().catch(() => ({}))) as { error?: string; realm?: string };
    if (!r.ok) say(`This sign-in link did not work: ${body.error ?? r.statusText}`);
    else if (body.realm !== undefined) {
      try {
        localStorage.setItem('cdc.realm', body.realm);
      } catch {
        // Private mode: the center picks the realm.
      }
      say(`This browser's key now has access to realm "${body.realm}".`, 'info');
    }
  } catch (e) {
    say(`This sign-in link did not work: ${describe(e)}`);
  }
}
