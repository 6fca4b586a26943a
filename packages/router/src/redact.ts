/**
 * Messages as debug logs show them: no credential ever reaches a log line. AUTHENTICATE's
 * signature (a ticket or password for `ticket`, a proof for the others) is masked whole,
 * and anywhere in a message a value under a key that names a secret (`ticket`, `password`,
 * `secret`, `pin`, `token`, `private…`) is masked too.
 * @module
 */
import { MessageType } from '@cdc/protocol';

const SECRET_KEY = /secret|password|passphrase|ticket|private|token|^pin$|_pin$|^pin_/i;
const MASK = '***';
const MAX_DEPTH = 16;

function mask(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => mask(x, depth + 1));
  if (v instanceof Uint8Array) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>))
    out[k] = SECRET_KEY.test(k) ? MASK : mask(x, depth + 1);
  return out;
}

/** A wire message fit for a log line. */
export function redactMessage(message: unknown): unknown {
  if (!Array.isArray(message)) return message;
  if (message[0] === MessageType.AUTHENTICATE)
    return [message[0], MASK, mask(message[2], 0), ...(message.slice(3) as unknown[])];
  return mask(message, 0);
}
