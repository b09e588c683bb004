import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEASUREMENT_KEYS, RATIO_TARGETS, THROUGHPUT_KEYS, type BenchResults } from '../../bench/lib/report';

/**
 * The benchmark runs end to end: `npm run bench -- --quick` starts every
 * server under test, drives every flow, builds the (reduced) scale data set,
 * measures start-up and memory, and writes a results file with every
 * measurement. No speed thresholds here: speed is the benchmark's business.
 */

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'mad-bench-smoke-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

function runQuickBench(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'bench', '--', '--quick', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --quick', () => {
  it('measures everything and writes results with every measurement', { timeout: 180_000 }, async () => {
    const { code, output } = await runQuickBench();
    expect(code, output).toBe(0);

    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
    expect(results.quick).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.node).toBe(process.version);

    for (const key of MEASUREMENT_KEYS) {
      const value = results.measurements[key];
      expect(typeof value, `${key} is a number`).toBe('number');
      expect(value, key).toBeGreaterThan(0);
    }
    // Every load was answered with success: a measurement of failing requests would be meaningless.
    for (const key of THROUGHPUT_KEYS) expect(results.throughput[key]?.failed, key).toBe(0);
    // Every ratio target was measured again with its two servers side by side, and judged on that.
    for (const target of RATIO_TARGETS) {
      const interleaved = results.interleaved?.[target.key];
      expect(interleaved?.baseKey, target.name).toBe(target.baseKey);
      expect(interleaved?.ratios.length, target.name).toBeGreaterThan(0);
      for (const rps of [...interleaved!.rps, ...interleaved!.baseRps]) expect(rps, target.name).toBeGreaterThan(0);
      expect(interleaved?.failed, target.name).toBe(0);
      expect(results.targets.find((t) => t.name === target.name)?.measured, target.name).toMatch(/interleaved/);
    }
    expect(results.scale?.purge.bounded).toBe(true);
    expect(results.targets.length).toBeGreaterThanOrEqual(10);
    expect(readFileSync(join(out, 'results.md'), 'utf8')).toContain('| Target | Threshold | Measured | Result |');
  });
});
