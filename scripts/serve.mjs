#!/usr/bin/env node
/** `npm run serve`: the headless server, with the admin UI (browser mode) built if the sources changed. */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBundle, olderThan, root } from './bundle.mjs';

// The admin UI is the desktop app's renderer build.
if (olderThan(join(root, 'out', 'renderer', 'index.html'), 'src/renderer', 'src/shared')) {
  process.stdout.write('Building the admin UI (after an update only; a few seconds)...\n');
  const { build } = await import('electron-vite');
  await build({ root, logLevel: 'warn' });
}
const bundle = await ensureBundle('src/main/server/serve.ts', 'out/serve/serve.mjs');
await import(pathToFileURL(bundle).href);
