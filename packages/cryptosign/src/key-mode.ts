/**
 * A private key file that group or others may read is refused, as ssh refuses one: whoever
 * else can read it can be the node. The message says how to fix it.
 * @module
 */
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { KeyError } from './errors.js';

function problem(path: string, mode: number, what: string): KeyError | undefined {
  if (process.platform === 'win32' || (mode & 0o077) === 0) return undefined;
  const who = [(mode & 0o070) !== 0 ? 'its group' : '', (mode & 0o007) !== 0 ? 'others' : '']
    .filter((w) => w !== '')
    .join(' and ');
  return new KeyError(
    'INSECURE_PERMISSIONS',
    `${what} ${path} may be read or written by ${who} (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); ` +
      `a private key must be accessible to its owner only: run "chmod 600 ${path}"`,
    { path },
  );
}

/**
 * @throws KeyError `INSECURE_PERMISSIONS` when group or others have any access to `path`
 * (a missing file is left to the reader to report).
 */
export async function checkPrivateKeyMode(path: string, what = 'private key file'): Promise<void> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch {
    return;
  }
  const e = problem(path, mode, what);
  if (e !== undefined) throw e;
}

/** {@link checkPrivateKeyMode}, synchronously (for a constructor that reads the file at once). */
export function checkPrivateKeyModeSync(path: string, what = 'private key file'): void {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    return;
  }
  const e = problem(path, mode, what);
  if (e !== undefined) throw e;
}
