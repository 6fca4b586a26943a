/**
 * Crossbar.io key files (`key.priv`/`key.pub`, also autobahn's user keys): header lines,
 * a blank line, then `tag: value` lines [crossbar `common/key.py`, autobahn
 * `util.py parse_keyfile`]. Parsing follows Crossbar.io's rules — tags are
 * case-insensitive and trimmed, unknown and duplicate tags are errors — so that a file
 * we accept is one Crossbar.io accepts, and the reverse.
 * @module
 */
import { parseHex } from './bytes.js';
import { KeyError, where } from './errors.js';

/** Tags allowed in public and private key files, in Crossbar.io's writing order. */
export const PUBLIC_KEY_FILE_TAGS = [
  'creator',
  'created-at',
  'machine-id',
  'node-authid',
  'node-cluster-ip',
  'user-id',
  'public-key-ed25519',
  'public-adr-eth',
] as const;

/** Tags allowed only in private key files. */
export const PRIVATE_KEY_FILE_TAGS = ['private-key-ed25519', 'private-key-eth'] as const;

export type PublicKeyFileTag = (typeof PUBLIC_KEY_FILE_TAGS)[number];
export type PrivateKeyFileTag = (typeof PRIVATE_KEY_FILE_TAGS)[number];
export type KeyFileTag = PublicKeyFileTag | PrivateKeyFileTag;

/** Crossbar.io writes a missing value (`None`) as this word. */
export const UNKNOWN_VALUE = 'unknown';

/** Tags whose value must be 32 bytes of hex. */
const ED25519_TAGS: ReadonlySet<string> = new Set(['public-key-ed25519', 'private-key-ed25519']);

export interface KeyFile {
  /** The header: every line before the first blank line, joined with `\n`. */
  readonly header: string;
  /** The tags in file order. */
  readonly tags: ReadonlyMap<KeyFileTag, string>;
}

export interface ParseKeyFileOptions {
  /** The file name, for error messages. */
  readonly source?: string | undefined;
  /** Allow `private-*` tags (default `true`); `false` for a `.pub` file. */
  readonly private?: boolean;
}

export function isKeyFileTag(tag: string): tag is KeyFileTag {
  return (
    (PUBLIC_KEY_FILE_TAGS as readonly string[]).includes(tag) ||
    (PRIVATE_KEY_FILE_TAGS as readonly string[]).includes(tag)
  );
}

function isPrivateTag(tag: KeyFileTag): tag is PrivateKeyFileTag {
  return (PRIVATE_KEY_FILE_TAGS as readonly string[]).includes(tag);
}

/**
 * Parse a Crossbar.io key file.
 * @throws KeyError `BAD_FORMAT` naming the file and line for a missing blank line, a
 *   line without `:`, an unknown, duplicate or (in a public file) private tag, or an
 *   ed25519 value that is not 64 hex characters.
 */
export function parseKeyFile(text: string, options: ParseKeyFileOptions = {}): KeyFile {
  const { source } = options;
  const allowPrivate = options.private ?? true;
  const lines = text.split(/\r?\n/);
  const bad = (lineNo: number, detail: string): KeyError =>
    new KeyError(
      'BAD_FORMAT',
      `invalid key file${where(source)}, line ${lineNo}: ${detail}`,
      source === undefined ? {} : { path: source },
    );
  const blank = lines.findIndex((l) => l.trim() === '');
  const headerLines = lines.slice(0, blank < 0 ? lines.length : blank);
  // Crossbar.io treats everything before the first blank line as comment, so a file that
  // lost its blank line silently has no tags; say what is wrong instead.
  const tagInHeader = headerLines.findIndex((l) =>
    isKeyFileTag(l.split(':')[0]?.trim().toLowerCase() ?? ''),
  );
  if (tagInHeader >= 0)
    throw bad(tagInHeader + 1, 'a "tag: value" line before the blank line that ends the header');
  if (blank < 0)
    throw new KeyError(
      'BAD_FORMAT',
      `invalid key file${where(source)}: expected a header line, a blank line, then "tag: value" lines`,
      source === undefined ? {} : { path: source },
    );
  const tags = new Map<KeyFileTag, string>();
  lines.forEach((raw, index) => {
    if (index <= blank || raw.trim() === '') return;
    const lineNo = index + 1;
    const colon = raw.indexOf(':');
    // The line is not quoted back: in a private key file it may be the secret itself.
    if (colon < 0) throw bad(lineNo, 'expected "tag: value"');
    const tag = raw.slice(0, colon).trim().toLowerCase();
    const value = raw.slice(colon + 1).trim();
    if (!isKeyFileTag(tag)) throw bad(lineNo, `unknown tag "${tag}"`);
    if (isPrivateTag(tag) && !allowPrivate)
      throw bad(lineNo, `private tag "${tag}" is not allowed in a public key file`);
    if (tags.has(tag)) throw bad(lineNo, `duplicate tag "${tag}"`);
    if (ED25519_TAGS.has(tag) && parseHex(value, 32) === undefined)
      throw bad(lineNo, `"${tag}" must be 64 hex characters`);
    tags.set(tag, value);
  });
  return { header: headerLines.join('\n'), tags };
}

/** Tag values to write; `undefined`/`null` are written as `unknown`, like Crossbar.io. */
export type KeyFileTagValues =
  | Iterable<readonly [KeyFileTag, string | null | undefined]>
  | Partial<Record<KeyFileTag, string | null>>;

/**
 * Format a key file: the header, a blank line, and one `tag: value` line per tag in the
 * given order (for a plain object: its key order).
 * @throws KeyError `INVALID_ARGUMENT` for a header with blank lines or a value with a
 *   line break (either would change how the file parses back) or an unknown tag.
 */
export function formatKeyFile(header: string, tags: KeyFileTagValues): string {
  const headerLines = header.split(/\r?\n/);
  if (headerLines.some((l) => l.trim() === ''))
    throw new KeyError(
      'INVALID_ARGUMENT',
      'a key file header must be non-empty lines (no blank line)',
    );
  const entries: (readonly [string, string | null | undefined])[] =
    Symbol.iterator in tags
      ? [...(tags as Iterable<readonly [KeyFileTag, string | null | undefined]>)]
      : Object.entries(tags);
  let out = `${headerLines.join('\n')}\n\n`;
  for (const [tag, value] of entries) {
    if (!isKeyFileTag(tag)) throw new KeyError('INVALID_ARGUMENT', `unknown key file tag "${tag}"`);
    const text = value ?? UNKNOWN_VALUE;
    if (/[\r\n]/.test(text))
      throw new KeyError('INVALID_ARGUMENT', `the value of "${tag}" must be a single line`);
    out += `${tag}: ${text.trim()}\n`;
  }
  return out;
}
