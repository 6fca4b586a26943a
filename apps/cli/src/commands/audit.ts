/**
 * `cdc audit`: the realm's audit log (SPEC §4.5 `get_audit_log`, §4.7), filtered by time,
 * caller, procedure and outcome, newest first.
 * @module
 */
import type { Command } from 'commander';
import { auditName } from '@cdc/api';
import type { AuditFilter } from '@cdc/api';
import { runCall } from '../center-api.js';
import type { CenterFlags } from '../center-api.js';
import { choiceArg, intArg, isoTimeArg } from '../input.js';
import { withCenter } from '../profile.js';
import { styleFor } from '../format/style.js';
import { auditView } from '../format/views.js';
import { connectionOptions } from './api.js';
import type { AuditEntry } from '@cdc/api';

/** Records shown to people without `--limit`. */
const SHOWN = 20;
/** The most the center returns in one answer: counting beyond it would need another call. */
const COUNTED = 10_000;

type Flags = CenterFlags & {
  since?: string;
  until?: string;
  authid?: string;
  procedure?: string;
  outcome?: string;
  limit?: string;
};

/** The `get_audit_log` filter (the store's `AuditFilter`): only the keys given. */
export function auditFilter(flags: Flags): AuditFilter {
  const f: AuditFilter = {};
  if (flags.since !== undefined) f.since = isoTimeArg(flags.since, '--since');
  if (flags.until !== undefined) f.until = isoTimeArg(flags.until, '--until');
  if (flags.authid !== undefined) f.authid = flags.authid;
  if (flags.procedure !== undefined) {
    // Records name procedures as `name@version`; any URI or short name of it works.
    f.procedure = auditName(flags.procedure) ?? flags.procedure;
  }
  if (flags.outcome !== undefined)
    f.outcome = choiceArg(flags.outcome, '--outcome', ['ok', 'error'] as const);
  if (flags.limit !== undefined) f.limit = intArg(flags.limit, '--limit', 1);
  return f;
}

export function registerAuditCommand(program: Command): void {
  connectionOptions(
    program
      .command('audit')
      .description("the realm's audit log: who changed what, when, and how it ended"),
  )
    .option('--since <time>', 'records from this time on (ISO 8601)')
    .option('--until <time>', 'records up to this time (ISO 8601)')
    .option('--authid <authid>', 'records of this caller')
    .option(
      '--procedure <uri>',
      'records of this procedure (any of its URIs, or its short name like revoke_access)',
    )
    .option('--outcome <outcome>', 'ok or error')
    .option(
      '--limit <n>',
      `at most this many records, newest first (default ${SHOWN}; with --json the center's 100)`,
    )
    .action(async (flags: Flags) => {
      const filter = auditFilter(flags);
      if (flags.json === true) {
        await runCall(flags, (cdc) => cdc.management.getAuditLog({ filter }));
        return;
      }
      // For people: the newest `limit` records, and how many more the filter matches.
      const shown = filter.limit ?? SHOWN;
      const all: AuditEntry[] = await withCenter(flags, (cdc) =>
        cdc.management.getAuditLog({ filter: { ...filter, limit: COUNTED } }),
      );
      process.stdout.write(
        auditView(all.slice(0, shown), Math.max(0, all.length - shown), styleFor()),
      );
    });
}
