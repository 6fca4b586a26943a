/**
 * The realm's audit log (SPEC §4.7): appended by the backend for every changing call, read
 * newest first with optional filters. `since` and `until` are inclusive.
 * @module
 */
import type { Engine } from '../engine.js';
import type { RealmDatabase } from '../schema.js';
import type { AuditFilter, AuditRecord } from '../types.js';
import * as v from '../validate.js';
import { auditRecord } from './rows.js';

type E = Engine<RealmDatabase>;

export const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 10_000;
/** Error messages can be long (a config validation report); they are kept whole up to this. */
const MAX_MESSAGE = 65_536;

const OUTCOMES = ['ok', 'error'] as const;

export async function appendAudit(e: E, entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
  const i = v.input(entry, 'audit entry');
  const row = {
    time: v.isoTime(i['time'], 'time'),
    authid: v.text(i['authid'], 'authid', false),
    role: v.text(i['role'], 'role', false),
    procedure: v.text(i['procedure'], 'procedure'),
    args: v.json(i['args'] ?? [], 'args', 'array'),
    kwargs: v.json(i['kwargs'] ?? {}, 'kwargs', 'object'),
    outcome: v.oneOf(i['outcome'], OUTCOMES, 'outcome'),
    error: v.optionalText(i['error'], 'error'),
    message: v.optionalText(i['message'], 'message', MAX_MESSAGE),
  };
  const inserted = await e.write(`append to the audit log`, (db) =>
    db.insertInto('audit').values(row).returningAll().executeTakeFirstOrThrow(),
  );
  return auditRecord(inserted);
}

export async function listAudit(e: E, filter: AuditFilter = {}): Promise<AuditRecord[]> {
  const f = v.input(filter, 'filter');
  const since = f['since'] === undefined ? undefined : v.isoTime(f['since'], 'since');
  const until = f['until'] === undefined ? undefined : v.isoTime(f['until'], 'until');
  const authid = f['authid'] === undefined ? undefined : v.text(f['authid'], 'authid', false);
  const procedure =
    f['procedure'] === undefined ? undefined : v.text(f['procedure'], 'procedure', false);
  const result =
    f['outcome'] === undefined ? undefined : v.oneOf(f['outcome'], OUTCOMES, 'outcome');
  const limit =
    f['limit'] === undefined
      ? DEFAULT_AUDIT_LIMIT
      : v.integer(f['limit'], 'limit', 1, MAX_AUDIT_LIMIT);
  const rows = await e.run('read the audit log', (db) => {
    let q = db.selectFrom('audit').selectAll();
    if (since !== undefined) q = q.where('time', '>=', since);
    if (until !== undefined) q = q.where('time', '<=', until);
    if (authid !== undefined) q = q.where('authid', '=', authid);
    if (procedure !== undefined) q = q.where('procedure', '=', procedure);
    if (result !== undefined) q = q.where('outcome', '=', result);
    return q.orderBy('id', 'desc').limit(limit).execute();
  });
  return rows.map(auditRecord);
}
