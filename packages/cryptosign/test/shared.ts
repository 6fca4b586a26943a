/** Locates `../shared` (the contract, references and test vectors) beside the repository. */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  const fromEnv = process.env['CDC_REPO_ROOT'];
  if (fromEnv !== undefined) return fromEnv;
  // <root>/packages/<pkg>/dist/test/<file>.js
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
}

export function sharedDir(): string {
  const dir = process.env['CDC_SHARED_DIR'] ?? resolve(repoRoot(), '..', 'shared');
  if (!existsSync(dir))
    throw new Error(`shared directory not found at ${dir} (set CDC_SHARED_DIR)`);
  return dir;
}
