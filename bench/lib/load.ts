import autocannon, { type AutocannonOptions } from 'autocannon';
import { round, summarize } from './stats';

/** What one load measurement reports. Latencies are per request (or per flow iteration), in ms. */
export interface LoadResult {
  /** Successful operations per second in the measured window. */
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  durationS: number;
  connections: number;
}

export interface LoadOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  warmupS: number;
  durationS: number;
  /** Called when the measured window starts and ends (after the warm-up). */
  onMeasure?: (phase: 'start' | 'end') => void;
}

/** One autocannon run; `onResponse` sees every answer, `onError` every request that got none (errors and timeouts). */
function run(options: AutocannonOptions, onResponse?: (status: number, ms: number) => void, onError?: () => void) {
  return new Promise<{ duration: number; errors: number; timeouts: number }>((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    if (onResponse) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onResponse(status, ms));
    }
    if (onError) instance.on('reqError', () => onError());
  });
}

/**
 * autocannon against one endpoint: one run whose first `warmupS` seconds are
 * the warm-up and the rest is measured, on the same connections. (Two runs
 * would open 32 new connections at the start of the measured one: autocannon
 * opens them one by one while it already serves the first, and those first
 * requests, which count connection set-up in a busy client, took a median of
 * 15–120 ms and up to 330 ms over nine runs here, against 11–17 ms for the rest.)
 * Latency comes from autocannon's per-response timings (fractional ms) of the
 * responses received in the measured window; throughput counts 2xx answers only;
 * any other answer, and any request that got none in the window, counts as failed.
 */
export async function autocannonLoad(options: LoadOptions): Promise<LoadResult> {
  const base: AutocannonOptions = {
    url: options.url,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
  };
  const latencies: number[] = [];
  let failed = 0;
  let measuring = false;
  let measureStart = 0;
  const startMeasuring = () => {
    measuring = true;
    measureStart = performance.now();
    options.onMeasure?.('start');
  };
  let warmup: NodeJS.Timeout | undefined;
  if (options.warmupS > 0) warmup = setTimeout(startMeasuring, options.warmupS * 1000);
  else startMeasuring();
  // Only what happens in the measured window counts: answers, and requests that got none.
  await run(
    { ...base, duration: options.warmupS + options.durationS },
    (status, ms) => {
      if (!measuring) return;
      if (status >= 200 && status < 300) latencies.push(ms);
      else failed += 1;
    },
    () => {
      if (measuring) failed += 1;
    },
  ).finally(() => clearTimeout(warmup));
  const measureEnd = performance.now();
  options.onMeasure?.('end');
  const stats = summarize(latencies);
  const durationS = (measureEnd - measureStart) / 1000;
  return {
    rps: round(latencies.length / durationS, 1),
    p50: stats.p50,
    p99: stats.p99,
    ok: latencies.length,
    failed,
    durationS: round(durationS, 2),
    connections: options.connections,
  };
}

/**
 * A closed-loop driver for multi-step flows: `concurrency` loops each run
 * `iteration` back to back. Iterations that finish inside the measured window
 * (after the warm-up) count; each iteration's latency is recorded.
 */
export async function loopLoad(options: {
  concurrency: number;
  warmupS: number;
  durationS: number;
  iteration: (loop: number) => Promise<void>;
  onMeasure?: (phase: 'start' | 'end') => void;
}): Promise<LoadResult & { errors: string[] }> {
  const latencies: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  let completed = 0;
  let phase: 'warmup' | 'measure' | 'done' = options.warmupS > 0 ? 'warmup' : 'measure';
  let measureStart = phase === 'measure' ? performance.now() : 0;
  if (phase === 'measure') options.onMeasure?.('start');
  let measureEnd = 0;

  const loops = Array.from({ length: options.concurrency }, async (_, loop) => {
    while (phase !== 'done') {
      const started = performance.now();
      const startedIn = phase;
      try {
        await options.iteration(loop);
        const ended = performance.now();
        if (phase === 'measure') {
          completed += 1;
          if (startedIn === 'measure') latencies.push(ended - started);
        }
      } catch (error) {
        if (phase === 'measure') failed += 1;
        if (errors.length < 5) errors.push((error as Error).message);
      }
    }
  });

  if (options.warmupS > 0) {
    await new Promise((resolve) => setTimeout(resolve, options.warmupS * 1000));
    phase = 'measure';
    measureStart = performance.now();
    options.onMeasure?.('start');
  }
  await new Promise((resolve) => setTimeout(resolve, options.durationS * 1000));
  phase = 'done';
  measureEnd = performance.now();
  options.onMeasure?.('end');
  await Promise.all(loops);

  const stats = summarize(latencies);
  const durationS = (measureEnd - measureStart) / 1000;
  return {
    rps: round(completed / durationS, 1),
    p50: stats.p50,
    p99: stats.p99,
    ok: completed,
    failed,
    durationS: round(durationS, 2),
    connections: options.concurrency,
    errors,
  };
}
