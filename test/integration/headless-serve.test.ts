import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDataDir } from '../helpers/server';

/**
 * `npm run serve` as a user runs it: a separate process, its output, its exit
 * codes. (Start-up speed is measured by the benchmark, not asserted here.)
 */

const children: ChildProcess[] = [];
const dirs: (() => void)[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const remove of dirs.splice(0)) remove();
});

function serve(args: string[]): { child: ChildProcess; output: () => string } {
  // What `npm run serve` runs (without npm's own start-up in front).
  const child = spawn(process.execPath, ['scripts/serve.mjs', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, MCP_AUTH_DESK_DATA_DIR: '', MCP_AUTH_DESK_PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

async function waitFor(output: () => string, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = output().match(pattern);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function dataDir(): string {
  const data = tempDataDir('mad-serve-');
  dirs.push(data.remove);
  return data.dir;
}

describe('npm run serve', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints where it listens, serves metadata, and stops cleanly on %s', async (signal) => {
    const port = await freePort();
    const { child, output } = serve(['--port', String(port), '--data-dir', dataDir()]);
    await waitFor(output, /Press Ctrl\+C to stop/);
    expect(output()).toContain(`Listening on http://127.0.0.1:${port}`);
    expect(output()).toContain(`MCP endpoint: http://localhost:${port}/mcp`);
    const metadata = (await (await fetch(`http://127.0.0.1:${port}/.well-known/oauth-authorization-server`)).json()) as {
      issuer: string;
    };
    expect(metadata.issuer).toBe(`http://127.0.0.1:${port}`);
    child.kill(signal);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(output()).toContain(`Stopping (${signal})`);
  });

  it('a port that is taken gives one line naming the port and a non-zero exit', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { child, output } = serve(['--port', String(port), '--data-dir', dataDir()]);
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).not.toBe(0);
      expect(output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(output()).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses to start on a damaged database, names the file and the way out, and leaves it untouched', async () => {
    const dir = dataDir();
    const file = join(dir, 'mcp-auth-desk.sqlite');
    const garbage = 'this is not a database '.repeat(500);
    writeFileSync(file, garbage);
    const { child, output } = serve(['--port', String(await freePort()), '--data-dir', dir]);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(output()).toContain(file);
    expect(output()).toMatch(/Restore a backup/);
    expect(output()).not.toMatch(/\n\s+at /);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(file, 'utf8')).toBe(garbage);
  });

  it('rejects a bad --port with a clear message', async () => {
    const { child, output } = serve(['--port', 'eighty', '--data-dir', dataDir()]);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(output()).toContain('Invalid port "eighty"');
  });
});
