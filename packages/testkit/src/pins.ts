/**
 * Knowing the PINs a center under test mails (see `pin-source.ts`): the module URL to give
 * the center, and the last PIN made for an address.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PinRecorder {
  /** For the center's `pinModule` option. */
  module: string;
  /** The last PIN made for `email` (and `kind`), waiting until there is one. */
  pinFor(email: string, kind?: 'user' | 'realm'): Promise<number>;
}

/** Record PINs in `dir/pins.jsonl`. */
export function pinRecorder(dir: string): PinRecorder {
  const file = join(dir, 'pins.jsonl');
  const url = new URL('./pin-source.js', import.meta.url);
  url.searchParams.set('file', file);
  return {
    module: url.href,
    async pinFor(email, kind) {
      for (let i = 0; i < 200; i++) {
        const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
        const hits = lines
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { kind: string; email: string; pin: number })
          .filter((r) => r.email === email && (kind === undefined || r.kind === kind));
        const last = hits.at(-1);
        if (last !== undefined) return last.pin;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`no PIN was made for ${email}`);
    },
  };
}
