/**
 * Reading and writing key files with errors a user can act on: every failure is a
 * `KeyError` naming the file, and writes go through a temporary file and `rename` so a
 * crash never leaves a half-written key behind.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, open, rename, unlink, writeFile } from 'node:fs/promises';
import { KeyError } from './errors.js';

/** Key files are small; anything larger is not a key and is not read into memory. */
const MAX_KEY_FILE_BYTES = 64 * 1024;

function errno(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined;
}

/**
 * Read a key file as UTF-8.
 * @param what what the file should be, e.g. "key file", for messages.
 * @throws KeyError `NOT_FOUND` or `IO_ERROR`.
 */
export async function readKeyText(path: string, what = 'key file'): Promise<string> {
  let data: Buffer;
  try {
    data = await readBounded(path, MAX_KEY_FILE_BYTES + 1);
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT')
      throw new KeyError('NOT_FOUND', `${what} ${path} does not exist`, { path, cause: e });
    if (code === 'EISDIR')
      throw new KeyError('IO_ERROR', `${what} ${path} is a directory, not a file`, {
        path,
        cause: e,
      });
    if (code === 'EACCES')
      throw new KeyError('IO_ERROR', `${what} ${path} is not readable (permission denied)`, {
        path,
        cause: e,
      });
    throw new KeyError('IO_ERROR', `cannot read ${what} ${path}: ${String(e)}`, { path, cause: e });
  }
  if (data.length > MAX_KEY_FILE_BYTES)
    throw new KeyError(
      'BAD_FORMAT',
      `${what} ${path} is larger than ${MAX_KEY_FILE_BYTES} bytes, too large for a key file`,
      { path },
    );
  return data.toString('utf8');
}

/** Read at most `limit` bytes: a device or FIFO given by mistake must not hang or exhaust memory. */
async function readBounded(path: string, limit: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(limit);
    let filled = 0;
    while (filled < limit) {
      const { bytesRead } = await handle.read(buf, filled, limit - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * Write `text` to `path` with exactly `mode` (regardless of umask), atomically.
 * @param overwrite replace an existing file; otherwise `KEY_EXISTS` if it exists.
 */
export async function writeKeyText(
  path: string,
  text: string,
  mode: number,
  overwrite: boolean,
): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // `wx` + mode: the secret is never readable by others, not even for a moment.
    await writeFile(tmp, text, { mode, flag: 'wx' });
    await chmod(tmp, mode);
    if (overwrite) {
      await rename(tmp, path);
    } else {
      // link() fails if `path` exists, unlike rename(): no check-then-write race.
      await link(tmp, path);
      await unlink(tmp);
    }
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    if (errno(e) === 'EEXIST')
      throw new KeyError('KEY_EXISTS', `refusing to overwrite the existing key file ${path}`, {
        path,
        cause: e,
      });
    throw new KeyError('IO_ERROR', `cannot write key file ${path}: ${String(e)}`, {
      path,
      cause: e,
    });
  }
}
