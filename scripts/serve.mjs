#!/usr/bin/env node
/**
 * `npm run serve`: runs the headless server from a bundle of src/, rebuilt only
 * when a source file is newer than it. Loading the TypeScript sources through a
 * transpiler on every start would cost about a second of start-up.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src', 'main', 'server', 'serve.ts');
const bundle = join(root, 'out', 'serve', 'serve.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function olderThan(file, ...dirs) {
  return !existsSync(file) || statSync(file).mtimeMs < Math.max(...dirs.map((dir) => newestSource(join(root, dir))));
}

// The admin UI (browser mode) is the desktop app's renderer build.
if (olderThan(join(root, 'out', 'renderer', 'index.html'), 'src/renderer', 'src/shared')) {
  process.stdout.write('Building the admin UI (after an update only; a few seconds)...\n');
  const { build } = await import('electron-vite');
  await build({ root, logLevel: 'warn' });
}

if (olderThan(bundle, 'src/main', 'src/shared')) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}
await import(pathToFileURL(bundle).href);
