import type { ColdStartResult, MemoryResult } from '../process';
import type { ProfileSummary } from '../profile-summary';
import type { ScaleOperation, ScaleResult } from '../scale';
import type { LoadResult } from './load';
import { median } from './stats';

/** Every throughput measurement, in report order. */
export const THROUGHPUT = {
  'ceiling.hello': 'Ceiling: bare node:http hello',
  'engine.token': 'Engine alone (oidc-provider, in-memory adapter): client_credentials token',
  'engine.introspect': 'Engine alone (oidc-provider, in-memory adapter): introspection',
  'server.token': 'This server: client_credentials token',
  'server.introspect': 'This server: introspection (valid token, owner client)',
  'server.mcpAuthenticated': 'This server: /mcp tools/call whoami, with token',
  'server.mcpUnauthenticated': 'This server: /mcp tools/call whoami, authentication off',
  'server.dcr': 'This server: DCR registration (public client)',
  'server.authCode': 'This server: auth code + PKCE exchange (authorize → token)',
  'memoryAdapter.authCode': 'This server with the engine\'s records in memory: auth code + PKCE exchange',
  'server.refresh': 'This server: refresh token rotation',
} as const;

export type ThroughputKey = keyof typeof THROUGHPUT;
export const THROUGHPUT_KEYS = Object.keys(THROUGHPUT) as ThroughputKey[];

export const SCALE_OPERATIONS: ScaleOperation[] = ['listClientsSearch', 'listClientsFirstPage', 'clientConsents', 'userConsents', 'revokeConsent100'];

/** The flat `measurements` keys every complete run reports (each a number > 0). */
export const MEASUREMENT_KEYS: string[] = [
  ...THROUGHPUT_KEYS.flatMap((key) => [`${key}.rps`, `${key}.p50Ms`, `${key}.p99Ms`, `${key}.serverCpuMsPerOp`]),
  'scale.dataSet.clients',
  'scale.dataSet.users',
  'scale.dataSet.consents',
  'scale.dataSet.liveTokens',
  'scale.dataSet.buildMs',
  'scale.dataSet.dbSizeMB',
  ...SCALE_OPERATIONS.flatMap((op) => [`scale.${op}.medianMs`, `scale.${op}.p99Ms`]),
  'scale.purge.medianMs',
  'scale.purge.rowsDeletedPerRound',
  'scale.purge.tokensAfterPurge',
  'process.coldStart.medianMs',
  'process.coldStart.maxMs',
  'process.rss.idleMB',
  'process.rss.loadMB',
];

/** The throughput targets that compare two measurements: `key` must reach `min` × `baseKey`. */
export const RATIO_TARGETS: { name: string; key: ThroughputKey; baseKey: ThroughputKey; min: number }[] = [
  { name: 'Token issuance throughput', key: 'server.token', baseKey: 'engine.token', min: 0.8 },
  { name: 'Introspection throughput', key: 'server.introspect', baseKey: 'engine.introspect', min: 0.8 },
  { name: 'Authenticated /mcp vs unauthenticated', key: 'server.mcpAuthenticated', baseKey: 'server.mcpUnauthenticated', min: 0.85 },
];

/**
 * A ratio target's second measurement: both servers running side by side, loaded in
 * turn for `sliceS` seconds each (after `warmupS` on the same connections), the
 * order alternating; `ratios[i]` = `rps[i]` / `baseRps[i]`. The verdict takes the
 * median of these ratios and the rounds' together.
 */
export interface InterleavedRatio {
  baseKey: ThroughputKey;
  warmupS: number;
  sliceS: number;
  rps: number[];
  baseRps: number[];
  ratios: number[];
  failed: number;
}

export interface TargetVerdict {
  name: string;
  threshold: string;
  measured: string;
  pass: boolean;
}

