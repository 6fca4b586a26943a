/**
 * SPEC §7: a realm's owner makes, lists and revokes API tokens. The secret is returned
 * once (`../tokens/secret.ts` makes it; the domain store keeps its salted hash); a token's
 * role is at most its maker's (an owner's); revoking closes the token's sessions (WAMP clients and the
 * HTTP API's alike: both carry `authextra.token_id`) at once.
 * @module
 */
import { CloseReasons, WampError } from '@cdc/protocol';
import { CdcErrors, TOKEN_LABEL_RE, USER_ROLES, isUserRole } from '@cdc/api';
import type { CreatedToken, TokenInfo } from '@cdc/api';
import { invalidArgument } from '@cdc/client';
import type { Session } from '@cdc/client';
import type { DomainStore, TokenRecord } from '@cdc/store';
import { makeToken } from '../tokens/secret.js';
import type { ImplementationTable } from './service.js';

const MGMT = 'com.crossbario.cdc.management';
/** Ten years: enough for "long-lived", small enough to stay a valid date. */
const MAX_EXPIRES_S = 10 * 365 * 24 * 3600;

export interface TokenApiContext {
  realm: string;
  domain: DomainStore;
  session: Session;
}

function toInfo(t: TokenRecord): TokenInfo {
  return {
    token_id: t.token_id,
    label: t.label,
    role: t.role,
    created: t.created,
    created_by: t.created_by,
    expires_at: t.expires_at,
    last_used: t.last_used,
  };
}

/** Close the sessions that joined with token `tokenId`. */
async function killByToken(session: Session, tokenId: string): Promise<number> {
  const ids = (await session.call('wamp.session.list')).value as number[];
  let n = 0;
  for (const id of ids) {
    const d = (await session.call('wamp.session.get', [id]).catch(() => undefined))?.value as
      { authextra?: { token_id?: string } } | undefined;
    if (d?.authextra?.token_id !== tokenId) continue;
    await session
      .call('wamp.session.kill', [id], {
        reason: CloseReasons.AUTH_CHANGED,
        message: 'the API token was revoked',
      })
      .catch(() => undefined);
    n++;
  }
  return n;
}

export function tokenApi(ctx: TokenApiContext): ImplementationTable {
  return {
    [`${MGMT}.create_token@1`]: async (p, call): Promise<CreatedToken> => {
      const label = p.string('label');
      if (!TOKEN_LABEL_RE.test(label))
        throw invalidArgument(`argument "label" must match ${TOKEN_LABEL_RE.source}`);
      const role = p.string('role');
      if (!isUserRole(role))
        throw invalidArgument(`argument "role" must be one of ${USER_ROLES.join(', ')}`);
      // "A token's role is at most its maker's" (SPEC §7) needs no check here: only cdc-owner,
      // the highest user role, may call create_token (its least role in the contract, which
      // the router enforces before this runs), and every role is at most an owner's. A test
      // (http-api-unit.test.ts) fails if the contract ever lets a lower role make tokens.
      const raw = p.raw('expires_in_s');
      const expiresIn =
        raw === undefined || raw === null ? null : p.int('expires_in_s', 0, 1, MAX_EXPIRES_S);
      const made = makeToken();
      const expires_at =
        expiresIn === null ? null : new Date(Date.now() + expiresIn * 1000).toISOString();
      await ctx.domain.createToken({
        token_id: made.token_id,
        realm: ctx.realm,
        label,
        role,
        salt: made.salt,
        hash: made.hash,
        created_by: call.authid,
        expires_at,
      });
      return { token_id: made.token_id, token: made.token, expires_at };
    },
    [`${MGMT}.list_tokens@1`]: async () => (await ctx.domain.listTokens(ctx.realm)).map(toInfo),
    [`${MGMT}.revoke_token@1`]: async (p) => {
      const tokenId = p.string('token_id');
      const t = await ctx.domain.revokeToken(ctx.realm, tokenId);
      if (t === undefined)
        throw WampError.of(
          CdcErrors.NO_SUCH_TOKEN,
          `management realm "${ctx.realm}" has no API token "${tokenId}"`,
        );
      const closed = await killByToken(ctx.session, t.token_id);
      return { token_id: t.token_id, label: t.label, sessions_closed: closed };
    },
  };
}
