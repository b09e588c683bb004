import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerConfig } from '../../src/main/server/create-server';

export const TEST_USERNAME = 'devuser';

/** A fresh data folder under the OS temp dir; removed by the returned cleanup. */
export function tempDataDir(prefix = 'mad-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a real server on an ephemeral loopback port with a real SQLite file. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<RunningServer & { removeDataDir: () => void }> {
  const data = overrides.dataDir ? { dir: overrides.dataDir, remove: () => {} } : tempDataDir();
  const server = await startServer({
    dataDir: data.dir,
    port: 0,
    firstRunUsername: TEST_USERNAME,
    onError: (error) => {
      throw error;
    },
    ...overrides,
  });
  return Object.assign(server, { removeDataDir: data.remove });
}