export interface BenchResults {
  quick: boolean;
  date: string;
  /** The source measured: HEAD and whether the working tree differed from it. */
  git: { commit: string; dirty: boolean };
  machine: { cpuModel: string; cores: number; node: string; platform: string; totalMemoryMB: number; loadAvgAtStart: number };
  settings: {
    connections: number;
    warmupS: number;
    durationS: number;
    freshServerPerMeasurement: boolean;
    coldStarts: number;
    rounds: number;
    interleavedTurns: number;
    turnWarmupS: number;
    turnS: number;
  };
  /**
   * otherCpuPct: share of the whole machine other processes used during the measurement (noise indicator).
   * With several rounds: the round of median throughput, and every round's req/s and p99 in `roundsRps` and `roundsP99`.
   */
  throughput: Partial<Record<ThroughputKey, LoadResult & { label: string; otherCpuPct: number; serverCpuMsPerOp: number; roundsRps?: number[]; roundsP99?: number[] }>>;
  /** Per ratio target (keyed by its measured key), the interleaved measurement its verdict comes from. */
  interleaved?: Partial<Record<ThroughputKey, InterleavedRatio>>;
  scale?: ScaleResult;
  process?: { coldStart: ColdStartResult; rss: MemoryResult };
  measurements: Record<string, number>;
  targets: TargetVerdict[];
  checks: TargetVerdict[];
  /** Profile mode: the server's .cpuprofile and its summary over the measured window (process.hrtime µs). */
  profiles?: Record<string, ProfileSummary & { file: string; windowMicros: [number, number] }>;
}

export function flatten(results: BenchResults): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(results.throughput)) {
    out[`${key}.rps`] = value.rps;
    out[`${key}.p50Ms`] = value.p50;
    out[`${key}.p99Ms`] = value.p99;
    out[`${key}.serverCpuMsPerOp`] = value.serverCpuMsPerOp;
  }
  const scale = results.scale;
  if (scale) {
    out['scale.dataSet.clients'] = scale.dataSet.clients;
    out['scale.dataSet.users'] = scale.dataSet.users;
    out['scale.dataSet.consents'] = scale.dataSet.consents;
    out['scale.dataSet.liveTokens'] = scale.dataSet.liveTokens;
    out['scale.dataSet.buildMs'] = scale.dataSet.buildMs;
    out['scale.dataSet.dbSizeMB'] = scale.dataSet.dbSizeMB;
    for (const [op, summary] of Object.entries(scale.operations)) {
      out[`scale.${op}.medianMs`] = summary.p50;
      out[`scale.${op}.p99Ms`] = summary.p99;
    }
    out['scale.purge.medianMs'] = scale.purge.medianMs;
    out['scale.purge.rowsDeletedPerRound'] = scale.purge.rounds[0]?.deleted ?? 0;
    out['scale.purge.tokensAfterPurge'] = scale.purge.rounds[scale.purge.rounds.length - 1]?.tokensAfter ?? 0;
  }
  if (results.process) {
    out['process.coldStart.medianMs'] = results.process.coldStart.medianMs;
    out['process.coldStart.maxMs'] = results.process.coldStart.maxMs;
    out['process.rss.idleMB'] = results.process.rss.idleMB;
    out['process.rss.loadMB'] = results.process.rss.loadMB;
  }
  return out;
}

const fmt = (value: number | undefined, digits = 1) => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** Per-round ratios a/b when both were measured in the same rounds (back to back), else undefined. */
export function pairedRatios(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  if (!a || !b || a.length < 2 || a.length !== b.length) return undefined;
  return a.map((value, i) => value / b[i]!);
}

