/**
 * Cheap input checks at the store's edge. Writes refuse bad input with `INVALID` (naming the
 * argument and the rule) before any SQL runs, so a bad value never reaches the database and
 * both dialects refuse exactly the same things. The rules are SPEC §2–§4.4.
 * @module
 */
import { StoreError } from './errors.js';
import type { RealmRole } from './types.js';
import { errorMessage } from '@cdc/protocol';

/** SPEC §4.4: a new user's name. */
export const USER_NAME = /^[a-z][a-z0-9_-]{2,31}$/;
/** SPEC §3: a management realm's name. */
export const REALM_NAME = /^[A-Za-z][A-Za-z0-9_\-@.]{2,254}$/;
/** SPEC §3: IDs of nodes (and workers, routers, …). */
export const NODE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const PUBKEY = /^[0-9a-fA-F]{64}$/;
/** SPEC §7: an API token's label (its sessions' authid) and its ID (16 hex). */
export const TOKEN_LABEL = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const TOKEN_ID = /^[0-9a-f]{16}$/;
const HEX = /^[0-9a-f]{32,128}$/;
// Deliberately loose: the mail round trip (SPEC §4.4) is the real check of an address.
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_TEXT = 1024;

export const ROLES: readonly RealmRole[] = ['cdc-guest', 'cdc-devop', 'cdc-admin', 'cdc-owner'];

function invalid(message: string): StoreError {
  return new StoreError('INVALID', message);
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw invalid(`${what} must be a string, got ${typeof value}`);
  return value;
}

/** Why a realm name is not usable, or undefined when it is. */
export function realmNameProblem(name: string): string | undefined {
  if (!REALM_NAME.test(name)) {
    return 'must be 3-255 characters of letters, digits, "_", "-", "@", "." starting with a letter';
  }
  if (name === 'com.crossbario.cdc' || name.startsWith('wamp.') || name.startsWith('crossbar')) {
    return 'is reserved ("com.crossbario.cdc", "wamp.*" and "crossbar*")';
  }
  return undefined;
}

export function userName(value: unknown, what = 'user name'): string {
  const name = str(value, what);
  if (!USER_NAME.test(name)) {
    throw invalid(
      `${what} "${name}" must be 3-32 characters of a-z, 0-9, "_", "-" starting with a letter`,
    );
  }
  return name;
}

export function realmName(value: unknown, what = 'realm name'): string {
  const name = str(value, what);
  const problem = realmNameProblem(name);
  if (problem !== undefined) throw invalid(`${what} "${name}" ${problem}`);
  return name;
}

export function nodeId(value: unknown, what = 'node ID'): string {
  const id = str(value, what);
  if (!NODE_ID.test(id)) {
    throw invalid(`${what} "${id}" must be 1-64 characters of a-z, 0-9, "_", "-"`);
  }
  return id;
}

/** An Ed25519 public key as 64 hex digits; stored and compared in lower case. */
export function pubkey(value: unknown, what = 'public key'): string {
  const key = str(value, what);
  if (!PUBKEY.test(key)) throw invalid(`${what} must be 64 hex digits (Ed25519), got "${key}"`);
  return key.toLowerCase();
}

/** The lower-case key, or undefined when `value` cannot be a key (reads treat it as absent). */
export function maybePubkey(value: unknown): string | undefined {
  return typeof value === 'string' && PUBKEY.test(value) ? value.toLowerCase() : undefined;
}

export function email(value: unknown): string {
  const address = str(value, 'email').trim();
  if (address.length > 254 || !EMAIL.test(address)) {
    throw invalid(`email "${address}" is not an email address`);
  }
  return address;
}

/** Emails are unique regardless of case: `Alice@X.org` and `alice@x.org` are one person. */
export function emailKey(address: string): string {
  return address.toLowerCase();
}

export function role(value: unknown): RealmRole {
  return oneOf(value, ROLES, 'role');
}

/** A free text (labels, authids, URIs): non-empty when `required`, at most `max` long. */
export function text(value: unknown, what: string, required = true, max = MAX_TEXT): string {
  const s = str(value, what);
  if (required && s.length === 0) throw invalid(`${what} must not be empty`);
  if (s.length > max) throw invalid(`${what} is longer than ${max} characters`);
  return s;
}

/** Text or null; undefined counts as null. */
export function optionalText(value: unknown, what: string, max = MAX_TEXT): string | null {
  return value === undefined || value === null ? null : text(value, what, false, max);
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  const known = allowed.find((x) => x === value);
  if (known === undefined) {
    throw invalid(`${what} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return known;
}

/**
 * An ISO 8601 date-time with a zone, normalized to UTC with milliseconds. The fixed-width
 * form is what the database stores: it sorts and compares correctly as plain text in both
 * dialects, which keeps range filters identical on SQLite and PostgreSQL.
 */
export function isoTime(value: unknown, what: string): string {
  const s = str(value, what);
  const ms = ISO_TIME.test(s) ? Date.parse(s) : NaN;
  if (Number.isNaN(ms)) throw invalid(`${what} "${s}" is not an ISO 8601 date-time with a zone`);
  const iso = new Date(ms).toISOString();
  if (iso.length !== 24) throw invalid(`${what} "${s}" is outside the years 0000-9999`);
  return iso;
}

export function integer(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Serialize a JSON value for a JSON column. Refused rather than silently changed: values
 * JSON cannot carry (NaN and Infinity would come back as null, bigints and cycles throw).
 */
export function json(value: unknown, what: string, shape: 'object' | 'array'): string {
  if (shape === 'object' ? !isPlainObject(value) : !Array.isArray(value)) {
    throw invalid(`${what} must be a JSON ${shape}`);
  }
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${String(v)} is not JSON`);
      return v;
    });
  } catch (e) {
    throw invalid(`${what} is not serializable as JSON: ${errorMessage(e)}`);
  }
}

/** Worker counts by type: finite numbers only. */
export function counts(value: unknown, what: string): string {
  const s = json(value, what, 'object');
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'number') throw invalid(`${what}.${k} must be a number`);
  }
  return s;
}

/** The argument object of an operation (the center passes what callers sent). */
export function input(value: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw invalid(`${what} must be an object`);
  return value;
}

/** The current time in the stored form. */
export function now(): string {
  return new Date().toISOString();
}

/** An API token's label: it becomes an authid, so it is short and plain. */
export function tokenLabel(value: unknown): string {
  const s = str(value, 'token label');
  if (!TOKEN_LABEL.test(s)) throw invalid(`token label "${s}" must match ${TOKEN_LABEL.source}`);
  return s;
}

export function tokenId(value: unknown): string {
  const s = str(value, 'token ID');
  if (!TOKEN_ID.test(s)) throw invalid(`token ID "${s}" must be 16 lower-case hex characters`);
  return s;
}

/** A salt or hash: lower-case hex. */
export function hex(value: unknown, what: string): string {
  const s = str(value, what);
  if (!HEX.test(s)) throw invalid(`${what} must be 32 to 128 lower-case hex characters`);
  return s;
}
