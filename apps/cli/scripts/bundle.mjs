#!/usr/bin/env node
// Bundles the client side of the compiled CLI (apps/cli/dist/bundle/, run by bin/cdc.js):
// loading ~150 module files cost most of `cdc nodes`'s start (docs/PERFORMANCE.md, issue
// 12). The bundle is split per command module, so a command still loads only its own code.
//
// Bundled: the CLI's own modules and what a session with the center needs (see BUNDLED).
// Everything else stays an import of its normal place: packages with native or optional
// parts (ws, msgpackr, cbor-x, sodium-native…), and the server side — the command modules
// that run a center, a node or a router (SERVER_COMMANDS, with all they import) and the
// packages they use, which find files next to their own modules (realm backends, workers,
// migrations, the web UI, generated validators). A server command therefore runs exactly
// the unbundled build, as before.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const out = `${dist}bundle`;

/** Packages compiled into the bundle: pure JavaScript, nothing found by file path. */
const BUNDLED = [
  '@cdc/api',
  '@cdc/client',
  '@cdc/cryptosign',
  '@cdc/protocol',
  '@cdc/sdk',
  '@cdc/transport',
  'commander',
];
/** Command modules that stay unbundled (`command-modules.ts` imports them lazily). */
const SERVER_COMMANDS = ['router', 'node', 'center', 'quickstart'].map(
  (c) => `${dist}src/commands/${c}.js`,
);

/**
 * msgpackr and cbor-x (with their native decoders) cost ~30 ms to load, and a CLI session
 * speaks JSON: in the bundle, @cdc/protocol gets stand-ins that load the real package (its
 * CommonJS build, synchronously) when a codec is first used, i.e. when a connection has
 * negotiated MessagePack or CBOR. @cdc/protocol itself stays pure (it is also built for
 * the browser), so this is the bundle's doing only.
 */
const LAZY_CODECS = { msgpackr: ['Unpackr'], 'cbor-x': ['Encoder'] };
const lazyCodecs = {
  name: 'cdc-lazy-codecs',
  resolveId: (id) => (id in LAZY_CODECS ? `\0lazy-codec:${id}` : null),
  load(id) {
    const pkg = id.startsWith('\0lazy-codec:') ? id.slice('\0lazy-codec:'.length) : undefined;
    if (pkg === undefined) return null;
    // Each class: an object whose first property access builds the real instance.
    const classes = LAZY_CODECS[pkg].map(
      (name) => `export function ${name}(options) {
  let real;
  const target = () => (real ??= new (load().${name})(options));
  return new Proxy({}, {
    get(_, key) {
      const v = target()[key];
      return typeof v === 'function' ? v.bind(target()) : v;
    },
  });
}`,
    );
    return [
      `import { createRequire } from 'node:module';`,
      `let pkg;`,
      `const load = () => (pkg ??= createRequire(import.meta.url)(${JSON.stringify(pkg)}));`,
      ...classes,
    ].join('\n');
  },
};

const packageOf = (id) => /^(@[^/]+\/[^/]+|[^/]+)/.exec(id)?.[1];

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const bundle = await rolldown({
  input: { main: `${dist}src/main.js` },
  platform: 'node',
  logLevel: 'warn',
  plugins: [lazyCodecs],
  external: (id, importer, resolved) => {
    if (resolved) return SERVER_COMMANDS.includes(id);
    if (id.startsWith('.') || id.startsWith('/') || id in LAZY_CODECS) return false;
    return !BUNDLED.includes(packageOf(id));
  },
});
const { output } = await bundle.write({
  dir: out,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
  // External server commands are imported by their path relative to the bundle.
  paths: (id) => (SERVER_COMMANDS.includes(id) ? relative(out, id) : id),
  sourcemap: true,
});
await bundle.close();

// What bin/cdc.js compares the bundle with: the build stamp (`.tsbuildinfo`, rewritten by
// each `tsc -b` that builds the project) of every TypeScript project compiled into it.
const projects = new Set();
for (const chunk of output)
  if (chunk.type === 'chunk')
    for (const id of chunk.moduleIds) {
      const m = /^(\/.*\/(?:packages|apps)\/[^/]+\/dist)\//.exec(id);
      if (m !== null) projects.add(m[1]);
    }
const stamps = [...projects].map((d) => `${d}/.tsbuildinfo`).filter((f) => existsSync(f));
writeFileSync(
  `${out}/stamps.json`,
  JSON.stringify(
    stamps.map((f) => relative(out, f)),
    null,
    1,
  ) + '\n',
);
console.log(`cli bundle: ${output.length} files from ${projects.size} projects`);
