import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminService } from '../src/main/admin/service';
import { DATABASE_FILE_NAME, openDatabase } from '../src/main/store/database';
import { ROOT } from './lib/children';
import { basicAuth, HttpClient, json } from './lib/http';
import { autocannonLoad } from './lib/load';
import { round, sleep, summarize } from './lib/stats';

/**
 * Process figures of the real headless server: cold start of `npm run serve`
 * to its first discovery answer, and the resident memory of the server process.
 */

const DISCOVERY = '/.well-known/oauth-authorization-server';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function discoveryOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: DISCOVERY, agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function waitForDiscovery(port: number, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output()}`);
    if (await discoveryOk(port)) return;
    await sleep(5);
  }
  throw new Error(`no answer on ${DISCOVERY} within ${timeoutMs} ms:\n${output()}`);
}

/** Stops a child that was started detached (its own process group: npm → sh → node), by its group id. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

interface ServeRun {
  ms: number;
  rebuilt: boolean;
}

/** One `npm run serve` start on a free port and a fresh data folder; resolves with the time to the first discovery answer. */
async function oneServeStart(timeoutMs: number): Promise<ServeRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mad-bench-serve-'));
  const port = await freePort();
  let output = '';
  const started = performance.now();
  const child = spawn('npm', ['run', 'serve', '--', '--port', String(port), '--data-dir', dataDir], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await waitForDiscovery(port, child, timeoutMs, () => output);
    const ms = performance.now() - started;
    return { ms: round(ms, 0), rebuilt: /Building/.test(output) };
  } finally {
    await stopGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export interface ColdStartResult {
  warmupMs: number;
  runsMs: number[];
  medianMs: number;
  maxMs: number;
}

/** A first start builds the bundles if the sources changed; it is not counted. Then `runs` measured starts. */
export async function measureColdStart(runs: number, log: (line: string) => void): Promise<ColdStartResult> {
  const warm = await oneServeStart(300_000);
  log(`  warm-up start (may build the bundle): ${warm.ms} ms`);
  const runsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    let run = await oneServeStart(30_000);
    // A source edit between two starts triggers a rebuild: that start is not a cold start of the build, redo it.
    if (run.rebuilt) run = await oneServeStart(30_000);
    runsMs.push(run.ms);
  }
  const summary = summarize(runsMs);
  log(`  npm run serve → first discovery answer: ${runsMs.join(', ')} ms`);
  return { warmupMs: warm.ms, runsMs, medianMs: summary.p50, maxMs: summary.max };
}

function readStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]);
}

export interface MemoryResult {
  idleMB: number;
  loadMB: number;
  peakMB: number;
}

/**
 * RSS of the real server process: `node scripts/serve.mjs` started directly (so
 * the pid is the server, not npm), idle after start-up settles, then the
 * highest RSS seen under load (client-credentials issuance, then /mcp calls).
 */
export async function measureMemory(options: { connections: number; loadS: number; idleSettleMs: number }, log: (line: string) => void): Promise<MemoryResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mad-bench-rss-'));
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'serve.mjs'), '--port', String(port), '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitForDiscovery(port, child, 60_000, () => output);
    // The MCP SDK loads in the background shortly after start; let that settle.
    await sleep(options.idleSettleMs);
    const pid = child.pid!;
    const idleKb = readStatusKb(pid, 'VmRSS');

    // A client-credentials client, created through the admin service on the same database file.
    const db = openDatabase(join(dataDir, DATABASE_FILE_NAME));
    let client: { clientId: string; clientSecret: string };
    try {
      const created = await createAdminService({ db, transport: 'ipc', serverState: () => ({}) as never }).createClient({ name: 'bench rss' });
      if (!created.ok || !created.value.clientSecret) throw new Error('createClient failed');
      client = { clientId: created.value.client.clientId, clientSecret: created.value.clientSecret };
    } finally {
      db.close();
    }
    const url = `http://127.0.0.1:${port}`;
    const http = new HttpClient(url);
    const auth = basicAuth(client.clientId, client.clientSecret);
    const issued = await http.postForm('/token', { grant_type: 'client_credentials' }, { authorization: auth });
    if (issued.status !== 200) throw new Error(`token request failed: ${issued.status} ${issued.body}`);
    const accessToken = json<{ access_token: string }>(issued).access_token;
    http.close();

    let maxKb = idleKb;
    const sampler = setInterval(() => {
      try {
        maxKb = Math.max(maxKb, readStatusKb(pid, 'VmRSS'));
      } catch {
        /* exited */
      }
    }, 100);
    try {
      await autocannonLoad({
        url: `${url}/token`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth },
        body: 'grant_type=client_credentials',
        connections: options.connections,
        warmupS: 0,
        durationS: options.loadS,
      });
      await autocannonLoad({
        url: `${url}/mcp`,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
        connections: options.connections,
        warmupS: 0,
        durationS: options.loadS,
      });
    } finally {
      clearInterval(sampler);
    }
    const peakKb = readStatusKb(pid, 'VmHWM');
    const result = { idleMB: round(idleKb / 1024, 1), loadMB: round(maxKb / 1024, 1), peakMB: round(peakKb / 1024, 1) };
    log(`  RSS of node scripts/serve.mjs: idle ${result.idleMB} MB, under load ${result.loadMB} MB (VmHWM ${result.peakMB} MB)`);
    return result;
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
