/**
 * Manual provisioning on the center machine (SPEC §4.5, the seed's alpha process): create a
 * realm for an owner key, pair node keys, grant keys. Writes the domain database only; a
 * running center picks the changes up by itself.
 * @module
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { WampError, WampErrors, errorMessage } from '@cdc/protocol';
import { USER_ROLES, isUserRole, realmNameProblem, ID_RE, CdcErrors } from '@cdc/api';
import {
  inspectOpenSshPrivateKey,
  isOpenSshPrivateKey,
  parseKeyFile,
  parseOpenSshPublicKey,
} from '@cdc/cryptosign';
import type { DomainStore, PairingRecord, RealmRecord, AccessRecord } from '@cdc/store';

export interface KeyInfo {
  pubkey: string;
  comment: string | null;
}

/**
 * A public key from a file or a string: 64 hex, an OpenSSH public key line, an OpenSSH
 * private key (its public half), or a Crossbar.io key file (`public-key-ed25519`).
 */
export function readPublicKey(spec: string): KeyInfo {
  const s = spec.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return { pubkey: s.toLowerCase(), comment: null };
  if (!existsSync(s))
    throw WampError.of(
      WampErrors.INVALID_ARGUMENT,
      `"${spec}" is neither a public key (64 hex) nor a file`,
    );
  const text = readFileSync(s, 'utf8');
  try {
    if (text.startsWith('ssh-ed25519 ')) {
      const k = parseOpenSshPublicKey(text.trim(), s);
      return { pubkey: k.publicKeyHex, comment: k.comment || null };
    }
    if (isOpenSshPrivateKey(text)) {
      // The public half is readable even when the private key is passphrase-protected.
      const k = inspectOpenSshPrivateKey(text, s);
      const pub = existsSync(`${s}.pub`)
        ? readFileSync(`${s}.pub`, 'utf8').trim().split(/\s+/).slice(2).join(' ')
        : '';
      return { pubkey: k.publicKeyHex, comment: pub === '' ? null : pub };
    }
    const kf = parseKeyFile(text, { source: s });
    const hex = kf.tags.get('public-key-ed25519');
    if (hex !== undefined)
      return {
        pubkey: hex.toLowerCase(),
        comment: kf.tags.get('node-authid') ?? kf.tags.get('user-id') ?? null,
      };
  } catch (e) {
    throw WampError.of(
      WampErrors.INVALID_ARGUMENT,
      `cannot read a public key from ${s}: ${errorMessage(e)}`,
    );
  }
  throw WampError.of(WampErrors.INVALID_ARGUMENT, `no Ed25519 public key in ${s}`);
}

function userNameFrom(comment: string | null): string {
  const base =
    (comment ?? 'owner')
      .split('@')[0]
      ?.toLowerCase()
      .replace(/[^a-z0-9_-]/g, '') ?? 'owner';
  return /^[a-z][a-z0-9_-]{2,31}$/.test(base) ? base : 'owner';
}

/** Create a management realm owned by `ownerKey`'s user (made if the key is new). */
export async function addRealm(
  domain: DomainStore,
  name: string,
  ownerKey: KeyInfo,
  ownerName?: string,
): Promise<RealmRecord> {
  const problem = realmNameProblem(name);
  if (problem !== undefined)
    throw WampError.of(CdcErrors.INVALID_NAME, `invalid realm name "${name}": ${problem}`);
  if ((await domain.getRealm(name)) !== undefined)
    throw WampError.of(CdcErrors.REALM_TAKEN, `realm "${name}" exists already`);
  const found = await domain.lookupKey(ownerKey.pubkey);
  if (found.kind === 'node')
    throw WampError.of(
      WampErrors.INVALID_ARGUMENT,
      'that key is a paired node key, not a user key',
    );
  let owner: string;
  if (found.kind === 'user') owner = found.key.user;
  else {
    let candidate = ownerName ?? userNameFrom(ownerKey.comment);
    for (let i = 2; (await domain.getUser(candidate)) !== undefined; i++)
      candidate = `${ownerName ?? userNameFrom(ownerKey.comment)}${i}`;
    await domain.createUser({ name: candidate, email: `${candidate}@localhost` });
    await domain.addUserKey(candidate, ownerKey.pubkey, ownerKey.comment);
    owner = candidate;
  }
  return domain.createRealm({ name, owner });
}

export async function pairNode(
  domain: DomainStore,
  realm: string,
  nodeId: string,
  key: KeyInfo,
  extra: Record<string, unknown> = {},
): Promise<PairingRecord> {
  if ((await domain.getRealm(realm)) === undefined)
    throw WampError.of(CdcErrors.NO_SUCH_REALM, `no management realm "${realm}"`);
  if (!ID_RE.test(nodeId))
    throw WampError.of(
      WampErrors.INVALID_ARGUMENT,
      `invalid node ID "${nodeId}": must match ^[a-z0-9][a-z0-9_-]{0,63}$`,
    );
  return domain.pairNode({ pubkey: key.pubkey, realm, node_id: nodeId, extra });
}

/**
 * Pair every `DIR/<node_id>/key.pub` not paired yet (fleets: `--keys-dir`, `--watch-to-pair`).
 * Returns what it paired; keys paired elsewhere are skipped.
 */
export async function pairKeysDir(
  domain: DomainStore,
  realm: string,
  dir: string,
): Promise<PairingRecord[]> {
  const out: PairingRecord[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const file = join(dir, entry.name, 'key.pub');
    const alt = join(dir, entry.name, '.crossbar', 'key.pub');
    const path = existsSync(file) ? file : existsSync(alt) ? alt : undefined;
    if (path === undefined || !ID_RE.test(entry.name)) continue;
    const key = readPublicKey(path);
    if ((await domain.lookupKey(key.pubkey)).kind !== 'unknown') continue;
    out.push(await pairNode(domain, realm, entry.name, key, {}));
  }
  return out;
}

export async function grant(
  domain: DomainStore,
  realm: string,
  key: KeyInfo,
  role: string,
  label?: string,
): Promise<AccessRecord> {
  if (!isUserRole(role))
    throw WampError.of(WampErrors.INVALID_ARGUMENT, `role must be one of ${USER_ROLES.join(', ')}`);
  if ((await domain.getRealm(realm)) === undefined)
    throw WampError.of(CdcErrors.NO_SUCH_REALM, `no management realm "${realm}"`);
  const found = await domain.lookupKey(key.pubkey);
  if (found.kind === 'node')
    throw WampError.of(WampErrors.INVALID_ARGUMENT, 'that key is a paired node key');
  const authid =
    found.kind === 'user'
      ? found.key.user
      : (label ?? key.comment ?? `client-${key.pubkey.slice(0, 12)}`).replace(
          /[^A-Za-z0-9_@.-]/g,
          '-',
        );
  return domain.grantAccess({
    realm,
    pubkey: key.pubkey,
    role,
    authid,
    label: label ?? key.comment,
  });
}
