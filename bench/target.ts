/**
 * A server under test, in its own process: `node out/bench/target.mjs <kind>` (the
 * bundle bench/lib/children.ts makes; `node --import tsx bench/target.ts <kind>` when profiling).
 *
 *   hello          a bare node:http server (the ceiling)
 *   engine-alone   oidc-provider alone with this server's configuration, on its in-memory
 *                  adapter: no router, guards, unit of work or activity log (the engine's baseline)
 *   engine-memory  this server with the engine's records in that in-memory adapter
 *   server         startServer as shipped: real SQLite file, hashing on
 *   server-noauth  the same with /mcp authentication disabled
 *
 * Listens on 127.0.0.1 on a free port in a fresh temp data folder, creates the
 * fixtures the benchmark needs, prints one `BENCH_READY {json}` line, and runs
 * until SIGTERM/SIGINT or until its stdin closes (the benchmark process died).
 * The data folder is removed on the way out. Exits with process.exit, so a
 * `--cpu-prof` profile is written.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminService } from '../src/main/admin/service';
import { startServer, type RunningServer } from '../src/main/server/create-server';
import { RegistrationSettingsStore } from '../src/main/store/registration-settings';

export type TargetKind = 'hello' | 'engine-alone' | 'engine-memory' | 'server' | 'server-noauth';

export const BENCH_USERNAME = 'benchuser';

export interface TargetInfo {
  kind: TargetKind;
  url: string;
  pid: number;
  /** process.hrtime in microseconds when ready (same clock as a .cpuprofile's timestamps). */
  readyAtMicros: number;
  /** A confidential client_credentials client (not for `hello`). */
  machineClient?: { clientId: string; clientSecret: string };
  /** Account with an empty password for the sign-in page. */
  username?: string;
}

const kind = process.argv[2] as TargetKind;
const dataDir = mkdtempSync(join(tmpdir(), 'mad-bench-target-'));
let stop: () => Promise<void> = async () => {};
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    try {
      await stop();
    } catch (error) {
      console.error('bench target: close failed', error);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
process.stdin.on('end', () => void shutdown(0));
process.stdin.resume();

async function startHello(): Promise<TargetInfo> {
  const server: Server = createServer({ keepAliveTimeout: 5000 }, (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('hello\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stop = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return { kind, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid, readyAtMicros: 0 };
}

async function startApp(): Promise<TargetInfo> {
  const server: RunningServer = await startServer({
    dataDir,
    port: 0,
    firstRunUsername: BENCH_USERNAME,
    mcpAuthenticationDisabled: kind === 'server-noauth',
    benchmarkEngine: kind === 'engine-alone' ? 'alone' : kind === 'engine-memory' ? 'memory-adapter' : undefined,
    onError: (error) => console.error('bench target: unexpected error', error),
  });
  stop = () => server.close();

  let machineClient: TargetInfo['machineClient'];
  if (kind === 'engine-alone' || kind === 'engine-memory') {
    // The memory adapter does not see our SQLite tables, and DCR refuses client_credentials:
    // put the client straight into the engine's adapter.
    const clientId = `bench-${randomBytes(8).toString('hex')}`;
    const clientSecret = randomBytes(32).toString('base64url');
    const adapter = (server.provider.Client as unknown as { adapter: { upsert(id: string, payload: object): Promise<void> } }).adapter;
    await adapter.upsert(clientId, {
      client_id: clientId,
      client_secret: clientSecret,
      client_name: 'bench machine client',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    machineClient = { clientId, clientSecret };
  } else {
    // DCR is rate limited and capped by default (120 a minute, 2,000 clients): lift both so the
    // benchmark measures what a registration costs, not the policy.
    const registration = new RegistrationSettingsStore(server.db);
    const settings = registration.get();
    registration.set({ ...settings, dynamicRegistration: { ...settings.dynamicRegistration, perMinute: null, maxClients: null } });
    const admin = createAdminService({
      db: server.db,
      transport: 'ipc',
      serverState: () => server.status(),
    });
    const created = await admin.createClient({ name: 'bench machine client' });
    if (!created.ok || !created.value.clientSecret) throw new Error(`createClient failed: ${JSON.stringify(created)}`);
    machineClient = { clientId: created.value.client.clientId, clientSecret: created.value.clientSecret };
  }
  return { kind, url: server.url, pid: process.pid, readyAtMicros: 0, machineClient, username: BENCH_USERNAME };
}

try {
  if (!['hello', 'engine-alone', 'engine-memory', 'server', 'server-noauth'].includes(kind)) throw new Error(`unknown target kind ${kind}`);
  const info = kind === 'hello' ? await startHello() : await startApp();
  info.readyAtMicros = Number(process.hrtime.bigint() / 1000n);
  process.stdout.write(`BENCH_READY ${JSON.stringify(info)}\n`);
} catch (error) {
  console.error('bench target: start failed', error);
  await shutdown(1);
}
