#!/usr/bin/env node
// Ed25519 verification, the cost a router pays once per cryptosign handshake: OpenSSL
// through node:crypto against libsodium through sodium-native (issue 16). Figures only.
//
//   node bench/ed25519.mjs [--n=5000] [--rounds=5]
//
// CPU time (process.cpuUsage, user + system) per verification, median of the rounds, each
// round verifying the same valid signature --n times with each backend in turn; and the
// same through verifyChallengeSignature (hex parsing and the challenge check included).
import {
  SigningKey,
  randomChallenge,
  signChallenge,
  verifyChallengeSignature,
} from '@cdc/cryptosign';
import { ed25519Backend, verifyEd25519 } from '@cdc/cryptosign';
import { parseFlags } from './lib/cli.mjs';

const flags = parseFlags();
const N = Number(flags.n ?? 5000);
const ROUNDS = Number(flags.rounds ?? 5);

const key = SigningKey.generate();
const challenge = randomChallenge();
const signed = signChallenge(key, challenge);
const bytes = Buffer.from(signed, 'hex');
const message = bytes.subarray(64);
const signature = bytes.subarray(0, 64);

function cpuUsPerOp(f) {
  const t = process.cpuUsage();
  for (let i = 0; i < N; i++) if (!f()) throw new Error('a valid signature did not verify');
  const u = process.cpuUsage(t);
  return (u.user + u.system) / N;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rows = {
  'OpenSSL (node:crypto)': () => verifyEd25519(key.publicKeyHex, message, signature, 'openssl'),
  'libsodium (sodium-native)': () =>
    verifyEd25519(key.publicKeyHex, message, signature, 'libsodium'),
  'verifyChallengeSignature (default backend)': () =>
    verifyChallengeSignature(key.publicKeyHex, challenge, signed),
};
const results = Object.fromEntries(Object.keys(rows).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++)
  for (const [k, f] of Object.entries(rows)) results[k].push(cpuUsPerOp(f));

console.log(
  `Ed25519 verify, CPU µs per verification (median of ${ROUNDS} × ${N}); default backend: ${ed25519Backend}`,
);
for (const [k, xs] of Object.entries(results))
  console.log(`  ${k.padEnd(44)} ${median(xs).toFixed(1)} µs`);
if (ed25519Backend !== 'libsodium')
  console.log('  (sodium-native did not load here: the libsodium row fell back to OpenSSL)');
