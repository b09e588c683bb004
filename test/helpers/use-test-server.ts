import { afterAll, beforeAll } from 'vitest';
import type { ServerConfig } from '../../src/main/server/create-server';
import { startTestServer } from './server';

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/**
 * One real server for a whole test file: started before its tests (handed to
 * `use`), closed and its data folder removed after them. (Vitest only: the
 * Playwright specs import ./server without this.)
 */
export function useTestServer(use: (server: TestServer) => void, overrides: Partial<ServerConfig> = {}): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(overrides);
    use(server);
  });
  afterAll(async () => {
    await server?.close();
    server?.removeDataDir();
  });
}
