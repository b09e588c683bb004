#!/usr/bin/env node
/**
 * Runs before `npm start` / `npm run dev`. Two things the desktop app needs that
 * `npm install` deliberately does not do (so that installing and `npm test` work
 * offline and never need Electron):
 *
 * 1. Electron's binary. Its install script is denied in package.json
 *    (`allowScripts`), so it is fetched here, once, on first start.
 * 2. better-sqlite3 compiled for Electron's ABI. The copy in node_modules stays
 *    built for Node (tests, `npm run serve`); the Electron build goes to
 *    .electron-native/ and the main process loads it through better-sqlite3's
 *    `nativeBinding` option.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronDir = dirname(require.resolve('electron/package.json'));
const electronVersion = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, stdio: 'inherit', env: process.env });
}

// 1. Electron binary
if (!existsSync(join(electronDir, 'path.txt'))) {
  console.log(`Downloading Electron ${electronVersion} (first start only)...`);
  run(process.execPath, [join(electronDir, 'install.js')], electronDir);
}

// 2. better-sqlite3 for Electron's ABI
const target = join(root, '.electron-native', `better_sqlite3-electron-${electronVersion}-${process.platform}-${process.arch}.node`);
if (!existsSync(target)) {
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (first start only)...`);
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const work = join(root, '.electron-native', 'build', 'better-sqlite3');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(dirname(work), { recursive: true });
  cpSync(source, work, { recursive: true, filter: (path) => !path.includes(`${join('build', 'Release')}`) });
  const prebuild = require.resolve('prebuild-install/bin.js', { paths: [source] });
  try {
    run(process.execPath, [prebuild, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch], work);
  } catch {
    console.log('No prebuilt binary; compiling from source against Electron headers...');
    // npm tells its scripts where its bundled node-gyp is.
    const nodeGyp = process.env.npm_config_node_gyp;
    if (!nodeGyp) throw new Error('node-gyp not found: run this through npm (npm start)');
    run(
      process.execPath,
      [nodeGyp, 'rebuild', '--release', '--runtime=electron', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
      work,
    );
  }
  copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  rmSync(join(root, '.electron-native', 'build'), { recursive: true, force: true });
}
console.log('Electron is ready.');
