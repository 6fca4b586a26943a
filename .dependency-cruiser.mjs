// Rules for `depcruise`, generated from the package graph in scripts/architecture.mjs, so the
// picture in docs/ARCHITECTURE.md, these rules and the code cannot disagree.
import { readFileSync } from 'node:fs';
import { PACKAGES, dirOf } from './scripts/architecture.mjs';

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const alt = (dirs) => dirs.map(esc).join('|');
const WORKSPACE = '^(packages/[^/]+|apps/[^/]+|conformance)/';

/** A package's sources (or its tests) may import only itself and what the table allows. */
function layerRules() {
  const rules = [];
  for (const [dir, p] of Object.entries(PACKAGES)) {
    const own = [dir, ...p.deps.map(dirOf)];
    rules.push({
      name: `layers: ${dir}`,
      comment: `${dir} may import only ${p.deps.join(', ') || 'nothing of the workspace'} (scripts/architecture.mjs)`,
      severity: 'error',
      from: { path: `^${esc(dir)}/src/` },
      to: { path: WORKSPACE, pathNot: `^(${alt(own)})/` },
    });
    rules.push({
      name: `test layers: ${dir}`,
      comment: `tests of ${dir} may import only its own imports and ${p.testDeps.join(', ') || 'no more'}`,
      severity: 'error',
      from: { path: `^${esc(dir)}/test/` },
      to: { path: WORKSPACE, pathNot: `^(${alt([...own, ...p.testDeps.map(dirOf)])})/` },
    });
  }
  return rules;
}

/** The compiled files a package's manifest exports (`@cdc/x`, `@cdc/x/child`): its entries. */
const ENTRIES = Object.keys(PACKAGES).flatMap((dir) => {
  const url = new URL(`./${dir}/package.json`, import.meta.url);
  const exports = JSON.parse(readFileSync(url, 'utf8')).exports ?? {};
  return Object.values(exports).map((e) => `${dir}/${(e.default ?? e).replace(/^[.]\//, '')}`);
});

const pure = Object.entries(PACKAGES)
  .filter(([, p]) => p.pure)
  .map(([dir]) => dir);
/** The Node entries of pure packages: exempt from the purity rules. */
const nodeEntries = Object.entries(PACKAGES)
  .filter(([, p]) => p.pure && p.nodeEntry !== undefined)
  .map(([dir, p]) => `${dir}/${p.nodeEntry}`);
const pureSources = {
  path: `^(${alt(pure)})/src/`,
  ...(nodeEntries.length > 0 ? { pathNot: `^(${alt(nodeEntries)})` } : {}),
};

export default {
  forbidden: [
    ...layerRules(),
    {
      name: 'no-circular',
      comment: 'modules import each other in a circle',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'pure-core',
      comment: `${pure.join(', ')} run in browsers too: no Node built-ins in their sources (their Node entries aside)`,
      severity: 'error',
      from: pureSources,
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'pure-deps',
      comment: 'the browser-safe sources of a pure package import only pure packages (types aside)',
      severity: 'error',
      from: pureSources,
      to: { path: WORKSPACE, pathNot: `^(${alt(pure)})/`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-deep-imports',
      comment:
        'another package is imported by its name (its entries), never by a path into its files',
      severity: 'error',
      from: { path: '^((packages|apps)/[^/]+|conformance)/' },
      to: {
        path: '^(packages|apps)/[^/]+/',
        pathNot: ['^$1/', `^(${alt(ENTRIES)})$`],
      },
    },
    {
      name: 'no-unresolvable',
      comment: 'a workspace package is imported by one of the entries its manifest exports',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, path: '^@cdc/' },
    },
    {
      name: 'src-not-from-test',
      comment: 'product code never imports test code',
      severity: 'error',
      from: { path: '/src/' },
      to: { path: '/test/' },
    },
  ],
  options: {
    // The sources are cruised; `@cdc/x` resolves to the package's compiled entry
    // (`dist/src/index.js`), which stands for the package and is not followed.
    doNotFollow: { path: ['node_modules', '/dist/'] },
    // Subpath entries (`@cdc/supervisor/child`) resolve through the manifests' `exports`.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
  },
};
