/**
 * The benchmark: `npm run bench` (full run, writes bench/results.json and
 * bench/results.md) or `npm run bench -- --quick` (a few seconds per target,
 * reduced scale, written to a temp folder).
 *
 * Options:
 *   --quick             short runs, reduced scale; results go to <tmp>/mcp-auth-desk-bench-quick
 *   --out <dir>         where to write results.json and results.md
 *   --only <a,b,...>    only these measurements (throughput keys such as server.token, or scale, process)
 *   --profile           run each server child under `node --cpu-prof` and summarise the profiles
 *   --duration <s>      measured seconds per target (default 3, quick 1)
 *   --rounds <n>        rounds of every measurement, the median kept (default 3, quick and profile 1)
 *   --warmup <s>        warm-up seconds per target (default 2, quick none)
 *
 * After the rounds, each ratio target (report.ts RATIO_TARGETS) is measured once
 * more with its two servers side by side, loaded in turn (see interleavedRatio):
 * its verdict is the median of the rounds' and the turns' ratios. Not in profile mode.
 *
 * The servers under test run in child processes (bench/target.ts); the load
 * generator (autocannon, or the flow driver) runs here. Everything is on
 * 127.0.0.1, in fresh temp data folders that are removed afterwards.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { authCodeLoad, refreshLoad } from './flows';
import { foreignPct, MeasureWindow, snapshot, waitForQuiet } from './lib/cpu';
import { bundleTargets, profileFile, ROOT, startTarget, type Target } from './lib/children';
import { basicAuth, HttpClient, json } from './lib/http';
import { autocannonLoad, type LoadResult } from './lib/load';
import { round } from './lib/stats';
import { evaluate, flatten, markdown, MEASUREMENT_KEYS, RATIO_TARGETS, THROUGHPUT, type BenchResults, type InterleavedRatio, type ThroughputKey } from './lib/report';
import { measureColdStart, measureMemory } from './process';
import { README_START, updateReadme } from './lib/readme';
import { formatProfile, summarizeProfile } from './profile-summary';
import { FULL_SCALE, QUICK_SCALE, runScale } from './scale';
import type { TargetKind } from './target';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
  },
  strict: true,
});

const quick = args.quick!;
const only = args.only ? new Set(args.only.split(',').map((s) => s.trim())) : undefined;
const complete = !only && !args.profile;
const settings = {
  connections: 32,
  warmupS: Number(args.warmup ?? (quick ? 0 : 2)),
  // autocannon measures whole seconds: 1 is its shortest run.
  durationS: Number(args.duration ?? (quick ? 1 : 3)),
  // A fresh server per measurement keeps them independent (and profiles clean); quick mode reuses them to stay short.
  freshServerPerMeasurement: !quick || args.profile!,
  // Each measurement is taken in several rounds and the median kept (one round when quick or profiling).
  rounds: Number(args.rounds ?? (quick || args.profile ? 1 : 3)),
  coldStarts: quick ? 1 : 5,
  // Ratio targets: both servers side by side, loaded in turn (see interleavedRatio); an even
  // count, so that each side goes first as often; with the rounds, an odd number of ratios.
  interleavedTurns: quick ? 1 : 6,
  turnWarmupS: quick ? 0 : 1,
  turnS: 1,
};
const outDir = args.out ?? (complete && !quick ? join(ROOT, 'bench') : join(tmpdir(), quick ? 'mcp-auth-desk-bench-quick' : 'mcp-auth-desk-bench-partial'));
const profileRoot = join(tmpdir(), `mad-bench-profiles-${process.pid}`);
const wanted = (key: string) => !only || only.has(key);
const log = (line: string) => process.stdout.write(`${line}\n`);

const MCP_BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** The window of the measurement in progress (set before each run). */
let window_: MeasureWindow | undefined;

function load(request: PreparedLoad): Promise<LoadResult> {
  return autocannonLoad({
    ...request,
    connections: settings.connections,
    warmupS: settings.warmupS,
    durationS: settings.durationS,
    onMeasure: window_?.hook,
  });
}

async function clientCredentialsToken(target: Target): Promise<{ token: string; auth: string }> {
  const { clientId, clientSecret } = target.info.machineClient!;
  const auth = basicAuth(clientId, clientSecret);
  const http = new HttpClient(target.info.url);
  try {
    const response = await http.postForm('/token', { grant_type: 'client_credentials' }, { authorization: auth });
    if (response.status !== 200) throw new Error(`client_credentials failed: ${response.status} ${response.body}`);
    return { token: json<{ access_token: string }>(response).access_token, auth };
  } finally {
    http.close();
  }
}

