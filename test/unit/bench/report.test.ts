import { describe, expect, it } from 'vitest';
import { evaluate, pairedRatios, type BenchResults } from '../../../bench/lib/report';

/** Ratio targets compare pairs measured back to back: per round, then the median of the rounds' ratios. */

function results(server: { rps: number; roundsRps?: number[] }, engine: { rps: number; roundsRps?: number[] }): BenchResults {
  const entry = (label: string, m: { rps: number; roundsRps?: number[] }) => ({
    label, rps: m.rps, p50: 10, p99: 20, ok: 1000, failed: 0, durationS: 3, connections: 32, otherCpuPct: 0, serverCpuMsPerOp: 0.5, ...(m.roundsRps ? { roundsRps: m.roundsRps } : {}),
  });
  return {
    throughput: {
      'server.token': entry('This server: client_credentials token', server),
      'engine.token': entry('Engine alone (oidc-provider, in-memory adapter): client_credentials token', engine),
    },
  } as unknown as BenchResults;
}

const tokenRatio = (r: BenchResults) => evaluate(r).targets.find((t) => t.name === 'Token issuance throughput')!;

describe('ratio targets', () => {
  it('take the median of the per-round ratios when both sides were measured in the same rounds', () => {
    // Round 2 ran on a slow machine for both: per round the server is at 0.9, 0.9 and 0.5 of the engine.
    const verdict = tokenRatio(results({ rps: 1800, roundsRps: [1800, 900, 1000] }, { rps: 2000, roundsRps: [2000, 1000, 2000] }));
    expect(verdict.pass).toBe(true);
    expect(verdict.measured).toMatch(/^0\.90×, median of the rounds' ratios 0\.90 · 0\.90 · 0\.50 /);
  });

  it('fail when the median per-round ratio is below the threshold', () => {
    const verdict = tokenRatio(results({ rps: 1500, roundsRps: [1500, 1400, 2000] }, { rps: 2000, roundsRps: [2000, 2000, 2000] }));
    expect(verdict.pass).toBe(false);
    expect(verdict.measured).toMatch(/^0\.75×/);
  });

  it('fall back to the two throughputs with a single round', () => {
    const verdict = tokenRatio(results({ rps: 1700 }, { rps: 2000 }));
    expect(verdict.measured).toMatch(/^1700 vs 2000 req\/s = 0\.85×/);
    expect(verdict.pass).toBe(true);
  });

  it('pairs only rounds of equal count', () => {
    expect(pairedRatios([1, 2], [2, 4])).toEqual([0.5, 0.5]);
    expect(pairedRatios([1, 2], [2])).toBeUndefined();
    expect(pairedRatios([1], [2])).toBeUndefined();
  });
});

describe('ratio targets measured interleaved', () => {
  const interleaved = (rps: number[], baseRps: number[], failed = 0) => ({
    baseKey: 'engine.token' as const,
    warmupS: 1,
    sliceS: 1,
    rps,
    baseRps,
    ratios: rps.map((value, i) => value / baseRps[i]!),
    failed,
  });

  it('take the median of the rounds\' ratios and the turns\' ratios together', () => {
    // Rounds 0.90 · 0.90 · 0.90 and turns 0.70 · 0.70 · 0.75 · 0.65 · 0.70 · 0.60: the median of all nine is 0.70.
    const r = results({ rps: 1800, roundsRps: [1800, 900, 1800] }, { rps: 2000, roundsRps: [2000, 1000, 2000] });
    r.interleaved = { 'server.token': interleaved([1400, 700, 1500, 1300, 1400, 1200], [2000, 1000, 2000, 2000, 2000, 2000]) };
    const verdict = tokenRatio(r);
    expect(verdict.pass).toBe(false);
    expect(verdict.measured).toMatch(/^0\.70×, median of 9 paired ratios: rounds 0\.90 · 0\.90 · 0\.90; interleaved 1-s turns 0\.70 · 0\.70 · 0\.75 · 0\.65 · 0\.70 · 0\.60 /);
  });

  it('take the mean of the two middle ratios when their count is even', () => {
    // One round (0.70) and one turn (0.90): 0.80, which passes; the lower of the two would not.
    const r = results({ rps: 1400 }, { rps: 2000 });
    r.interleaved = { 'server.token': interleaved([1800], [2000]) };
    expect(tokenRatio(r).measured).toMatch(/^0\.80×, median of 2 paired ratios/);
    expect(tokenRatio(r).pass).toBe(true);
  });

  it('pass on the median even when a round and a turn were disturbed', () => {
    const r = results({ rps: 1800, roundsRps: [1800, 900, 1700] }, { rps: 2000, roundsRps: [2000, 2000, 2000] });
    r.interleaved = { 'server.token': interleaved([1800, 400, 1700], [2000, 2000, 2000]) };
    expect(tokenRatio(r).measured).toMatch(/^0\.85×, median of 6/);
    expect(tokenRatio(r).pass).toBe(true);
  });

  it('count their failed requests in the 2xx check', () => {
    const r = results({ rps: 1800 }, { rps: 2000 });
    r.interleaved = { 'server.token': interleaved([1800], [2000], 3) };
    const check = evaluate(r).checks.find((c) => c.name === 'Every load request answered 2xx')!;
    expect(check.pass).toBe(false);
    expect(check.measured).toContain('server.token (interleaved): 3 failed');
  });
});

describe('the token p99 target', () => {
  const tokenP99 = (r: BenchResults) => evaluate(r).targets.find((t) => t.name === 'Token issuance p99 latency')!;
  const withP99 = (server: number, serverRounds: number[], engine: number, engineRounds: number[]) => {
    const r = results({ rps: 2000, roundsRps: [2000, 2000, 2000] }, { rps: 2000, roundsRps: [2000, 2000, 2000] });
    Object.assign(r.throughput['server.token']!, { p99: server, roundsP99: serverRounds });
    Object.assign(r.throughput['engine.token']!, { p99: engine, roundsP99: engineRounds });
    return tokenP99(r);
  };

  it('is judged on this server\'s own p99, whatever the engine measured', () => {
    expect(withP99(24.5, [24.5, 30, 20], 30, [30, 31, 29]).pass).toBe(true);
    expect(withP99(25.5, [25.5, 20, 26], 15, [15, 14, 16]).pass).toBe(false);
  });

  it('shows every round\'s p99 and the engine\'s own beside it', () => {
    expect(withP99(28.01, [22, 28, 28.4], 22.9, [19, 27, 23]).measured).toBe(
      '28.01 ms (p99, rounds 22 · 28 · 28; engine alone in the same run: 22.90 ms, rounds 19 · 27 · 23)',
    );
  });
});
