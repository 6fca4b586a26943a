// The web UI's build: static files into dist/ui, which the center serves at `/`. Preact's
// JSX through Vite's own transform (no Babel plugin); nothing loaded from elsewhere.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src',
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    reportCompressedSize: false,
  },
});