/** One request through the same path as the load, to be sure it succeeds before measuring. */
async function check(target: Target, method: string, path: string, headers: Record<string, string>, body: string | undefined, ok: (status: number, body: string) => boolean) {
  const http = new HttpClient(target.info.url);
  try {
    const response = await http.send(method, path, headers, body);
    if (!ok(response.status, response.body)) throw new Error(`${method} ${path} check failed: ${response.status} ${response.body.slice(0, 300)}`);
  } finally {
    http.close();
  }
}

/** A fixed request autocannon repeats, ready to send (any token it needs already fetched and checked). */
interface PreparedLoad {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

async function tokenRequest(target: Target): Promise<PreparedLoad> {
  const { auth } = await clientCredentialsToken(target);
  return { url: `${target.info.url}/token`, method: 'POST', headers: { ...FORM, authorization: auth }, body: 'grant_type=client_credentials' };
}

async function introspectionRequest(target: Target): Promise<PreparedLoad> {
  const { token, auth } = await clientCredentialsToken(target);
  const headers = { ...FORM, authorization: auth };
  const body = new URLSearchParams({ token }).toString();
  await check(target, 'POST', '/introspect', headers, body, (status, text) => status === 200 && JSON.parse(text).active === true);
  return { url: `${target.info.url}/introspect`, method: 'POST', headers, body };
}

async function mcpRequest(target: Target): Promise<PreparedLoad> {
  // Both modes get a token first and send it: the only difference is whether the
  // server checks it. (Serving an OAuth request also puts the process in the state
  // it is always in once in use: the engine's per-request async context is enabled.)
  const headers: Record<string, string> = { ...MCP_HEADERS, authorization: `Bearer ${(await clientCredentialsToken(target)).token}` };
  await check(target, 'POST', '/mcp', headers, MCP_BODY, (status, text) => status === 200 && text.includes('"result"') && !text.includes('"isError":true'));
  return { url: `${target.info.url}/mcp`, method: 'POST', headers, body: MCP_BODY };
}

async function registrationLoad(target: Target): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json' };
  const body = JSON.stringify({
    client_name: 'bench DCR client',
    redirect_uris: ['http://127.0.0.1:9/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  await check(target, 'POST', '/register', headers, body, (status) => status === 201);
  return load({ url: `${target.info.url}/register`, method: 'POST', headers, body });
}

const flowOptions = () => ({
  connections: settings.connections,
  warmupS: settings.warmupS,
  durationS: settings.durationS,
  onMeasure: window_?.hook,
});

type Step = {
  key: ThroughputKey;
  kind: TargetKind;
  run: (target: Target) => Promise<LoadResult>;
  /** For autocannon steps: the request, which the interleaved ratio measurement repeats too. */
  prepare?: (target: Target) => Promise<PreparedLoad>;
};
const autocannonStep = (key: ThroughputKey, kind: TargetKind, prepare: (target: Target) => Promise<PreparedLoad>): Step => ({
  key,
  kind,
  prepare,
  run: async (target) => load(await prepare(target)),
});
const authCode: Step['run'] = (t) => authCodeLoad(t.info.url, t.info.username!, flowOptions());

/**
 * What is measured, in groups whose members are compared with each other (a
 * target is a ratio between them). The members of a group are measured one
 * right after the other, in alternating order from round to round, so a change
 * in the machine's speed (it is shared) hits both sides alike.
 */
const PLAN: Step[][] = [
  [autocannonStep('ceiling.hello', 'hello', async (t) => ({ url: `${t.info.url}/` }))],
  [autocannonStep('engine.token', 'engine-alone', tokenRequest), autocannonStep('server.token', 'server', tokenRequest)],
  [autocannonStep('engine.introspect', 'engine-alone', introspectionRequest), autocannonStep('server.introspect', 'server', introspectionRequest)],
  [autocannonStep('server.mcpAuthenticated', 'server', mcpRequest), autocannonStep('server.mcpUnauthenticated', 'server-noauth', mcpRequest)],
  [
    { key: 'memoryAdapter.authCode', kind: 'engine-memory', run: authCode },
    { key: 'server.authCode', kind: 'server', run: authCode },
  ],
  [{ key: 'server.refresh', kind: 'server', run: (t) => refreshLoad(t.info.url, t.info.username!, flowOptions()) }],
  [{ key: 'server.dcr', kind: 'server', run: registrationLoad }],
];

type Measured = LoadResult & { otherCpuPct: number; serverCpuMsPerOp: number };

/** The round with the median throughput (its latencies and CPU come with it); every round's req/s is kept. */
function medianRound(rounds: { result: Measured; window?: MeasureWindow }[]) {
  const sorted = [...rounds].sort((a, b) => a.result.rps - b.result.rps);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)]!,
    roundsRps: rounds.map((r) => r.result.rps),
    roundsP99: rounds.map((r) => r.result.p99),
  };
}

