import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { README_END, README_START, updateReadme } from '../../../bench/lib/readme';
import type { BenchResults } from '../../../bench/lib/report';

/** `npm run bench` rewrites the README's latest-run section, and nothing else of the README. */

const results = {
  quick: false,
  date: '2026-11-26T00:00:00.000Z',
  git: { commit: 'abcdef0123456789', dirty: false },
  machine: { cpuModel: 'Test CPU', cores: 2, node: 'v20.20.2', platform: 'linux x64', totalMemoryMB: 1024, loadAvgAtStart: 0.5 },
  settings: { connections: 32, warmupS: 2, durationS: 3, freshServerPerMeasurement: true, coldStarts: 5, rounds: 3, interleavedTurns: 5, turnWarmupS: 1, turnS: 1 },
  throughput: {
    'server.token': {
      label: 'This server: client_credentials token',
      rps: 2000, p50: 12, p99: 24.5, ok: 6000, failed: 0, durationS: 3, connections: 32,
      otherCpuPct: 0, serverCpuMsPerOp: 0.5, roundsRps: [1900, 2000, 2100], roundsP99: [26, 24.5, 23],
    },
  },
  measurements: {},
  targets: [{ name: 'Token issuance p99 latency', threshold: '≤ 25 ms', measured: '24.50 ms (p99)', pass: true }],
  checks: [],
} as unknown as BenchResults;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-readme-'));
  file = join(dir, 'README.md');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('updateReadme', () => {
  it('replaces what is between the markers with the run, its tables and the per-round figures', () => {
    writeFileSync(file, `# Title\n\nbefore\n${README_START}\nold table\n${README_END}\n\nafter (hand-written)\n`);
    expect(updateReadme(file, results)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# Title\n\nbefore\n')).toBe(true);
    expect(text.endsWith('\n\nafter (hand-written)\n')).toBe(true);
    expect(text).not.toContain('old table');
    expect(text).toContain('Latest run: 2026-11-26T00:00:00.000Z · commit abcdef0 · Test CPU · 2 cores');
    expect(text).toContain('| This server: client_credentials token | 2000 | 12.00 | 24.50 | 0 | 0.50 | 0.0% | 1900 · 2000 · 2100 | 26 · 25 · 23 |');
    expect(text).toContain('| Token issuance p99 latency | ≤ 25 ms | 24.50 ms (p99) | pass |');
    // Running it again gives the same file (one section, not an appended copy).
    updateReadme(file, results);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('leaves a README without markers as it is', () => {
    writeFileSync(file, '# Title\n');
    expect(updateReadme(file, results)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('# Title\n');
  });
});
