import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build, stop } from 'esbuild';
import type { TargetInfo, TargetKind } from '../target';

export const ROOT = join(import.meta.dirname, '..', '..');

/** Where `bundleTargets` writes bench/target.ts as one ES module (out/ is not committed). */
const TARGET_BUNDLE = join(ROOT, 'out', 'bench', 'target.mjs');

/**
 * Bundles bench/target.ts (with the server sources, packages left external) the
 * way scripts/bundle.mjs bundles `npm run serve`: the servers under test then
 * run as users run them, on plain Node without a TypeScript loader. Called once
 * per benchmark run, so the bundle is never older than the sources.
 */
export async function bundleTargets(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'bench', 'target.ts')],
    outfile: TARGET_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  // esbuild's service process would otherwise stay beside every measurement.
  await stop();
}

export interface Target {
  info: TargetInfo;
  child: ChildProcess;
  /** Where the child's .cpuprofile lands (profile mode only). */
  profileDir: string | undefined;
  stop(): Promise<void>;
  /** The child's stderr so far (for failure reports). */
  stderr(): string;
}

/**
 * Starts a server under test in its own process and waits for its ready line:
 * the bundle made by `bundleTargets`. With `profileDir`, the child runs the
 * sources under `node --cpu-prof --import tsx` instead, so that a profile names
 * each source file (in the bundle they would all be one file).
 */
export function startTarget(kind: TargetKind, options: { profileDir?: string; timeoutMs?: number } = {}): Promise<Target> {
  const args = [TARGET_BUNDLE, kind];
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    args.splice(0, 1, '--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, '--import', 'tsx', join(ROOT, 'bench', 'target.ts'));
  }
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 20_000) stderr = stderr.slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`target ${kind} did not start in time\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_READY '));
      if (line) {
        clearTimeout(timer);
        const info = JSON.parse(line.slice('BENCH_READY '.length)) as TargetInfo;
        stdout = '';
        resolve({ info, child, profileDir: options.profileDir, stop, stderr: () => stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`target ${kind} exited with ${code} before it was ready\n${stderr}`));
    });
  });
}

/**
 * The main thread's .cpuprofile in a folder. `--cpu-prof` writes one file per
 * thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile); with `--import tsx`
 * thread 1 is the module loader's hooks thread, thread 0 is the server.
 */
export function profileFile(dir: string): string | undefined {
  const files = readdirSync(dir)
    .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
    .sort();
  return files.length ? join(dir, files[files.length - 1]!) : undefined;
}