export function evaluate(results: BenchResults): { targets: TargetVerdict[]; checks: TargetVerdict[] } {
  const t = results.throughput;
  const targets: TargetVerdict[] = [];
  const ratio = (name: string, key: ThroughputKey, baseKey: ThroughputKey, min: number) => {
    const a = t[key];
    const b = t[baseKey];
    const threshold = `≥ ${min} × ${THROUGHPUT[baseKey].split(':')[0]}`;
    const interleaved = results.interleaved?.[key];
    if (interleaved && interleaved.ratios.length > 0) {
      // Every paired measurement counts: the rounds' (fresh servers, measured back to back)
      // and the interleaved turns' (both servers side by side, loaded in turn). Neither
      // way is steady on a shared machine; more pairs make the median steadier.
      const rounds = a && b ? (pairedRatios(a.roundsRps, b.roundsRps) ?? [a.rps / b.rps]) : [];
      const all = [...rounds, ...interleaved.ratios];
      const r = median(all);
      const list = (values: number[]) => values.map((x) => fmt(x, 2)).join(' · ');
      const cpu = a && b ? `; server CPU per request in the rounds ${fmt(a.serverCpuMsPerOp, 2)} vs ${fmt(b.serverCpuMsPerOp, 2)} ms` : '';
      targets.push({
        name,
        threshold,
        measured:
          `${fmt(r, 2)}×, median of ${all.length} paired ratios: rounds ${list(rounds) || 'none'}; interleaved ${interleaved.sliceS}-s turns ${list(interleaved.ratios)} ` +
          `(turns ${interleaved.rps.map((x) => fmt(x, 0)).join(' · ')} vs ${interleaved.baseRps.map((x) => fmt(x, 0)).join(' · ')} req/s${cpu})`,
        pass: r >= min,
      });
      return;
    }
    if (!a || !b) return;
    // The same ratio from the server's CPU time per request: less sensitive to other processes on a shared machine.
    const cpu = b.serverCpuMsPerOp / a.serverCpuMsPerOp;
    const cpuText = `by server CPU per request: ${fmt(a.serverCpuMsPerOp, 2)} vs ${fmt(b.serverCpuMsPerOp, 2)} ms = ${fmt(cpu, 2)}×`;
    const pairs = pairedRatios(a.roundsRps, b.roundsRps);
    if (pairs) {
      // Each round measured the two back to back, on the same machine state: the ratio is taken per round
      // (the machine's own drift between rounds cancels out), and the median of those ratios kept.
      const r = median(pairs);
      targets.push({
        name,
        threshold,
        measured: `${fmt(r, 2)}×, median of the rounds' ratios ${pairs.map((x) => fmt(x, 2)).join(' · ')} (median rounds ${fmt(a.rps, 0)} vs ${fmt(b.rps, 0)} req/s; ${cpuText})`,
        pass: r >= min,
      });
      return;
    }
    const r = a.rps / b.rps;
    targets.push({
      name,
      threshold,
      measured: `${fmt(a.rps, 0)} vs ${fmt(b.rps, 0)} req/s = ${fmt(r, 2)}× (${cpuText})`,
      pass: r >= min,
    });
  };
  // The verdict is absolute; beside it, every round's p99 and the engine's own in the same run, since on
  // a shared machine the engine alone lands near this threshold too.
  const tokenP99Context = () => {
    const rounds = (r: (typeof t)['server.token']) => (r?.roundsP99 && r.roundsP99.length > 1 ? `, rounds ${r.roundsP99.map((x) => fmt(x, 0)).join(' · ')}` : '');
    const engine = t['engine.token'];
    const beside = engine ? `; engine alone in the same run: ${fmt(engine.p99, 2)} ms${rounds(engine)}` : '';
    return `(p99${rounds(t['server.token'])}${beside})`;
  };
  const atMost = (name: string, value: number | undefined, max: number, unit: string, what: string, digits = 2) => {
    if (value === undefined) return;
    targets.push({ name, threshold: `≤ ${max} ${unit}`, measured: `${fmt(value, digits)} ${unit} ${what}`.trim(), pass: value <= max });
  };

  for (const target of RATIO_TARGETS) {
    ratio(target.name, target.key, target.baseKey, target.min);
    // Token issuance has a latency target too, shown beside its throughput.
    if (target.key === 'server.token') atMost('Token issuance p99 latency', t['server.token']?.p99, 25, 'ms', tokenP99Context());
  }
  if (t['server.authCode']) {
    targets.push({
      name: 'Auth code + PKCE exchanges',
      threshold: '≥ 400 /s',
      measured: `${fmt(t['server.authCode'].rps, 0)} /s`,
      pass: t['server.authCode'].rps >= 400,
    });
  }
  const ops = results.scale?.operations;
  if (ops) {
    const scaleMeasured = (op: ScaleOperation) => `(median; p99 ${fmt(ops[op].p99, 2)} ms)`;
    atMost('Scale: first clients page with a search', ops.listClientsSearch.p50, 30, 'ms', scaleMeasured('listClientsSearch'));
    atMost("Scale: one client's consents", ops.clientConsents.p50, 10, 'ms', scaleMeasured('clientConsents'));
    atMost('Scale: revoke a consent with 100 live tokens', ops.revokeConsent100.p50, 20, 'ms', scaleMeasured('revokeConsent100'));
  }
  if (results.process) {
    atMost('Cold start (npm run serve → discovery)', results.process.coldStart.medianMs, 1500, 'ms', `(median of ${results.process.coldStart.runsMs.length}; max ${results.process.coldStart.maxMs} ms)`, 0);
    atMost('Idle RSS', results.process.rss.idleMB, 150, 'MB', '', 1);
  }

  const checks: TargetVerdict[] = [];
  const failed = [...Object.entries(t), ...Object.entries(results.interleaved ?? {}).map(([k, v]) => [`${k} (interleaved)`, v] as const)].filter(
    ([, v]) => v.failed > 0,
  );
  checks.push({
    name: 'Every load request answered 2xx',
    threshold: '0 failed',
    measured: failed.length ? failed.map(([k, v]) => `${k}: ${v.failed} failed`).join(', ') : '0 failed',
    pass: failed.length === 0,
  });
  if (results.scale) {
    const rounds = results.scale.purge.rounds;
    checks.push({
      name: 'Purge keeps expired rows bounded',
      threshold: '0 expired rows left, live rows kept',
      measured: rounds.map((r) => `+${r.expiredInserted} expired → ${r.expiredLeft} left, ${r.tokensAfter} tokens`).join('; '),
      pass: results.scale.purge.bounded,
    });
  }
  return { targets, checks };
}

