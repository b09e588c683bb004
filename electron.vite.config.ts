import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/**
 * Three bundles (electron-vite's default entries): the main process
 * (src/main/index.ts), the preload (src/preload/index.ts) and the renderer
 * (src/renderer/index.html). Dependencies of main stay external (node_modules),
 * so better-sqlite3 and oidc-provider load as they do under Node.
 */
export default defineConfig({
  main: {
    build: { externalizeDeps: true },
  },
  preload: {
    // Sandboxed preloads must be CommonJS; the package is "type": "module", hence .cjs.
    build: {
      externalizeDeps: true,
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // Relative asset URLs: the same build loads from file:// (desktop) and /admin/ (browser mode).
    base: './',
    plugins: [react()],
    build: { outDir: resolve('out/renderer') },
  },
});
