import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sleep } from './stats';

/**
 * How much CPU other processes take while we measure. The build machine is
 * shared (two cores), so a measurement taken while something else runs is not
 * comparable; we wait for a quiet moment before each measurement and record
 * what others used during it.
 */

interface Snapshot {
  total: number;
  busy: number;
  own: number;
}

function machine(): { total: number; busy: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { total, busy: total - idle };
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}

export function snapshot(pids: number[]): Snapshot {
  const { total, busy } = machine();
  return { total, busy, own: pids.reduce((sum, pid) => sum + processTicks(pid), 0) };
}

/** Percentage of the whole machine (all cores) used by processes other than `pids` between two snapshots. */
export function foreignPct(before: Snapshot, after: Snapshot): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  const foreign = Math.max(0, after.busy - before.busy - (after.own - before.own));
  return Math.round((foreign / total) * 1000) / 10;
}

/** Waits (at most maxWaitMs) until other processes use less than thresholdPct of the machine over one second. */
export async function waitForQuiet(pids: number[], options: { thresholdPct: number; maxWaitMs: number }): Promise<{ waitedMs: number; foreignPct: number }> {
  const started = performance.now();
  let last = 0;
  for (;;) {
    const before = snapshot(pids);
    await sleep(1000);
    last = foreignPct(before, snapshot(pids));
    const waitedMs = Math.round(performance.now() - started);
    if (last < options.thresholdPct || waitedMs >= options.maxWaitMs) return { waitedMs, foreignPct: last };
  }
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/**
 * The measured window of one load run: its bounds on the monotonic clock (the
 * clock of a .cpuprofile's timestamps, in µs) and the CPU time the server
 * process used inside it.
 */
export class MeasureWindow {
  startMicros = 0;
  endMicros = 0;
  #startTicks = 0;
  #endTicks = 0;

  constructor(readonly pid: number) {}

  readonly hook = (phase: 'start' | 'end'): void => {
    const now = Number(process.hrtime.bigint() / 1000n);
    if (phase === 'start') {
      this.startMicros = now;
      this.#startTicks = processTicks(this.pid);
    } else {
      this.endMicros = now;
      this.#endTicks = processTicks(this.pid);
    }
  };

  /** CPU milliseconds the server used in the window. */
  cpuMs(): number {
    return ((this.#endTicks - this.#startTicks) * 1000) / ticksPerSecond();
  }
}
