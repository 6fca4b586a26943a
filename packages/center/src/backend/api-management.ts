/**
 * SPEC §4.5: a realm's owner and admins pair and unpair nodes, grant and revoke keys, read
 * the audit log. Pairings and grants live in the domain database (the authenticator reads
 * them); node entries in the realm's own.
 * @module
 */
import { CloseReasons, WampError, isDict } from '@cdc/protocol';
import { USER_ROLES, isUserRole, CdcErrors } from '@cdc/api';
import type { AccessInfo } from '@cdc/api';
import { invalidArgument } from '@cdc/client';
import type { Params, Session } from '@cdc/client';
import { parseOpenSshPublicKey } from '@cdc/cryptosign';
import { isStoreError } from '@cdc/store';
import type { AuditFilter, DomainStore, RealmStore } from '@cdc/store';
import type { NodeLiveness } from './node-liveness.js';
import type { ImplementationTable } from './service.js';

const MGMT = 'com.crossbario.cdc.management';
const HEX = /^[0-9a-fA-F]{64}$/;

/** A public key given as 64 hex or as an OpenSSH `ssh-ed25519 AAAA…` line. */
export function pubkeyArg(p: Params, name: string): string {
  const v = p.string(name).trim();
  if (HEX.test(v)) return v.toLowerCase();
  try {
    return parseOpenSshPublicKey(v).publicKeyHex;
  } catch {
    throw invalidArgument(
      `argument "${name}" must be an Ed25519 public key: 64 hex characters or an "ssh-ed25519 …" line`,
    );
  }
}

export interface ManagementContext {
  realm: string;
  domain: DomainStore;
  store: RealmStore;
  nodes: NodeLiveness;
  session: Session;
}

/** Close the sessions authenticated with `pubkey` (their access just ended). */
async function killByPubkey(session: Session, pubkey: string, message: string): Promise<number> {
  const ids = (await session.call('wamp.session.list')).value as number[];
  let n = 0;
  for (const id of ids) {
    const d = (await session.call('wamp.session.get', [id]).catch(() => undefined))?.value as
      { authextra?: { pubkey?: string } } | undefined;
    if (d?.authextra?.pubkey === pubkey) {
      await session
        .call('wamp.session.kill', [id], { reason: CloseReasons.AUTH_CHANGED, message })
        .catch(() => undefined);
      n++;
    }
  }
  return n;
}

/**
 * A node key must be free: not paired with another realm (`key_in_use`, without naming it:
 * realms see nothing of each other), not paired here already, not a user's or client's key.
 */
async function refuseKeyInUse(ctx: ManagementContext, pubkey: string): Promise<void> {
  const found = await ctx.domain.lookupKey(pubkey);
  if (found.kind === 'node') {
    if (found.pairing.realm !== ctx.realm)
      throw WampError.of(
        CdcErrors.KEY_IN_USE,
        'this node key is already paired with another management realm',
      );
    throw WampError.of(
      CdcErrors.ALREADY_EXISTS,
      `this node key is already paired here as node "${found.pairing.node_id}"`,
    );
  }
  if (found.kind !== 'unknown')
    throw WampError.of(
      CdcErrors.KEY_IN_USE,
      "this key is a user's or an API client's key; a node needs a key of its own",
    );
}

