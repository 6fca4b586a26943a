/**
 * A node's identity on disk: Crossbar.io's `key.priv` (0600) and `key.pub` (0644) in the
 * node directory [crossbar `common/key.py _maybe_generate_node_key`]. A node reads files
 * Crossbar.io wrote, and Crossbar.io must be able to read ours.
 * @module
 */
import { readFileSync } from 'node:fs';
import { chmod, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { SigningKey } from './ed25519.js';
import { KeyError } from './errors.js';
import { readKeyText, writeKeyText } from './files.js';
import { formatKeyFile, parseKeyFile, type KeyFileTag } from './keyfile.js';

export const NODE_PRIVATE_KEY_FILE = 'key.priv';
export const NODE_PUBLIC_KEY_FILE = 'key.pub';
export const NODE_PRIVATE_KEY_HEADER = 'Crossbar.io node private key - KEEP THIS SAFE!';
export const NODE_PUBLIC_KEY_HEADER = 'Crossbar.io node public key';
export const NODE_PRIVATE_KEY_MODE = 0o600;
export const NODE_PUBLIC_KEY_MODE = 0o644;

/** Descriptive tags a caller may set when writing node keys. */
export type NodeKeyInfoTag =
  'creator' | 'created-at' | 'machine-id' | 'node-authid' | 'node-cluster-ip';

export interface WriteNodeKeyOptions {
  /** Replace existing key files (default: fail with `KEY_EXISTS`, a node's identity is precious). */
  readonly overwrite?: boolean;
  /**
   * How to write the Ethereum tags, which CDC does not compute. `omit` (default) leaves
   * them out. `unknown` writes `public-adr-eth: unknown` and `private-key-eth: unknown`,
   * which Crossbar.io itself cannot load: it hex-decodes any non-empty `private-key-eth`,
   * and requires `key.pub`'s `public-adr-eth` to be absent when there is no Ethereum key.
   */
  readonly ethereumTags?: 'omit' | 'unknown';
}

export interface NodeKeyFiles {
  readonly privatePath: string;
  readonly publicPath: string;
}

export interface NodeKeyPair {
  readonly key: SigningKey;
  readonly privatePath: string;
  readonly privateTags: ReadonlyMap<KeyFileTag, string>;
  /** The public key file that was checked, or `undefined` if there was none. */
  readonly publicPath: string | undefined;
  readonly publicTags: ReadonlyMap<KeyFileTag, string> | undefined;
}

/** One permission change made by `fixKeyPermissions`. */
export interface PermissionFix {
  readonly path: string;
  readonly from: number;
  readonly to: number;
}

/** `user@host`, as Crossbar.io's `_creator()`. */
function defaultCreator(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}

/** Informational machine id, as Crossbar.io's `_machine_id()` (Linux), else the host name. */
function defaultMachineId(): string {
  for (const path of ['/var/lib/dbus/machine-id', '/etc/machine-id']) {
    try {
      const id = readFileSync(path, 'utf8').trim();
      if (id.length > 0) return id;
    } catch {
      // not Linux, or no D-Bus/systemd: try the next source
    }
  }
  return hostname();
}

/**
 * Write a node key pair as Crossbar.io does: `key.priv` (mode 0600) then `key.pub`
 * (mode 0644) in `dir`, tags in Crossbar.io's order. Missing info tags get Crossbar.io's
 * defaults (`user@host`, now, the machine id, the host name, `127.0.0.1`).
 * @throws KeyError `KEY_EXISTS` (unless `overwrite`), `IO_ERROR`.
 */
export async function writeNodeKeyPair(
  dir: string,
  key: SigningKey,
  tags: Partial<Record<NodeKeyInfoTag, string>> = {},
  options: WriteNodeKeyOptions = {},
): Promise<NodeKeyFiles> {
  const eth = options.ethereumTags === 'unknown';
  const info: [KeyFileTag, string][] = [
    ['creator', tags.creator ?? defaultCreator()],
    ['created-at', tags['created-at'] ?? new Date().toISOString()],
    ['machine-id', tags['machine-id'] ?? defaultMachineId()],
    ['node-authid', tags['node-authid'] ?? hostname()],
    ['node-cluster-ip', tags['node-cluster-ip'] ?? '127.0.0.1'],
    ['public-key-ed25519', key.publicKeyHex],
  ];
  if (eth) info.push(['public-adr-eth', 'unknown']);
  const priv: [KeyFileTag, string][] = [
    ...info,
    ['private-key-ed25519', Buffer.from(key.seed).toString('hex')],
  ];
  if (eth) priv.push(['private-key-eth', 'unknown']);
  const privatePath = join(dir, NODE_PRIVATE_KEY_FILE);
  const publicPath = join(dir, NODE_PUBLIC_KEY_FILE);
  const overwrite = options.overwrite ?? false;
  if (!overwrite) {
    // Check both first so a refused write leaves no half pair behind.
    for (const path of [privatePath, publicPath]) {
      const exists = await stat(path).then(
        () => true,
        () => false,
      );
      if (exists)
        throw new KeyError('KEY_EXISTS', `refusing to overwrite the existing key file ${path}`, {
          path,
        });
    }
  }
  // The private file first: with it, the public one can always be recreated.
  await writeKeyText(
    privatePath,
    formatKeyFile(NODE_PRIVATE_KEY_HEADER, priv),
    NODE_PRIVATE_KEY_MODE,
    overwrite,
  );
  await writeKeyText(
    publicPath,
    formatKeyFile(NODE_PUBLIC_KEY_HEADER, info),
    NODE_PUBLIC_KEY_MODE,
    overwrite,
  );
  return { privatePath, publicPath };
}

/** `<dir>/key.pub` for `<dir>/key.priv`, `x.pub` for `x.priv`, else `<dir>/key.pub`. */
function siblingPublicPath(privPath: string): string {
  const name = basename(privPath);
  return name.endsWith('.priv')
    ? join(dirname(privPath), `${name.slice(0, -'.priv'.length)}.pub`)
    : join(dirname(privPath), NODE_PUBLIC_KEY_FILE);
}

/**
 * Read a node's private key file and check it: the seed must derive the file's
 * `public-key-ed25519`, and the public key file — `pubPath`, or by default the sibling
 * `.pub` if it exists — must carry the same public key and no private tags.
 * @throws KeyError `NOT_FOUND`, `IO_ERROR`, `BAD_FORMAT`, `KEY_MISMATCH`.
 */
export async function readNodeKeyPair(privPath: string, pubPath?: string): Promise<NodeKeyPair> {
  const privText = await readKeyText(privPath, 'node private key file');
  const privateTags = parseKeyFile(privText, { source: privPath }).tags;
  const seedHex = privateTags.get('private-key-ed25519');
  if (seedHex === undefined)
    throw new KeyError(
      'BAD_FORMAT',
      `node private key file ${privPath} has no "private-key-ed25519" tag`,
      {
        path: privPath,
      },
    );
  const key = SigningKey.fromSeed(seedHex);
  const listed = privateTags.get('public-key-ed25519');
  if (listed !== undefined && listed.toLowerCase() !== key.publicKeyHex)
    throw new KeyError(
      'KEY_MISMATCH',
      `node private key file ${privPath} is inconsistent: its public-key-ed25519 does not ` +
        `belong to its private-key-ed25519`,
      { path: privPath },
    );

  let publicPath: string | undefined = pubPath ?? siblingPublicPath(privPath);
  let publicTags: ReadonlyMap<KeyFileTag, string> | undefined;
  try {
    const pubText = await readKeyText(publicPath, 'node public key file');
    publicTags = parseKeyFile(pubText, { source: publicPath, private: false }).tags;
  } catch (e) {
    // Crossbar.io recreates a missing key.pub, so only an explicitly named one must exist.
    if (pubPath !== undefined || !(e instanceof KeyError) || e.code !== 'NOT_FOUND') throw e;
    publicPath = undefined;
  }
  if (publicTags !== undefined && publicPath !== undefined) {
    const pub = publicTags.get('public-key-ed25519');
    if (pub === undefined)
      throw new KeyError(
        'BAD_FORMAT',
        `node public key file ${publicPath} has no "public-key-ed25519" tag`,
        {
          path: publicPath,
        },
      );
    if (pub.toLowerCase() !== key.publicKeyHex)
      throw new KeyError(
        'KEY_MISMATCH',
        `node public key file ${publicPath} does not match the private key in ${privPath} ` +
          `(public key ${pub.toLowerCase()}, private key belongs to ${key.publicKeyHex})`,
        { path: publicPath },
      );
  }
  return { key, privatePath: privPath, privateTags, publicPath, publicTags };
}

/**
 * Read just a node's public key file (`key.pub`), e.g. to pair a node by its file.
 * @throws KeyError `NOT_FOUND`, `IO_ERROR`, `BAD_FORMAT`.
 */
export async function readNodePublicKey(
  pubPath: string,
): Promise<{ publicKeyHex: string; tags: ReadonlyMap<KeyFileTag, string> }> {
  const text = await readKeyText(pubPath, 'node public key file');
  const { tags } = parseKeyFile(text, { source: pubPath, private: false });
  const pub = tags.get('public-key-ed25519');
  if (pub === undefined)
    throw new KeyError(
      'BAD_FORMAT',
      `node public key file ${pubPath} has no "public-key-ed25519" tag`,
      {
        path: pubPath,
      },
    );
  return { publicKeyHex: pub.toLowerCase(), tags };
}

/**
 * Give `key.priv` mode 0600 and `key.pub` mode 0644 in `dir`, as Crossbar.io does at
 * every start; returns what was changed (nothing if all was right or files are missing).
 * @throws KeyError `IO_ERROR` if a mode cannot be changed.
 */
export async function fixKeyPermissions(dir: string): Promise<PermissionFix[]> {
  const fixes: PermissionFix[] = [];
  const wanted: [string, number][] = [
    [join(dir, NODE_PRIVATE_KEY_FILE), NODE_PRIVATE_KEY_MODE],
    [join(dir, NODE_PUBLIC_KEY_FILE), NODE_PUBLIC_KEY_MODE],
  ];
  for (const [path, to] of wanted) {
    let from: number;
    try {
      from = (await stat(path)).mode & 0o777;
    } catch {
      continue;
    }
    if (from === to) continue;
    try {
      await chmod(path, to);
    } catch (e) {
      throw new KeyError('IO_ERROR', `cannot set mode ${to.toString(8)} on ${path}: ${String(e)}`, {
        path,
        cause: e,
      });
    }
    fixes.push({ path, from, to });
  }
  return fixes;
}
