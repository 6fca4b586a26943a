/**
 * API tokens as WAMP `ticket` credentials on the center (SPEC §7): the ticket is the token;
 * the session joins the token's management realm with the token's role, as authid the
 * token's label (whatever authid the client sent), with `authextra.token_id`, by which
 * revocation finds its sessions.
 * @module
 */
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import type { Dict } from '@cdc/protocol';
import { CdcErrors } from '@cdc/api';
import type { AuthenticatorResult } from '@cdc/router';
import type { DomainStore, TokenRecord } from '@cdc/store';
import type { TokenExpiry } from './expiry.js';
import { parseToken, secretMatches } from './secret.js';

export interface TokenAuthOptions {
  domain: () => DomainStore;
  hasRealm(name: string): boolean;
  /** A successful use (for `last_used`). */
  used?: (tokenId: string) => void;
  /** Closes a token's sessions when it expires. */
  expiry?: TokenExpiry;
  log?: (obj: object, msg: string) => void;
}

function deny(uri: string, message: string): never {
  throw WampError.of(uri, message);
}

/** The token a ticket stands for, checked: well-formed, known, matching, unexpired. */
export async function checkToken(o: TokenAuthOptions, ticket: unknown): Promise<TokenRecord> {
  const parsed = typeof ticket === 'string' ? parseToken(ticket) : undefined;
  if (parsed === undefined)
    deny(WampErrors.AUTHENTICATION_FAILED, 'the ticket is not a CDC API token (cdc_<id>_<secret>)');
  let t: TokenRecord | undefined;
  try {
    t = await o.domain().getToken(parsed.token_id);
  } catch (e) {
    o.log?.({ err: errorMessage(e) }, 'token lookup failed');
    deny(
      CdcErrors.DATABASE_UNAVAILABLE,
      'the center cannot read its database right now; try again',
    );
  }
  // One answer for unknown, revoked and wrong: nothing to learn about which IDs exist.
  if (t === undefined || !secretMatches(t.salt, t.hash, parsed.secret))
    deny(WampErrors.AUTHENTICATION_FAILED, 'unknown or revoked API token');
  // The clock read after the database: from here to WELCOME runs no timer, so a session
  // admitted now is there when the expiry timer (`expiry.ts`) looks for it.
  if (t.expires_at !== null && Date.parse(t.expires_at) <= Date.now())
    deny(WampErrors.AUTHENTICATION_FAILED, `the API token "${t.label}" expired at ${t.expires_at}`);
  return t;
}

export function tokenAuthenticator(o: TokenAuthOptions) {
  return async (
    realm: string | null,
    _authid: string | undefined,
    details: Dict,
  ): Promise<AuthenticatorResult> => {
    const t = await checkToken(o, details['ticket']);
    if (realm !== null && realm !== t.realm)
      deny(WampErrors.NOT_AUTHORIZED, `this API token is for another management realm`);
    if (!o.hasRealm(t.realm))
      deny(
        CdcErrors.BACKEND_UNAVAILABLE,
        `management realm "${t.realm}" is not available right now`,
      );
    o.used?.(t.token_id);
    if (t.expires_at !== null)
      o.expiry?.watch({
        token_id: t.token_id,
        realm: t.realm,
        label: t.label,
        expiresAt: Date.parse(t.expires_at),
      });
    return { realm: t.realm, authid: t.label, role: t.role, extra: { token_id: t.token_id } };
  };
}
