/**
 * The one error type of this package. Key loading fails for many different reasons a
 * user can act on (wrong file, passphrase, agent not running), so every failure carries
 * a machine-readable `code` for programs and a sentence naming the file for people.
 * @module
 */

/** Why a key operation failed. */
export type KeyErrorCode =
  /** Key bytes or hex have the wrong length or alphabet. */
  | 'INVALID_KEY'
  /** A challenge, channel id or similar argument is malformed. */
  | 'INVALID_ARGUMENT'
  /** The text is not in the expected key format (or is corrupt). */
  | 'BAD_FORMAT'
  /** A well-formed key of a type other than Ed25519. */
  | 'UNSUPPORTED_KEY_TYPE'
  /** A passphrase-protected private key that cannot be used directly. */
  | 'ENCRYPTED_KEY'
  /** Two halves of a key pair (or a public key and its file) disagree. */
  | 'KEY_MISMATCH'
  /** The key file does not exist. */
  | 'NOT_FOUND'
  /** The key file exists but could not be read or written. */
  | 'IO_ERROR'
  /** A private key file others than its owner may read or write (ssh refuses those too). */
  | 'INSECURE_PERMISSIONS'
  /** Refusing to overwrite an existing key file. */
  | 'KEY_EXISTS'
  /** No ssh-agent: `SSH_AUTH_SOCK` unset or nothing listening on the socket. */
  | 'NO_AGENT'
  /** The ssh-agent runs but does not hold the requested key. */
  | 'NOT_IN_AGENT'
  /** The ssh-agent refused the request or answered nonsense. */
  | 'AGENT_FAILURE';

export interface KeyErrorOptions extends ErrorOptions {
  /** The file the error is about, when there is one. */
  readonly path?: string;
}

/** A key could not be parsed, loaded, stored or used; see `code`. */
export class KeyError extends Error {
  override name = 'KeyError';
  readonly code: KeyErrorCode;
  readonly path: string | undefined;

  constructor(code: KeyErrorCode, message: string, options?: KeyErrorOptions) {
    super(message, options);
    this.code = code;
    this.path = options?.path;
  }
}

/** `in <path>: ` when a source is known, so parser messages name the file they read. */
export function where(source: string | undefined): string {
  return source === undefined ? '' : ` in ${source}`;
}
