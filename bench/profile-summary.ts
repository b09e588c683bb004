/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the heaviest functions
 * by self time and by total (inclusive) time, and self time per file/package.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [--since <µs>] [--until <µs>] [--top 25]
 *
 * `--since`/`--until` keep only samples between those process.hrtime values in
 * microseconds (the benchmark passes its measured window), so start-up,
 * warm-up and pauses are not counted.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './lib/children';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  location: string;
  pct: number;
}

export interface ProfileSummary {
  sampledMs: number;
  /** Share of the window the process was busy (not idle). */
  busyPct: number;
  self: ProfileEntry[];
  total: ProfileEntry[];
  files: ProfileEntry[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  let path = url;
  try {
    if (url.startsWith('file://')) path = fileURLToPath(url);
  } catch {
    /* keep the url */
  }
  const rel = relative(ROOT, path);
  return rel.startsWith('..') ? path : rel;
}

/** Where a frame lives, for grouping: the package under node_modules, our source file, or node's internals. */
function fileGroup(url: string): string {
  const short = shortUrl(url);
  if (!short) return '(native/V8)';
  const nm = short.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = short.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
    return `${pkg} (${rest.slice(pkg.split('/').length).join('/')})`;
  }
  if (short.startsWith('node:')) return short;
  return short;
}

export function summarizeProfile(file: string, options: { sinceMicros?: number; untilMicros?: number; top?: number } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const top = options.top ?? 20;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const key = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'}\u0000${shortUrl(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let time = profile.startTime;
  let counted = 0;
  let idle = 0;

  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i] ?? 0;
    const delta = profile.timeDeltas[i + 1] ?? 0; // the time until the next sample is this sample's weight
    if (options.sinceMicros !== undefined && time < options.sinceMicros) continue;
    if (options.untilMicros !== undefined && time > options.untilMicros) continue;
    const node = byId.get(profile.samples[i]!)!;
    const name = node.callFrame.functionName;
    counted += delta;
    if (name === '(idle)') {
      idle += delta;
      continue;
    }
    self.set(key(node), (self.get(key(node)) ?? 0) + delta);
    const group = name === '(garbage collector)' || name === '(program)' ? name : fileGroup(node.callFrame.url);
    files.set(group, (files.get(group) ?? 0) + delta);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const k = key(byId.get(id)!);
      if (seen.has(k) || k.startsWith('(root)')) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + delta);
    }
  }

  const busy = counted - idle;
  const entries = (map: Map<string, number>): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => {
        const [name, location] = k.split('\u0000');
        return { name: name!, location: location ?? '', pct: Math.round((v / Math.max(1, busy)) * 1000) / 10 };
      });
  return {
    sampledMs: Math.round(counted / 1000),
    busyPct: Math.round((busy / Math.max(1, counted)) * 1000) / 10,
    self: entries(self),
    total: entries(total),
    files: entries(files),
  };
}

export function formatProfile(summary: ProfileSummary, heading: string): string {
  const lines = [`${heading}: ${summary.sampledMs} ms sampled, busy ${summary.busyPct}% (percentages below are of busy time)`];
  const table = (title: string, entries: ProfileEntry[]) => {
    lines.push(`  ${title}`);
    for (const e of entries) lines.push(`    ${String(e.pct).padStart(5)}%  ${e.name}  ${e.location}`);
  };
  table('self time', summary.self);
  table('total time (function and what it calls)', summary.total);
  table('self time by file / package', summary.files);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const file = args.find((a) => a.endsWith('.cpuprofile'));
  if (!file) {
    console.error('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [--since <µs>] [--top N]');
    process.exit(2);
  }
  const since = args.indexOf('--since');
  const until = args.indexOf('--until');
  const topIndex = args.indexOf('--top');
  const summary = summarizeProfile(file, {
    sinceMicros: since === -1 ? undefined : Number(args[since + 1]),
    untilMicros: until === -1 ? undefined : Number(args[until + 1]),
    top: topIndex === -1 ? 25 : Number(args[topIndex + 1]),
  });
  console.log(formatProfile(summary, file));
}
