/**
 * The captcha against a stock OCR (issue 10: "a person reads it at a glance and a stock OCR
 * does not"): Debian's tesseract, told the picture is one line of digits, reads at most one
 * of twenty PINs whole (one of 220 when measured) and fewer digits in place than chance. (That people read them is checked by looking; see docs/PERFORMANCE.md.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomPin } from '../src/registration/pin.js';
import { captchaPng } from '../src/mail/captcha.js';

const TESSERACT = '/usr/bin/tesseract';
const skip =
  spawnSync(TESSERACT, ['--version']).status === 0 ? false : 'tesseract-ocr is not installed';

test(
  'captcha - tesseract reads no PIN of twenty, even told to expect one line of digits',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdc-ocr-'));
    try {
      let exact = 0;
      let inPlace = 0;
      let crashed = 0;
      for (let i = 0; i < 20; i++) {
        const pin = String(randomPin({ kind: 'user', email: 'x@example.org' }));
        const file = join(dir, `${i}.png`);
        writeFileSync(file, await captchaPng(pin));
        const r = spawnSync(
          TESSERACT,
          [file, '-', '--psm', '7', '-c', 'tessedit_char_whitelist=0123456789'],
          // One thread: tesseract's OpenMP threads fight the other test processes for the cores.
          { encoding: 'utf8', env: { ...process.env, OMP_THREAD_LIMIT: '1' } },
        );
        // Some pictures make tesseract itself give up ("Image too small to scale", then
        // SIGFPE): it read nothing. Anything else is a broken tool, not a result.
        if (r.signal === 'SIGFPE') {
          crashed++;
          continue;
        }
        assert.equal(r.status, 0, `${r.stderr} ${r.signal ?? ''} ${String(r.error ?? '')}`);
        const read = r.stdout.replace(/\s/g, '');
        if (read === pin) exact++;
        for (let k = 0; k < 5; k++) if (read[k] === pin[k]) inPlace++;
      }
      // Measured over 220 pictures: one read whole. A run of twenty may meet that one in a
      // few hundred; two in one run would say the captcha got weaker.
      assert.ok(exact <= 1, `${exact} of 20 PINs read whole`);
      // The OCR must have looked at most of them for the result to mean anything.
      assert.ok(crashed <= 5, `tesseract gave up on ${crashed} of 20`);
      // Chance alone puts one digit in ten in its place.
      assert.ok(inPlace < 20, `${inPlace} of 100 digits read in place`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
