/**
 * `cdc auth scram-credentials`: a principal's stored WAMP-SCRAM credentials from a
 * password, printed as the JSON a transport's `auth.scram.principals` entry takes (the
 * same fields Crossbar.io and autobahn's `derive_scram_credential` use). The password is
 * read from standard input (or an environment variable), never from the command line,
 * where other users could see it.
 * @module
 */
import type { Command } from 'commander';
import { deriveScramCredential } from '@cdc/client';
import { CliError } from '../errors.js';

interface Flags {
  kdf: string;
  salt?: string;
  iterations?: string;
  memory?: string;
  authid?: string;
  role?: string;
  passwordEnv?: string;
}

async function readPassword(flags: Flags): Promise<string> {
  if (flags.passwordEnv !== undefined) {
    const v = process.env[flags.passwordEnv];
    if (v === undefined || v === '')
      throw new CliError(`environment variable ${flags.passwordEnv} is not set`);
    return v;
  }
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new CliError('no password on standard input');
  return line;
}

function positive(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer`);
  return n;
}

export function registerAuthCommands(program: Command): void {
  const auth = program.command('auth').description('authentication helpers');
  auth
    .command('scram-credentials')
    .description(
      'make WAMP-SCRAM stored credentials from a password (read from stdin), as config JSON',
    )
    .option(
      '--kdf <kdf>',
      'argon2id13 (Argon2id, t=4096 m=512 KiB by default) or pbkdf2',
      'argon2id13',
    )
    .option('--salt <hex>', 'the salt (default: 16 random bytes)')
    .option('--iterations <n>', 'KDF iterations (argon2id: 4096, pbkdf2: 100000)')
    .option('--memory <kib>', 'Argon2 memory in KiB (512)')
    .option('--authid <id>', 'print {"<id>": {...}}, ready for auth.scram.principals')
    .option('--role <role>', 'the role to give the principal')
    .option('--password-env <var>', 'read the password from this environment variable')
    .action(async (flags: Flags) => {
      if (flags.kdf !== 'argon2id13' && flags.kdf !== 'argon2id-13' && flags.kdf !== 'pbkdf2') {
        throw new CliError(`--kdf must be argon2id13 or pbkdf2, not "${flags.kdf}"`);
      }
      if (flags.salt !== undefined && !/^([0-9a-fA-F]{2}){8,64}$/.test(flags.salt)) {
        throw new CliError('--salt must be 8 to 64 bytes of hex');
      }
      if (flags.memory !== undefined && flags.kdf === 'pbkdf2') {
        throw new CliError('--memory applies to argon2id13 only');
      }
      const iterations = positive(flags.iterations, '--iterations');
      const memory = positive(flags.memory, '--memory');
      const credential = await deriveScramCredential(await readPassword(flags), {
        kdf: flags.kdf,
        ...(flags.salt !== undefined ? { salt: Buffer.from(flags.salt, 'hex') } : {}),
        ...(iterations !== undefined ? { iterations } : {}),
        ...(memory !== undefined ? { memory } : {}),
      });
      const principal = {
        ...credential,
        ...(flags.role !== undefined ? { role: flags.role } : {}),
      };
      const out = flags.authid !== undefined ? { [flags.authid]: principal } : principal;
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    });
}
