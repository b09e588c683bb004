import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/server';

/**
 * A data folder the server cannot write (issue 6.5): one clear line naming the
 * folder and a non-zero exit, nothing created. (A taken port, a damaged
 * database and missing or damaged key files are covered in headless-serve and
 * store tests.) Root can write anywhere, so as root the server runs as `nobody`.
 */

const data = tempDataDir('mad-readonly-');
const isRoot = process.getuid?.() === 0;

/** Whether `nobody` can run the project's scripts: every folder above them searchable by others. */
function projectReachableByOthers(): boolean {
  for (let dir = resolve('scripts'); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

// As root the server runs as `nobody`, who must be able to reach the project (a clone
// inside a `mktemp -d` folder, mode 0700, is not): otherwise these tests cannot run.
const runnable = !isRoot || projectReachableByOthers();
if (!runnable) {
  console.log(`Skipping the unwritable-data-folder tests: user nobody cannot reach ${resolve('.')} (a folder above it is not searchable by others); clone the project somewhere world-searchable to run them.`);
}

beforeAll(() => {
  if (!runnable) return;
  // Make sure the bundles exist, so the unprivileged run does not try to build them.
  execFileSync(process.execPath, ['scripts/serve.mjs', '--help'], { stdio: 'ignore' });
  chmodSync(data.dir, 0o755);
});

afterAll(() => data.remove());

function serveAsUnprivileged(args: string[]) {
  const command = isRoot ? 'setpriv' : process.execPath;
  const prefix = isRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : [];
  return spawnSync(command, [...prefix, 'scripts/serve.mjs', ...args], { encoding: 'utf8', timeout: 30_000 });
}

it.runIf(runnable)('a data folder without write permission: a clear message naming it, a non-zero exit, nothing written', () => {
  const folder = join(data.dir, 'locked');
  mkdirSync(folder, { mode: 0o555 });
  chmodSync(folder, isRoot ? 0o755 : 0o555); // as root the folder belongs to root, so nobody cannot write it
  const result = serveAsUnprivileged(['--port', '45871', '--data-dir', folder]);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(`Cannot write to the data folder ${folder}`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(readdirSync(folder)).toEqual([]);
});

it.runIf(runnable)('a data folder that cannot be created: a clear message naming it and a non-zero exit', () => {
  const parent = join(data.dir, 'parent');
  mkdirSync(parent, { mode: 0o755 });
  if (!isRoot) chmodSync(parent, 0o555);
  const folder = join(parent, 'child', 'data');
  const result = serveAsUnprivileged(['--port', '45871', '--data-dir', folder]);
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain(`Cannot create the data folder ${folder}`);
});
