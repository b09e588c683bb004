import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `npm run serve` in its own data folder on a free port, as a user starts it. */
export interface ServeProcess {
  port: number;
  issuer: string;
  mcpUrl: string;
  adminUrl: string;
  /** The first-run account (named after the OS user, no password). */
  firstRunUsername: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startServe(): Promise<ServeProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'mad-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(port), '--data-dir', dataDir], {
    cwd: process.cwd(),
    env: { ...process.env, MCP_AUTH_DESK_PORT: '', MCP_AUTH_DESK_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Press Ctrl\+C to stop/.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm run serve did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const adminUrl = /Admin UI: (\S+)/.exec(text)![1]!;
  return {
    port,
    issuer: `http://127.0.0.1:${port}`,
    mcpUrl: `http://localhost:${port}/mcp`,
    adminUrl,
    firstRunUsername: /Sign in as "([^"]+)"/.exec(text)?.[1] ?? '',
    dataDir,
    output: () => text,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
