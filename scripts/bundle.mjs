/**
 * Bundles a TypeScript entry of src/ into out/ with esbuild when any source is
 * newer than the bundle. Running the bundle with plain Node starts in a fraction
 * of the time a TypeScript loader needs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|tsx|css|html)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when `file` is missing or older than any source file under `dirs` (relative to the project root). */
export function olderThan(file, ...dirs) {
  return !existsSync(file) || statSync(file).mtimeMs < Math.max(...dirs.map((dir) => newestSource(join(root, dir))));
}

/** Returns the path of an up-to-date bundle of `entry` (relative to the project root). */
export async function ensureBundle(entry, outfile) {
  const bundle = join(root, outfile);
  if (olderThan(bundle, 'src/main', 'src/shared')) {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [join(root, entry)],
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
  return bundle;
}
