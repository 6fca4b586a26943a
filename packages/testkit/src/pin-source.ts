/**
 * A PIN source for tests that run a whole center (loaded into the global realm's backend
 * process through the center's code-only `pinModule` option): PINs as random as the real
 * ones, each also appended as a JSON line to the file named in this module's URL
 * (`…/pin-source.js?file=/tmp/…/pins.jsonl`), where the test reads the one it needs.
 * @module
 */
import { randomInt } from 'node:crypto';
import { appendFileSync } from 'node:fs';

const file = new URL(import.meta.url).searchParams.get('file');

export default function pinSource(ctx: { kind: string; email: string }): number {
  const pin = randomInt(10_000, 100_000);
  if (file !== null) appendFileSync(file, JSON.stringify({ ...ctx, pin }) + '\n');
  return pin;
}
