/**
 * The node directory (Crossbar.io's CBDIR, default `./.crossbar`): the node key pair
 * (`key.priv` 0600, `key.pub` 0644, made on first start; a `key.priv` group or others may
 * read is refused, as ssh does, other modes fixed on later starts; a mismatching pair refused) and `config.json` (validated before anything starts).
 * @module
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, validateNodeConfig } from '@cdc/config';
import type { NodeConfig } from '@cdc/config';
import {
  KeyError,
  SigningKey,
  checkPrivateKeyMode,
  fixKeyPermissions,
  readNodeKeyPair,
  writeNodeKeyPair,
} from '@cdc/cryptosign';
import { errorMessage } from '@cdc/protocol';

export const DEFAULT_CBDIR = '.crossbar';
export const CONFIG_FILE = 'config.json';

export interface NodeDirectory {
  dir: string;
  key: SigningKey;
  configPath: string;
  /** The validated config; an empty node config when there is no `config.json`. */
  config: NodeConfig;
  hasConfig: boolean;
}

/** What opening the directory reports (the node logs these). */
export interface OpenReport {
  createdKey: boolean;
  fixedPermissions: string[];
}

/** Load and validate `config.json`; throws ConfigError naming paths, or for unreadable JSON. */
export async function loadNodeConfig(path: string): Promise<NodeConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError([{ path: '', message: `cannot read: ${errorMessage(e)}` }], path);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError([{ path: '', message: `not valid JSON: ${errorMessage(e)}` }], path);
  }
  return validateNodeConfig(value, path);
}

export async function openNodeDirectory(
  dirArg: string,
  opts: { createKey?: boolean } = {},
): Promise<{ node: NodeDirectory; report: OpenReport }> {
  const dir = resolve(dirArg);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const priv = join(dir, 'key.priv');
  const pub = join(dir, 'key.pub');
  const report: OpenReport = { createdKey: false, fixedPermissions: [] };
  if (!existsSync(priv)) {
    if (existsSync(pub)) {
      throw new KeyError(
        'NOT_FOUND',
        `${pub} exists but ${priv} does not: refusing to make a new identity next to an old public key`,
        { path: priv },
      );
    }
    if (opts.createKey === false)
      throw new KeyError('NOT_FOUND', `no node key in ${dir}`, { path: priv });
    await writeNodeKeyPair(dir, SigningKey.generate());
    report.createdKey = true;
  } else {
    // A key others could read is refused, not quietly fixed: it may have been copied.
    await checkPrivateKeyMode(priv, 'node private key file');
    for (const fix of await fixKeyPermissions(dir)) report.fixedPermissions.push(fix.path);
  }
  const pair = await readNodeKeyPair(priv, existsSync(pub) ? pub : undefined);
  const configPath = join(dir, CONFIG_FILE);
  const hasConfig = existsSync(configPath);
  const config = hasConfig
    ? await loadNodeConfig(configPath)
    : { version: 2 as const, controller: {}, workers: [] };
  return { node: { dir, key: pair.key, configPath, config, hasConfig }, report };
}
