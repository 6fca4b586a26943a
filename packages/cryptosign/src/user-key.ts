/**
 * How the SDK and CLI turn a user's key file into a `ChallengeSigner` [SPEC §2]: an
 * unencrypted OpenSSH private key is used directly; a passphrase-protected one, or a bare
 * public key line, is used through the running ssh-agent; a Crossbar.io key file works
 * too. When none of this works the error says which case it was and what to do.
 * @module
 */
import { SigningKey } from './ed25519.js';
import { KeyError } from './errors.js';
import { readKeyText } from './files.js';
import { parseKeyFile } from './keyfile.js';
import {
  inspectOpenSshPrivateKey,
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
} from './openssh.js';
import { AgentSigner, KeySigner } from './signer.js';
import { SshAgentClient, type AgentIdentity } from './ssh-agent.js';

export interface LoadUserSignerOptions {
  /** The ssh-agent socket; defaults to `SSH_AUTH_SOCK`. */
  readonly agentSocket?: string | undefined;
  /** Per-request agent timeout in milliseconds. */
  readonly agentTimeoutMs?: number;
}

/** What `loadUserSigner` returns: either kind, each with a `description` of its source. */
export type UserSigner = KeySigner | AgentSigner;

/** An OpenSSH public key line: a key type word, then base64. */
const PUBLIC_LINE_RE = /^(ssh-|ecdsa-|sk-)\S*\s+[A-Za-z0-9+/]+={0,2}(\s|$)/;

/**
 * Load a user key for cryptosign from `path`.
 * @throws KeyError: `ENCRYPTED_KEY` for a passphrase-protected key the agent cannot
 *   serve (not running, or not holding it); `NO_AGENT`/`NOT_IN_AGENT` for a public key
 *   file without a matching agent identity; `NOT_FOUND`, `IO_ERROR`, `BAD_FORMAT`,
 *   `UNSUPPORTED_KEY_TYPE`, `KEY_MISMATCH` for unusable files.
 */
export async function loadUserSigner(
  path: string,
  options: LoadUserSignerOptions = {},
): Promise<UserSigner> {
  const text = await readKeyText(path);
  const agent = new SshAgentClient({
    socketPath: options.agentSocket,
    ...(options.agentTimeoutMs === undefined ? {} : { timeoutMs: options.agentTimeoutMs }),
  });
  const trimmed = text.trimStart();

  // Any PEM goes this way; for one that is not OpenSSH's the parser names what it is.
  if (trimmed.startsWith('-----BEGIN ')) return openSshPrivate(path, text, agent);
  if (PUBLIC_LINE_RE.test(trimmed)) {
    const pub = parseOpenSshPublicKey(text, path);
    return agentOnly(path, pub.publicKeyHex, agent, 'OpenSSH public key');
  }
  if (/^\s*$/.test(text)) throw new KeyError('BAD_FORMAT', `key file ${path} is empty`, { path });
  if (/\n\s*\n/.test(text) || /^\s*\n/.test(text)) {
    const { tags } = parseKeyFile(text, { source: path });
    const seed = tags.get('private-key-ed25519');
    const pub = tags.get('public-key-ed25519')?.toLowerCase();
    if (seed !== undefined) {
      const key = SigningKey.fromSeed(seed);
      if (pub !== undefined && pub !== key.publicKeyHex)
        throw new KeyError(
          'KEY_MISMATCH',
          `key file ${path} is inconsistent: its public-key-ed25519 does not belong to its private-key-ed25519`,
          { path },
        );
      return new KeySigner(key, `Crossbar.io private key file ${path}`);
    }
    if (pub !== undefined) return agentOnly(path, pub, agent, 'Crossbar.io public key file');
    throw new KeyError(
      'BAD_FORMAT',
      `key file ${path} has neither private-key-ed25519 nor public-key-ed25519`,
      { path },
    );
  }
  throw new KeyError(
    'BAD_FORMAT',
    `${path} is not a key file CDC can use: expected an OpenSSH private key ` +
      `(ssh-keygen -t ed25519), an OpenSSH public key line "ssh-ed25519 AAAA…", or a ` +
      `Crossbar.io key file`,
    { path },
  );
}