export function markdown(results: BenchResults): string {
  const s = results.settings;
  const lines: string[] = [];
  lines.push(`# MCP Auth Desk benchmark${results.quick ? ' (quick run: reduced scale, not comparable)' : ''}`);
  lines.push('');
  lines.push(runLine(results));
  lines.push('');
  lines.push(
    `Load: autocannon (separate process from the server) or the benchmark's own closed-loop driver for the code and refresh flows; ` +
      `${s.connections} connections, ${s.warmupS} s warm-up then ${s.durationS} s measured on the same connections${s.freshServerPerMeasurement ? ', a fresh server process and data folder per measurement' : ''}` +
      (s.rounds > 1
        ? `; ${s.rounds} rounds, each pair that a target compares measured back to back in alternating order, and the round of median throughput shown (every round's req/s and p99 in the last columns)${results.interleaved ? '' : "; a ratio target takes the median of the rounds' ratios"}. `
        : '. ') +
      (results.interleaved
        ? `A ratio target is measured once more with its two servers running side by side, both warmed for ${s.warmupS} s, then loaded in turn (${s.interleavedTurns} turns each, ${s.turnS} s measured after ${s.turnWarmupS} s on the same connections, the order alternating): its verdict is the median of all its paired ratios, the rounds' and the turns'. `
        : '') +
      'Each server under test runs from an esbuild bundle on plain Node, as `npm run serve` runs the server. ' +
      'The machine is shared: each measurement waits for other processes to quieten, and the table shows what they used meanwhile. ' +
      'Generated by `npm run bench`.',
  );
  lines.push('');
  lines.push('## Throughput and latency');
  lines.push('');
  lines.push(...throughputTable(results));
  if (results.scale) {
    const d = results.scale.dataSet;
    lines.push('');
    lines.push('## Admin operations at scale');
    lines.push('');
    lines.push(
      `Data set: ${d.clients.toLocaleString('en')} clients, ${d.users.toLocaleString('en')} users, ${d.consents.toLocaleString('en')} consents, ` +
        `${d.liveTokens.toLocaleString('en')} live tokens; built by SQL inserts in ${d.buildMs} ms; database file ${d.dbSizeMB} MB.`,
    );
    lines.push('');
    lines.push('| Operation | median ms | p99 ms | calls |');
    lines.push('| --- | ---: | ---: | ---: |');
    for (const op of SCALE_OPERATIONS) {
      const o = results.scale.operations[op];
      if (o) lines.push(`| ${o.label} | ${fmt(o.p50, 2)} | ${fmt(o.p99, 2)} | ${o.count} |`);
    }
    lines.push('');
    lines.push('| Purge round | expired rows inserted | deleted | ms | expired left | tokens after |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    results.scale.purge.rounds.forEach((r, i) => {
      lines.push(`| ${i + 1} | ${r.expiredInserted} | ${r.deleted} | ${fmt(r.ms, 1)} | ${r.expiredLeft} | ${r.tokensAfter} |`);
    });
  }
  if (results.process) {
    const p = results.process;
    lines.push('');
    lines.push('## Process');
    lines.push('');
    lines.push('| Figure | Value |');
    lines.push('| --- | ---: |');
    lines.push(`| Cold start, \`npm run serve\` → first discovery answer (median of ${p.coldStart.runsMs.length}) | ${p.coldStart.medianMs} ms |`);
    lines.push(`| Cold start, slowest | ${p.coldStart.maxMs} ms |`);
    lines.push(`| RSS idle (\`node scripts/serve.mjs\`) | ${p.rss.idleMB} MB |`);
    lines.push(`| RSS under load (highest sample) | ${p.rss.loadMB} MB |`);
  }
  lines.push('');
  lines.push('## Targets');
  lines.push('');
  lines.push(...targetsTable(results));
  lines.push('');
  return lines.join('\n');
}

