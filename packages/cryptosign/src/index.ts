/**
 * @cdc/cryptosign — identity and authentication crypto for CDC: Ed25519 keys on Node's
 * `crypto` (verification by libsodium on request), WAMP-cryptosign signing and verification, OpenSSH key files and ssh-agent,
 * Crossbar.io node key files, WAMP-CRA, and the TLS channel binding id.
 * @module
 */
export { KeyError } from './errors.js';
export type { KeyErrorCode, KeyErrorOptions } from './errors.js';
export { ed25519Backend } from './sodium.js';
export type { Ed25519Backend } from './sodium.js';
export {
  SigningKey,
  verifyEd25519,
  clearPublicKeyCache,
  publicKeyCacheSize,
  PUBLIC_KEY_CACHE_SIZE,
  SEED_LENGTH,
  PUBLIC_KEY_LENGTH,
  SIGNATURE_LENGTH,
} from './ed25519.js';
export {
  cryptosignMessage,
  signChallenge,
  signedChallengeHex,
  verifyChallengeSignature,
  randomChallenge,
  CHALLENGE_LENGTH,
  SIGNED_CHALLENGE_HEX_LENGTH,
} from './cryptosign.js';
export { KeySigner, AgentSigner } from './signer.js';
export type { ChallengeSigner } from './signer.js';
export {
  parseOpenSshPrivateKey,
  parseOpenSshPublicKey,
  inspectOpenSshPrivateKey,
  isOpenSshPrivateKey,
  formatOpenSshPublicKey,
} from './openssh.js';
export type { OpenSshKeyInfo, OpenSshPrivateKey, OpenSshPublicKey } from './openssh.js';
export { SshAgentClient } from './ssh-agent.js';
export type { AgentIdentity, SshAgentClientOptions } from './ssh-agent.js';
export { loadUserSigner } from './user-key.js';
export type { LoadUserSignerOptions, UserSigner } from './user-key.js';
export {
  parseKeyFile,
  formatKeyFile,
  isKeyFileTag,
  PUBLIC_KEY_FILE_TAGS,
  PRIVATE_KEY_FILE_TAGS,
  UNKNOWN_VALUE,
} from './keyfile.js';
export type {
  KeyFile,
  KeyFileTag,
  KeyFileTagValues,
  ParseKeyFileOptions,
  PrivateKeyFileTag,
  PublicKeyFileTag,
} from './keyfile.js';
export {
  readNodeKeyPair,
  readNodePublicKey,
  writeNodeKeyPair,
  fixKeyPermissions,
  NODE_PRIVATE_KEY_FILE,
  NODE_PUBLIC_KEY_FILE,
  NODE_PRIVATE_KEY_HEADER,
  NODE_PUBLIC_KEY_HEADER,
  NODE_PRIVATE_KEY_MODE,
  NODE_PUBLIC_KEY_MODE,
} from './node-keys.js';
export type {
  NodeKeyFiles,
  NodeKeyInfoTag,
  NodeKeyPair,
  PermissionFix,
  WriteNodeKeyOptions,
} from './node-keys.js';
export {
  deriveCraKey,
  computeCraSignature,
  verifyCraSignature,
  craChallenge,
  answerCraChallenge,
  CRA_DEFAULT_ITERATIONS,
  CRA_DEFAULT_KEYLEN,
} from './wampcra.js';
export type { CraChallengeExtra, CraChallengeFields } from './wampcra.js';
export { tlsUniqueChannelId, tlsChannelId, CHANNEL_ID_LENGTH } from './channel-binding.js';
export type { TlsFinishedSource, TlsUniqueConvention } from './channel-binding.js';
export { normalizeFingerprint, certificateFingerprint } from './certificates.js';
export { checkPrivateKeyMode, checkPrivateKeyModeSync } from './key-mode.js';