export function managementApi(ctx: ManagementContext): ImplementationTable {
  const owners = async (): Promise<string[]> =>
    (await ctx.domain.listAccess(ctx.realm))
      .filter((a) => a.role === 'cdc-owner')
      .map((a) => a.pubkey);
  return {
    [`${MGMT}.pair_node@1`]: async (p) => {
      const pubkey = pubkeyArg(p, 'node_pubkey');
      const nodeId = p.id('node_id');
      const extra = p.optDict('node_extra') ?? {};
      await refuseKeyInUse(ctx, pubkey);
      try {
        await ctx.domain.pairNode({ pubkey, realm: ctx.realm, node_id: nodeId, extra });
      } catch (e) {
        // Paired elsewhere between the check and the write: say so without naming the realm.
        if (isStoreError(e, 'ALREADY_EXISTS') || isStoreError(e, 'CONFLICT'))
          await refuseKeyInUse(ctx, pubkey);
        throw e;
      }
      const node = await ctx.store.upsertNode({ node_id: nodeId, pubkey, extra });
      ctx.nodes.update(nodeId);
      return ctx.nodes.info(node);
    },
    [`${MGMT}.unpair_node@1`]: async (p) => {
      const nodeId = p.id('node_id');
      const pairing = await ctx.domain.unpairNode(ctx.realm, nodeId);
      if (pairing === undefined)
        throw WampError.of(
          CdcErrors.NO_SUCH_NODE,
          `node "${nodeId}" is not paired with realm "${ctx.realm}"`,
        );
      await ctx.store.upsertNode({ node_id: nodeId, pubkey: null });
      const session = ctx.nodes.sessionOf(nodeId);
      if (session !== undefined) {
        await ctx.session
          .call('wamp.session.kill', [session], {
            reason: CloseReasons.AUTH_CHANGED,
            message: 'the node was unpaired',
          })
          .catch(() => undefined);
      }
      return { node_id: nodeId, pubkey: pairing.pubkey, disconnected: session !== undefined };
    },
    [`${MGMT}.grant_access@1`]: async (p) => {
      const pubkey = pubkeyArg(p, 'pub_key');
      const role = p.string('role');
      if (!isUserRole(role))
        throw invalidArgument(`argument "role" must be one of ${USER_ROLES.join(', ')}`);
      const label = p.optString('label') ?? null;
      const found = await ctx.domain.lookupKey(pubkey);
      if (found.kind === 'node')
        throw WampError.of(
          CdcErrors.KEY_IN_USE,
          'this key is a paired node key; grant user or API-client keys only',
        );
      const current = (await ctx.domain.listAccess(ctx.realm)).find((a) => a.pubkey === pubkey);
      if (current?.role === 'cdc-owner' && role !== 'cdc-owner' && (await owners()).length === 1) {
        throw WampError.of(
          CdcErrors.LAST_OWNER,
          "this is the realm's last owner key; grant another owner first",
        );
      }
      const authid =
        found.kind === 'user' ? found.key.user : (label ?? `client-${pubkey.slice(0, 12)}`);
      const a = await ctx.domain.grantAccess({
        realm: ctx.realm,
        pubkey,
        role: role,
        authid,
        label,
      });
      return toInfo(a);
    },
    [`${MGMT}.revoke_access@1`]: async (p) => {
      const pubkey = pubkeyArg(p, 'pub_key');
      const current = (await ctx.domain.listAccess(ctx.realm)).find((a) => a.pubkey === pubkey);
      if (current === undefined)
        throw WampError.of(CdcErrors.UNKNOWN_KEY, 'this key has no access to this realm');
      if (current.role === 'cdc-owner' && (await owners()).length === 1) {
        throw WampError.of(
          CdcErrors.LAST_OWNER,
          "this is the realm's last owner key; grant another owner before revoking it",
        );
      }
      await ctx.domain.revokeAccess(ctx.realm, pubkey);
      const closed = await killByPubkey(ctx.session, pubkey, 'access was revoked');
      return { pubkey, sessions_closed: closed };
    },
    [`${MGMT}.list_access@1`]: async () => (await ctx.domain.listAccess(ctx.realm)).map(toInfo),
    [`${MGMT}.get_audit_log@1`]: async (p) => {
      const f = p.optDict('filter') ?? {};
      const filter: AuditFilter = {};
      for (const k of ['since', 'until', 'authid', 'procedure'] as const) {
        const v = f[k];
        if (v !== undefined && typeof v !== 'string')
          throw invalidArgument(`filter.${k} must be a string`);
        if (typeof v === 'string') filter[k] = v;
      }
      if (f['outcome'] !== undefined) {
        if (f['outcome'] !== 'ok' && f['outcome'] !== 'error')
          throw invalidArgument('filter.outcome must be "ok" or "error"');
        filter.outcome = f['outcome'];
      }
      if (f['limit'] !== undefined) {
        if (typeof f['limit'] !== 'number' || !Number.isInteger(f['limit']) || f['limit'] < 1)
          throw invalidArgument('filter.limit must be a positive integer');
        filter.limit = f['limit'];
      }
      if (!isDict(f)) throw invalidArgument('filter must be a dict');
      return ctx.store.listAudit(filter);
    },
  };
}

function toInfo(a: {
  pubkey: string;
  role: string;
  authid: string;
  label: string | null;
  created: string;
}): AccessInfo {
  return { pubkey: a.pubkey, role: a.role, authid: a.authid, label: a.label, created: a.created };
}
