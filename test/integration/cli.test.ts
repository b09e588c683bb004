import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/main/cli/commands';
import { startTestServer } from '../helpers/server';

/**
 * The admin CLI as a user runs it (`npm run cli -- …` is `node scripts/cli.mjs …`):
 * a real child process over a real data folder. Exit codes: 0 done, 1 refused
 * or failed, 2 wrong usage.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin = ''): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['scripts/cli.mjs', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let dataDir: string;
/** Runs the CLI against this test's data folder. */
const run = (args: string[], stdin = '') => cli([...args, '--data-dir', dataDir], stdin);

async function runJson<T = Record<string, unknown>>(args: string[], stdin = ''): Promise<T> {
  const result = await run([...args, '--json'], stdin);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

interface Created {
  client: { clientId: string; disabled: boolean; lastUsedAt: number | null; tokenEndpointAuthMethod: string };
  clientSecret: string | null;
}

function databaseBytes(): string {
  const files = readdirSync(dataDir).filter((name) => name.includes('.sqlite'));
  expect(files.length).toBeGreaterThan(0);
  return files.map((name) => readFileSync(join(dataDir, name)).toString('latin1')).join('\n');
}

beforeAll(async () => {
  // The first run may bundle src/ with esbuild; do it once here so tests do not race it.
  const warm = await cli(['--version']);
  expect(warm.code).toBe(0);
}, 120_000);

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'mad-cli-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('usage', () => {
  it('--help lists every command and exits 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(result.stdout).toContain(name);
    expect(result.stdout).toContain('--data-dir');
    expect(result.stdout).toContain('--json');
  });

  it('no arguments prints the usage and exits 2', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Commands:');
  });

  it('an unknown command exits 2 with a message naming it', async () => {
    const result = await run(['frobnicate', 'everything']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('frobnicate everything');
    expect(result.stdout).toBe('');
  });

  it('an unknown option exits 2 with the command usage', async () => {
    const result = await run(['clients', 'list', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(COMMANDS['clients list']!.usage);
  });
});

describe('clients', () => {
  it('create prints the client id, the secret once, and the warning that it will not be shown again', async () => {
    const result = await run(['clients', 'create', '--name', 'Nightly']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Client ID\s+\S+/m);
    expect(result.stdout).toMatch(/^Client secret: \S+$/m);
    expect(result.stdout).toContain('will not be shown again');
    expect(result.stdout).toMatch(/^Name\s+Nightly$/m);
  });

  it('create --json prints JSON with the client id and secret', async () => {
    const created = await runJson<Created>(['clients', 'create', '--name', 'Nightly']);
    expect(created.client.clientId).toEqual(expect.any(String));
    expect(created.clientSecret).toEqual(expect.any(String));
    expect(created.clientSecret!.length).toBeGreaterThanOrEqual(32);
  });

  it('stores the client id but not the printed secret in the database files', async () => {
    const result = await run(['clients', 'create', '--name', 'Nightly']);
    const clientId = /^Client ID\s+(\S+)$/m.exec(result.stdout)![1]!;
    const secret = /^Client secret: (\S+)$/m.exec(result.stdout)![1]!;
    const bytes = databaseBytes();
    expect(bytes).toContain(clientId);
    expect(bytes).not.toContain(secret);
  });

  it('refuses an http redirect URI off loopback with exit 2 and creates nothing', async () => {
    const result = await run(['clients', 'create', '--name', 'Web', '--redirect-uri', 'http://evil.com/cb']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/loopback/);
    expect(result.stderr).toMatch(/https/);
    const list = await runJson<{ total: number; clients: unknown[] }>(['clients', 'list']);
    expect(list.total).toBe(0);
    expect(list.clients).toEqual([]);
  });

  it('create --public with a loopback redirect URI prints no secret', async () => {
    const result = await run(['clients', 'create', '--name', 'Web', '--redirect-uri', 'http://localhost:3000/cb', '--public']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Client secret');
    expect(result.stdout).toMatch(/^Authentication\s+none$/m);
    expect(result.stdout).toContain('http://localhost:3000/cb');
  });

  it('disable marks the client disabled', async () => {
    const { client } = await runJson<Created>(['clients', 'create', '--name', 'Nightly']);
    const disabled = await run(['clients', 'disable', client.clientId]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/^Status\s+disabled$/m);
    const shown = await runJson<Created['client']>(['clients', 'show', client.clientId]);
    expect(shown.disabled).toBe(true);
  });

  it('rotate-secret prints a new secret, different from the first', async () => {
    const created = await runJson<Created>(['clients', 'create', '--name', 'Nightly']);
    const rotated = await run(['clients', 'rotate-secret', created.client.clientId]);
    expect(rotated.code).toBe(0);
    const secret = /^Client secret: (\S+)$/m.exec(rotated.stdout)?.[1];
    expect(secret).toEqual(expect.any(String));
    expect(secret).not.toBe(created.clientSecret);
  });

  it('delete removes the client: show then exits 1 with "not found"', async () => {
    const { client } = await runJson<Created>(['clients', 'create', '--name', 'Nightly']);
    const deleted = await run(['clients', 'delete', client.clientId]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Deleted.');
    const shown = await run(['clients', 'show', client.clientId]);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toContain('not found');
  });

  it('list prints a table with a header row', async () => {
    const { client } = await runJson<Created>(['clients', 'create', '--name', 'Nightly']);
    const result = await run(['clients', 'list']);
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.split('\n');
    expect(header).toMatch(/^CLIENT ID\s+NAME\s+REGISTRATION/);
    expect(row).toContain(client.clientId);
    expect(row).toContain('Nightly');
  });
});

describe('users and consents', () => {
  interface User {
    username: string;
    displayName: string;
    hasPassword: boolean;
    disabled: boolean;
  }

  it('users add --password-stdin reads the password from stdin', async () => {
    const added = await run(['users', 'add', 'alice', '--display-name', 'Alice', '--password-stdin'], 'correct horse battery\n');
    expect(added.code).toBe(0);
    const users = await runJson<User[]>(['users', 'list']);
    expect(users).toContainEqual(expect.objectContaining({ username: 'alice', displayName: 'Alice', hasPassword: true, disabled: false }));
  });

  it('users add refuses a password shorter than 8 characters with exit 2 and adds nobody', async () => {
    const result = await run(['users', 'add', 'bob', '--password-stdin'], 'abc\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('at least 8 characters');
    const users = await runJson<User[]>(['users', 'list']);
    expect(users.map((u) => u.username)).not.toContain('bob');
  });

  it('users list prints a table with a header row', async () => {
    await run(['users', 'add', 'alice', '--display-name', 'Alice']);
    const result = await run(['users', 'list']);
    expect(result.code).toBe(0);
    const [header, row] = result.stdout.split('\n');
    expect(header).toMatch(/^USERNAME\s+DISPLAY NAME\s+PASSWORD\s+STATUS/);
    expect(row).toMatch(/^alice\s+Alice\s+none\s+active/);
  });

  it('users disable then users delete', async () => {
    await run(['users', 'add', 'alice', '--password-stdin'], 'correct horse battery\n');
    const disabled = await run(['users', 'disable', 'alice']);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(/^alice\s.*\sdisabled\s/m);
    expect((await runJson<User[]>(['users', 'list'])).find((u) => u.username === 'alice')?.disabled).toBe(true);

    const deleted = await run(['users', 'delete', 'alice']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toContain('Deleted.');
    expect((await runJson<User[]>(['users', 'list'])).map((u) => u.username)).not.toContain('alice');
  });

  it('consents revoke of a consent that does not exist exits 1', async () => {
    const result = await run(['consents', 'revoke', '--client', 'nope', '--user', 'alice']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/not found/);
  });

  it('consents list --json is an empty array on a fresh data folder', async () => {
    expect(await runJson<unknown[]>(['consents', 'list'])).toEqual([]);
  });
});

describe('alongside a running server', () => {
  it('a client created by the CLI gets a token from the server, which records its use', async () => {
    const server = await startTestServer({ dataDir });
    try {
      const created = await runJson<Created>(['clients', 'create', '--name', 'Nightly']);
      const clientId = created.client.clientId;
      const secret = created.clientSecret!;
      const response = await fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
        },
        body: 'grant_type=client_credentials',
      });
      const body = (await response.json()) as Record<string, unknown>;
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body.access_token).toEqual(expect.any(String));

      const shown = await runJson<Created['client']>(['clients', 'show', clientId]);
      expect(shown.lastUsedAt).toEqual(expect.any(Number));
    } finally {
      await server.close();
    }
  });
});