/** When, which commit, on what machine. */
export function runLine(results: BenchResults): string {
  const m = results.machine;
  return `${results.date} · commit ${results.git.commit.slice(0, 7)}${results.git.dirty ? ' (with uncommitted changes)' : ''} · ${m.cpuModel} · ${m.cores} cores · Node ${m.node} · ${m.platform} · ${m.totalMemoryMB} MB RAM · load average ${fmt(m.loadAvgAtStart, 2)} at start`;
}

export function throughputTable(results: BenchResults): string[] {
  const lines = [
    '| Measurement | req/s | p50 ms | p99 ms | failed | server CPU ms/op | CPU used by other processes | req/s by round | p99 ms by round |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const key of THROUGHPUT_KEYS) {
    const r = results.throughput[key];
    const rounds = r?.roundsRps?.map((rps) => fmt(rps, 0)).join(' · ') ?? '';
    const p99s = r?.roundsP99?.map((p99) => fmt(p99, 0)).join(' · ') ?? '';
    if (r) lines.push(`| ${r.label} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.failed} | ${fmt(r.serverCpuMsPerOp, 2)} | ${fmt(r.otherCpuPct, 1)}% | ${rounds} | ${p99s} |`);
  }
  return lines;
}

export function targetsTable(results: BenchResults): string[] {
  return [
    '| Target | Threshold | Measured | Result |',
    '| --- | --- | --- | --- |',
    ...[...results.targets, ...results.checks].map((v) => `| ${v.name} | ${v.threshold} | ${v.measured} | ${v.pass ? 'pass' : '**FAIL**'} |`),
  ];
}
