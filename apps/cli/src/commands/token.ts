/**
 * API tokens (SPEC §7), the owner's: `cdc token create --label L --role ROLE [--expires 30d]`
 * prints the secret once, `cdc token list`, `cdc token revoke ID` (its sessions close).
 * @module
 */
import type { Command } from 'commander';
import { USER_ROLES } from '@cdc/api';
import type { CreatedToken } from '@cdc/api';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { CliError } from '../errors.js';
import { choiceArg } from '../input.js';
import { printResult } from '../output.js';
import { connectionOptions } from './api.js';

const UNIT_S: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `30d`, `12h`, `90m`, `45s`, `2w`, or plain seconds; `never` is none. */
function durationArg(value: string, option: string): number | null {
  if (value === 'never') return null;
  const m = /^(\d{1,9})([smhdw]?)$/.exec(value.trim());
  const n = m === null ? NaN : Number(m[1]) * (UNIT_S[m[2] || 's'] ?? NaN);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CliError(
      `${option} takes a duration like 30d, 12h, 90m, 45s or "never", got "${value}"`,
    );
  return n;
}

export function registerTokenCommands(program: Command): void {
  const token = program
    .command('token')
    .description('API tokens: WAMP tickets and HTTP bearer tokens');
  connectionOptions(
    token.command('create').description('make an API token; its secret is printed once'),
  )
    .requiredOption('--label <label>', "the token's name (the authid of its sessions)")
    .requiredOption('--role <role>', `its role, at most yours: ${USER_ROLES.join(', ')}`)
    .option('--expires <duration>', 'expires after 30d, 12h, 90m, … (default: never)')
    .action((flags: CenterFlags & { label: string; role: string; expires?: string }) => {
      const role = choiceArg(flags.role, '--role', USER_ROLES);
      const expires = flags.expires === undefined ? null : durationArg(flags.expires, '--expires');
      return runCall(
        flags,
        (cdc) => cdc.management.createToken(flags.label, role, { expiresInS: expires }),
        (v) => {
          const t = v as CreatedToken;
          process.stdout.write(
            `token_id    ${t.token_id}\nexpires_at  ${t.expires_at ?? 'never'}\n\n${t.token}\n\n`,
          );
          process.stderr.write(
            'This is the only time the token is shown: keep it in a secret store.\n' +
              'Use it as "Authorization: Bearer <token>" or as a WAMP ticket.\n',
          );
        },
      );
    });
  connectionOptions(
    token.command('list').description("this realm's API tokens (no secrets)"),
  ).action((flags: CenterFlags) =>
    runCall(
      flags,
      (cdc) => cdc.management.listTokens(),
      (v) => printResult(v, false),
    ),
  );
  connectionOptions(
    token.command('revoke <token_id>').description('end an API token; its sessions close at once'),
  ).action((tokenId: string, flags: CenterFlags) =>
    runCall(flags, (cdc) => cdc.management.revokeToken(tokenId)),
  );
}
