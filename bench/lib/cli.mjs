// What every bench script starts with: its `--name[=value]` flags and paths next to it.
import { fileURLToPath } from 'node:url';

/** `--a=1 --b` → `{ a: '1', b: true }`. */
export function parseFlags(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv
      .map((a) => /^--([^=]+)(?:=(.*))?$/.exec(a))
      .filter(Boolean)
      .map((m) => [m[1], m[2] ?? true]),
  );
}

/** A path relative to the module `base` (its `import.meta.url`). */
export function pathFrom(base) {
  return (p) => fileURLToPath(new URL(p, base));
}