/**
 * A ratio measured on two servers that run side by side: each is loaded in turn
 * for `turnS` seconds (after `turnWarmupS` on the same connections, so that
 * connection set-up is not measured), the order alternating, and each pair of
 * turns gives one ratio. The two sides of a pair are 2 s apart instead of ~10 s
 * in the rounds; the machine's speed still moves within seconds (single turns of
 * the same code gave 0.6–1.3), so the verdict pools these ratios with the rounds'.
 */
async function interleavedRatio(measuredStep: Step, baseStep: Step): Promise<Omit<InterleavedRatio, 'baseKey'>> {
  const sides: Target[] = [];
  try {
    // Started inside the try: if the second fails to start, the first is stopped too.
    sides.push(await startTarget(measuredStep.kind), await startTarget(baseStep.kind));
    const requests = [await measuredStep.prepare!(sides[0]!), await baseStep.prepare!(sides[1]!)];
    let failed = 0;
    // Warm both (JIT, caches) before the first turn: in 1 s turns a cold server measured up to a third slower.
    if (settings.warmupS > 0) {
      for (const request of requests) failed += (await autocannonLoad({ ...request, connections: settings.connections, warmupS: 0, durationS: settings.warmupS })).failed;
    }
    const rps: [number[], number[]] = [[], []];
    for (let turn = 0; turn < settings.interleavedTurns; turn++) {
      for (const side of turn % 2 === 0 ? [0, 1] : [1, 0]) {
        const result = await autocannonLoad({ ...requests[side]!, connections: settings.connections, warmupS: settings.turnWarmupS, durationS: settings.turnS });
        rps[side]!.push(result.rps);
        failed += result.failed;
      }
    }
    return { warmupS: settings.turnWarmupS, sliceS: settings.turnS, rps: rps[0], baseRps: rps[1], ratios: rps[0].map((value, i) => value / rps[1][i]!), failed };
  } finally {
    await Promise.all(sides.map((side) => side.stop()));
  }
}