async function openSshPrivate(
  path: string,
  text: string,
  agent: SshAgentClient,
): Promise<UserSigner> {
  const info = inspectOpenSshPrivateKey(text, path);
  if (!info.encrypted) {
    const { key, comment } = parseOpenSshPrivateKey(text, path);
    const label = comment.length > 0 ? ` (${comment})` : '';
    return new KeySigner(key, `unencrypted OpenSSH private key ${path}${label}`);
  }
  // The private section is encrypted but the public key is stored in the clear next to
  // it, so the agent identity can be found without the passphrase. A `.pub` beside the
  // key that names a different key means the files got mixed up: say so.
  await checkPubBeside(path, info.publicKeyHex);
  const protectedKey = `the private key ${path} is passphrase-protected (encrypted keys are never decrypted here)`;
  const addIt = `add it to the agent with \`ssh-add ${path}\``;
  let identity: AgentIdentity | undefined;
  try {
    identity = await agent.findIdentity(info.publicKeyHex);
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    const why =
      agent.socketPath === undefined
        ? 'and no ssh-agent is running (SSH_AUTH_SOCK is not set); start one with `eval "$(ssh-agent)"` and'
        : `and the ssh-agent at ${agent.socketPath} cannot be used (${e.message});`;
    throw new KeyError('ENCRYPTED_KEY', `${protectedKey}, ${why} ${addIt}`, { path, cause: e });
  }
  if (identity === undefined)
    throw new KeyError(
      'ENCRYPTED_KEY',
      `${protectedKey}, and the running ssh-agent (${agent.socketPath ?? ''}) does not hold it; ${addIt}`,
      { path },
    );
  return new AgentSigner(
    agent,
    identity.publicKey,
    `passphrase-protected OpenSSH private key ${path}, signing through ssh-agent (${identity.comment})`,
  );
}

async function checkPubBeside(path: string, publicKeyHex: string): Promise<void> {
  const pubPath = `${path}.pub`;
  let pubText: string;
  try {
    pubText = await readKeyText(pubPath, 'public key file');
  } catch {
    return; // no .pub next to it: the private file's public section is enough
  }
  const pub = parseOpenSshPublicKey(pubText, pubPath);
  if (pub.publicKeyHex !== publicKeyHex)
    throw new KeyError(
      'KEY_MISMATCH',
      `${pubPath} holds a different public key than the private key ${path}`,
      { path: pubPath },
    );
}

async function agentOnly(
  path: string,
  publicKeyHex: string,
  agent: SshAgentClient,
  what: string,
): Promise<UserSigner> {
  const isPublic = `${path} is ${/^[aeiouAEIOU]/.test(what) ? 'an' : 'a'} ${what} (no private key in it), so its private key must be held by ssh-agent`;
  const orPrivate = 'or pass the private key file instead';
  const identity = await agent.findIdentity(publicKeyHex).catch((e: unknown) => {
    if (!(e instanceof KeyError)) throw e;
    const why =
      agent.socketPath === undefined
        ? 'no ssh-agent is running (SSH_AUTH_SOCK is not set)'
        : `the ssh-agent at ${agent.socketPath} cannot be used (${e.message})`;
    throw new KeyError(
      e.code,
      `${isPublic}, but ${why}; start ssh-agent and \`ssh-add\` the private key, ${orPrivate}`,
      { path, cause: e },
    );
  });
  if (identity === undefined)
    throw new KeyError(
      'NOT_IN_AGENT',
      `${isPublic}, but the running ssh-agent (${agent.socketPath ?? ''}) does not hold it; ` +
        `add the private key with \`ssh-add <private key file>\`, ${orPrivate}`,
      { path },
    );
  return new AgentSigner(
    agent,
    identity.publicKey,
    `${what} ${path}, signing through ssh-agent (${identity.comment})`,
  );
}
