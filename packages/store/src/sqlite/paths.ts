/**
 * Where a realm's SQLite file lives: `<dir>/realms/<encoded name>.sqlite`. The encoding is
 * percent-encoding of every character but `a-z 0-9 _ . -`, upper-case letters included,
 * so two realm names never map to one file even on a case-insensitive file system
 * (`Realm` → `%52ealm`), and the name can be read back from the file name.
 *
 * Realm names run to 255 characters, an encoded one to three times that, and SQLite opens
 * no path longer than 512 bytes. So an encoding longer than `READABLE_MAX` is cut there and
 * completed with a hash of the full name: `<cut>~<32 hex>.sqlite` (`~` never occurs in the
 * encoding, so the two forms cannot meet). Those few file names are not reversible; the
 * mapping depends on the name alone, never on the directory, so moving the data directory
 * never changes which file a realm uses.
 * @module
 */
import { createHash } from 'node:crypto';

const SAFE = /^[a-z0-9_.-]$/;
const SUFFIX = '.sqlite';
/** The longest encoding used as is: leaves the data directory ~300 bytes of SQLite's 512. */
export const READABLE_MAX = 200;
const CUT = 100;

export function encodeRealmName(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += SAFE.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The realm's file name, in `<dir>/realms`. */
export function realmFile(name: string): string {
  const encoded = encodeRealmName(name);
  if (encoded.length <= READABLE_MAX) return encoded + SUFFIX;
  // Cut before a partial `%XX`, so the readable part stays decodable by eye.
  let cut = encoded.slice(0, CUT);
  const pct = cut.lastIndexOf('%');
  if (pct > CUT - 3) cut = cut.slice(0, pct);
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 32);
  return `${cut}~${hash}${SUFFIX}`;
}

/**
 * The realm a file in `<dir>/realms` belongs to; undefined for other files and for the
 * hashed names of very long realm names.
 */
export function realmOfFile(file: string): string | undefined {
  if (!file.endsWith(SUFFIX) || file.includes('~') || file.includes('/')) return undefined;
  const encoded = file.slice(0, -SUFFIX.length);
  if (!/^([a-z0-9_.-]|%[0-9A-F]{2})+$/.test(encoded)) return undefined;
  return decodeURIComponent(encoded);
}
