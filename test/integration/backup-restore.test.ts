import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminService } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import { checkBackup } from '../../src/main/store/backup';
import { startTestServer, tempDataDir } from '../helpers/server';
import { adminServiceFor, value } from '../helpers/admin';

/** Online backups (while the server runs) and restores the server checks before using (issue 6.6). */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function adminOf(server: RunningServer): AdminService {
  return adminServiceFor(server);
}

async function start(dataDir: string, port = 0) {
  const server = await startTestServer({ dataDir, port });
  return { server, admin: adminOf(server) };
}

describe('backup and restore', () => {
  it('backs up while the server runs, and a staged restore is applied at the next start, keeping the old database', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    let { server, admin } = await start(data.dir);
    const port = server.port;
    const kept = value(await admin.createClient({ name: 'Before the backup' }));
    const backup = value(await admin.createBackup({}));
    expect(backup.file.startsWith(join(data.dir, 'backups'))).toBe(true);
    expect(checkBackup(backup.file)).toBeUndefined();
    const later = value(await admin.createClient({ name: 'After the backup' }));
    expect(value(await admin.listBackups({})).map((b) => b.file)).toContain(backup.file);

    // The app names a file in the backups folder (only the CLI may give any path).
    const staged = value(await admin.restoreBackup({ file: basename(backup.file) }));
    expect(staged.message).toMatch(/restart/i);
    // Still the current database until the restart.
    expect(value(await admin.getClient({ clientId: later.client.clientId })).name).toBe('After the backup');
    await server.close();

    ({ server, admin } = await start(data.dir, port));
    cleanups.push(() => server.close());
    expect(value(await admin.getClient({ clientId: kept.client.clientId })).name).toBe('Before the backup');
    expect((await admin.getClient({ clientId: later.client.clientId })).ok).toBe(false);
    expect(readdirSync(data.dir).some((name) => name.includes('.before-restore-'))).toBe(true);
    expect(existsSync(join(data.dir, 'mcp-auth-desk.sqlite.restore'))).toBe(false);
  });

  it('refuses to stage a file that is not a healthy database of this app', async () => {
    const { server, admin } = await start(tempDataDir().dir);
    cleanups.push(() => {
      server.removeDataDir();
    }, () => server.close());
    mkdirSync(join(server.dataDir, 'backups'), { recursive: true });
    const garbage = join(server.dataDir, 'backups', 'garbage.sqlite');
    writeFileSync(garbage, 'not a database at all '.repeat(100));
    const refused = await admin.restoreBackup({ file: 'garbage.sqlite' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain(garbage);
    expect(existsSync(join(server.dataDir, 'mcp-auth-desk.sqlite.restore'))).toBe(false);
    expect((await admin.restoreBackup({ file: 'missing.sqlite' })).ok).toBe(false);
    // The app cannot point at files elsewhere.
    const outside = await admin.restoreBackup({ file: '../mcp-auth-desk.sqlite' });
    expect(outside.ok ? 'ok' : outside.error.code).toBe('invalid_input');
    const elsewhere = await admin.createBackup({ file: '/tmp/anywhere.sqlite' });
    expect(elsewhere.ok ? 'ok' : elsewhere.error.code).toBe('invalid_input');
  });

  it('a damaged staged restore stops the start, names the file, and replaces nothing', async () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const { server, admin } = await start(data.dir);
    const client = value(await admin.createClient({ name: 'Survivor' }));
    await server.close();
    writeFileSync(join(data.dir, 'mcp-auth-desk.sqlite.restore'), 'garbage');
    await expect(startTestServer({ dataDir: data.dir })).rejects.toThrowError(/mcp-auth-desk\.sqlite\.restore cannot be used/);
    // Deleting the staged file is the way out given; the current database is intact.
    execFileSync('rm', [join(data.dir, 'mcp-auth-desk.sqlite.restore')]);
    const again = await start(data.dir);
    cleanups.push(() => again.server.close());
    expect(value(await again.admin.getClient({ clientId: client.client.clientId })).name).toBe('Survivor');
  });

  it('the CLI backs up while the server runs', async () => {
    const { server } = await start(tempDataDir().dir);
    cleanups.push(() => {
      server.removeDataDir();
    }, () => server.close());
    const out = join(server.dataDir, 'cli-backup.sqlite');
    const printed = execFileSync(process.execPath, ['scripts/cli.mjs', 'backup', 'create', '--out', out, '--data-dir', server.dataDir], { encoding: 'utf8' });
    expect(printed).toContain(out);
    expect(checkBackup(out)).toBeUndefined();
  });
});
