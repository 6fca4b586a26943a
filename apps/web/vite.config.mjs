// The web UI's build: static files into dist/ui, which the center serves at `/`. Preact's
// JSX through Vite's own transform (no Babel plugin); nothing loaded from elsewhere.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src',
  base: '/',
  publicDir: false,
  resolve: {
    // The serializers' builds without eval: the default ones probe `Function('')` at load
    // (and compile record readers with it), which a `script-src 'self'` policy refuses —
    // the center serves the UI with one (packages/center/src/web-ui.ts).
    alias: [
      { find: /^msgpackr$/, replacement: 'msgpackr/index-no-eval' },
      { find: /^cbor-x$/, replacement: 'cbor-x/index-no-eval' },
    ],
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
});