function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'scripts', 'package.json'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  // Waiting for a quiet machine and measuring again are bounded: after 8 minutes the run just goes on.
  const patient = () => !quick && performance.now() - started < 8 * 60_000;
  const results: BenchResults = {
    quick,
    date: new Date().toISOString(),
    git: gitState(),
    machine: {
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
      loadAvgAtStart: round(loadavg()[0]!, 2),
    },
    settings,
    throughput: {},
    measurements: {},
    targets: [],
    checks: [],
  };
  log(`MCP Auth Desk benchmark${quick ? ' (quick)' : ''}: ${results.machine.cpuModel}, ${results.machine.cores} cores, Node ${results.machine.node}`);

  if (!args.profile) await bundleTargets();
  let current: Target | undefined;
  const release = async () => {
    await current?.stop();
    current = undefined;
  };
  const measured = new Map<ThroughputKey, { result: Measured; window?: MeasureWindow }[]>();
  /** One measurement of one step; another process that starts mid-way spoils it: measure again (up to twice), keep the least disturbed. */
  const measure = async (step: Step, roundIndex: number) => {
    if (!current || current.info.kind !== step.kind || settings.freshServerPerMeasurement) {
      await release();
      current = await startTarget(step.kind, { profileDir: args.profile ? join(profileRoot, step.key) : undefined });
    }
    const target = current;
    log(`${THROUGHPUT[step.key]}${settings.rounds > 1 ? ` (round ${roundIndex + 1} of ${settings.rounds})` : ''} ...`);
    const pids = [process.pid, target.info.pid];
    let best: { result: Measured; window?: MeasureWindow } | undefined;
    for (let attempt = 0; attempt < (patient() ? 3 : 1); attempt++) {
      if (patient()) {
        const quiet = await waitForQuiet(pids, { thresholdPct: 10, maxWaitMs: 45_000 });
        if (quiet.waitedMs > 1500) log(`  waited ${Math.round(quiet.waitedMs / 1000)} s for other processes to quieten (${quiet.foreignPct}% of the machine)`);
      }
      const before = snapshot(pids);
      window_ = new MeasureWindow(target.info.pid);
      const result = await step.run(target);
      const otherCpuPct = foreignPct(before, snapshot(pids));
      const serverCpuMsPerOp = round(window_.cpuMs() / Math.max(1, result.ok), 3);
      log(
        `  ${result.rps} /s, p50 ${result.p50} ms, p99 ${result.p99} ms, server CPU ${serverCpuMsPerOp} ms/op, other processes ${otherCpuPct}% CPU${result.failed ? `, ${result.failed} FAILED` : ''}`,
      );
      if (!best || otherCpuPct < best.result.otherCpuPct) best = { result: { ...result, otherCpuPct, serverCpuMsPerOp }, window: window_ };
      window_ = undefined;
      if (otherCpuPct <= 10 || !patient() || attempt === 2) break;
      log('  disturbed by other processes; measuring again');
    }
    measured.set(step.key, [...(measured.get(step.key) ?? []), best!]);
  };
  try {
    for (let r = 0; r < settings.rounds; r++) {
      for (const group of PLAN) {
        const steps = group.filter((step) => wanted(step.key));
        for (const step of r % 2 === 0 ? steps : [...steps].reverse()) await measure(step, r);
      }
    }
  } finally {
    await release();
  }
  for (const [key, rounds] of measured) {
    const median = medianRound(rounds);
    results.throughput[key] = { label: THROUGHPUT[key], ...median.result, ...(rounds.length > 1 ? { roundsRps: median.roundsRps, roundsP99: median.roundsP99 } : {}) };
    if (args.profile) {
      const file = profileFile(join(profileRoot, key));
      if (file) {
        // Only the samples of the measured window that was kept.
        const summary = summarizeProfile(file, { sinceMicros: median.window?.startMicros, untilMicros: median.window?.endMicros, top: 25 });
        (results.profiles ??= {})[key] = { ...summary, file, windowMicros: [median.window?.startMicros ?? 0, median.window?.endMicros ?? 0] };
        log(formatProfile(summary, `  profile of ${key} (${file})`));
      }
    }
  }

  // Each ratio target once more, its two servers side by side and loaded in turn.
  if (!args.profile) {
    const steps = new Map(PLAN.flat().map((step) => [step.key, step]));
    for (const target of RATIO_TARGETS) {
      const measuredStep = steps.get(target.key);
      const baseStep = steps.get(target.baseKey);
      if (!measuredStep?.prepare || !baseStep?.prepare || !wanted(target.key) || !wanted(target.baseKey)) continue;
      log(`${target.name}: ${settings.interleavedTurns} interleaved turns ...`);
      if (patient()) await waitForQuiet([process.pid], { thresholdPct: 10, maxWaitMs: 45_000 });
      const interleaved = await interleavedRatio(measuredStep, baseStep);
      log(`  ${interleaved.ratios.map((r) => r.toFixed(2)).join(' · ')}`);
      (results.interleaved ??= {})[target.key] = { baseKey: target.baseKey, ...interleaved };
    }
  }

  const quietGate = async () => {
    if (patient()) await waitForQuiet([process.pid], { thresholdPct: 10, maxWaitMs: 45_000 });
  };
  if (wanted('scale')) {
    log('Admin operations at scale ...');
    await quietGate();
    results.scale = await runScale(quick ? QUICK_SCALE : FULL_SCALE, log);
  }
  if (wanted('process')) {
    log('Process figures ...');
    await quietGate();
    const coldStart = await measureColdStart(settings.coldStarts, log);
    const rss = await measureMemory({ connections: settings.connections, loadS: quick ? 1 : 5, idleSettleMs: quick ? 1000 : 2000 }, log);
    results.process = { coldStart, rss };
  }

  results.measurements = flatten(results);
  const verdicts = evaluate(results);
  results.targets = verdicts.targets;
  results.checks = verdicts.checks;
  if (complete) {
    const missing = MEASUREMENT_KEYS.filter((key) => !(results.measurements[key]! > 0));
    if (missing.length) throw new Error(`measurements missing or not positive: ${missing.join(', ')}`);
  }

  mkdirSync(outDir, { recursive: true });
  const md = markdown(results);
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'results.md'), md);
  log('');
  log(md);
  log(`Results: ${join(outDir, 'results.json')} and results.md (${Math.round((performance.now() - started) / 1000)} s)`);
  if (complete && !quick && !args.out) {
    const readme = join(ROOT, 'README.md');
    log(updateReadme(readme, results) ? `README.md: Performance section updated` : `README.md: no ${README_START} marker, not updated`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
