// The package graph of docs/ARCHITECTURE.md as data: which workspace package may import
// which. `.dependency-cruiser.mjs` turns it into rules, `scripts/check-architecture.mjs`
// checks the code, the manifests and the diagram in ARCHITECTURE.md against it.

/**
 * `deps`: what the package's sources import (its `dependencies`). `testDeps`: what only its
 * tests import besides those (its `devDependencies`). `pure`: no Node built-ins in its
 * sources, because browsers load it too, and of the workspace only pure packages (types
 * aside). `nodeEntry`: a folder of a pure package's sources that is its Node entry, where
 * neither holds.
 */
export const PACKAGES = {
  'packages/protocol': { deps: [], testDeps: ['testkit'], pure: true },
  'packages/cryptosign': { deps: [], testDeps: ['testkit'] },
  'packages/testkit': { deps: [], testDeps: [] },
  'packages/transport': { deps: ['protocol'], testDeps: [] },
  'packages/supervisor': { deps: ['protocol', 'transport'], testDeps: ['testkit'] },
  'packages/router': { deps: ['protocol', 'cryptosign'], testDeps: ['testkit'] },
  'packages/client': { deps: ['protocol'], testDeps: [], pure: true },
  // `config` for its types only (the configs the node API takes and answers): erased in the
  // JavaScript, so the contract stays free of ajv and Node built-ins.
  'packages/api': { deps: ['protocol', 'config'], testDeps: ['testkit'], pure: true },
  'packages/store': { deps: ['protocol'], testDeps: ['testkit'] },
  'packages/config': { deps: ['router'], testDeps: [] },
  'packages/router-host': {
    deps: ['protocol', 'router', 'transport', 'config', 'client'],
    testDeps: ['cryptosign', 'testkit'],
  },
  'packages/node': {
    deps: [
      'api',
      'protocol',
      'config',
      'cryptosign',
      'transport',
      'router',
      'router-host',
      'client',
      'supervisor',
    ],
    testDeps: ['testkit'],
  },
  'packages/center': {
    deps: [
      'api',
      'protocol',
      'config',
      'cryptosign',
      'transport',
      'router',
      'client',
      'store',
      'supervisor',
    ],
    // Its integration tests run real nodes.
    testDeps: ['node', 'testkit'],
  },
  // The core and `@cdc/sdk/browser` run in browsers; `@cdc/sdk/node` (src/node/) reads key
  // files and opens sockets.
  'packages/sdk': {
    deps: ['api', 'protocol', 'client', 'cryptosign', 'transport'],
    testDeps: ['center', 'node', 'testkit'],
    pure: true,
    nodeEntry: 'src/node/',
  },
  'apps/cli': {
    deps: [
      'api',
      'protocol',
      'config',
      'cryptosign',
      'transport',
      'client',
      'router-host',
      'node',
      'store',
      'center',
      'sdk',
    ],
    testDeps: ['testkit'],
  },
  // The web UI: a browser app on the SDK's browser entry and the contract's types and
  // constants only; its browser tests run a real center and node.
  'apps/web': {
    deps: ['api', 'sdk'],
    testDeps: ['center', 'node', 'testkit'],
  },
  conformance: {
    deps: [],
    testDeps: [
      'protocol',
      'cryptosign',
      'transport',
      'router',
      'client',
      'config',
      'router-host',
      'testkit',
      // API tokens as tickets are a center feature: its interop test runs a real center.
      'center',
    ],
  },
};

/** `api` → `packages/api`, `cli` → `apps/cli`. */
export function dirOf(name) {
  return Object.keys(PACKAGES).find((d) => d === name || d.endsWith(`/${name}`));
}

export const nameOf = (dir) => dir.split('/').pop();

/** The edges a line of the diagram shows: each package's `deps` minus what they imply. */
export function reducedEdges() {
  const reach = new Map();
  const closure = (dir) => {
    if (reach.has(dir)) return reach.get(dir);
    const out = new Set();
    for (const d of PACKAGES[dir].deps) {
      out.add(d);
      for (const x of closure(dirOf(d))) out.add(x);
    }
    reach.set(dir, out);
    return out;
  };
  const edges = [];
  for (const [dir, p] of Object.entries(PACKAGES)) {
    for (const d of p.deps) {
      const implied = p.deps.some((o) => o !== d && closure(dirOf(o)).has(d));
      if (!implied) edges.push([nameOf(dir), d]);
    }
  }
  return edges;
}

/** The Mermaid diagram of the package graph (ARCHITECTURE.md shows it). */
export function renderDiagram() {
  const lines = ['```mermaid', 'graph BT'];
  const drawn = new Set();
  const node = (n) => {
    if (drawn.has(n)) return id(n);
    drawn.add(n);
    return id(n) === n ? n : `${id(n)}[${n}]`;
  };
  for (const [from, to] of reducedEdges()) lines.push(`  ${node(from)} --> ${node(to)}`);
  for (const n of Object.keys(PACKAGES).map(nameOf))
    if (!drawn.has(n) && n !== 'testkit' && n !== 'conformance') lines.push(`  ${node(n)}`);
  lines.push('```');
  return lines.join('\n');
}

const id = (name) => name.replace(/-/g, '_');
