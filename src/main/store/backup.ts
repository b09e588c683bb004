import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { SqliteDatabase } from './database';
import { StartupError } from './errors';
import { SCHEMA_VERSION } from './migrations';

/**
 * Backups and restores of the database.
 *
 * A backup uses SQLite's online backup (better-sqlite3's `backup`), never a file
 * copy: the database stays in use and the copy is consistent. A restore is
 * staged next to the database and applied by the server at its next start,
 * after checking the file again, so a running server never has its database
 * replaced under it and a bad file never replaces a good one.
 */

export const BACKUPS_FOLDER = 'backups';

/** The chosen backup file exists already: a backup never overwrites a file. */
export class BackupExistsError extends Error {}
const RESTORE_SUFFIX = '.restore';

export interface BackupFile {
  file: string;
  bytes: number;
  createdAt: number;
}

function timestamp(now: number): string {
  return new Date(now).toISOString().replace(/[:.]/g, '-');
}

export async function createBackup(db: SqliteDatabase, dataDir: string, target?: string, now = Date.now()): Promise<BackupFile> {
  const file = resolve(target ?? join(dataDir, BACKUPS_FOLDER, `mcp-auth-desk-${timestamp(now)}.sqlite`));
  if (existsSync(file)) throw new BackupExistsError(`${file} already exists; choose another file name`);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  await db.backup(file);
  return { file, bytes: statSync(file).size, createdAt: now };
}

export function listBackups(dataDir: string): BackupFile[] {
  const folder = join(dataDir, BACKUPS_FOLDER);
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.sqlite'))
    .map((name) => {
      const stat = statSync(join(folder, name));
      return { file: join(folder, name), bytes: stat.size, createdAt: stat.mtimeMs };
    })
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Why `file` cannot be restored, or undefined when it is a healthy database of this app. */
export function checkBackup(file: string): string | undefined {
  if (!existsSync(file)) return `${file} does not exist`;
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') return `${file} is damaged (integrity_check: ${String(check)})`;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < 1) return `${file} is not an MCP Auth Desk database`;
    if (version > SCHEMA_VERSION) return `${file} comes from a newer MCP Auth Desk (schema ${version}, this one knows ${SCHEMA_VERSION})`;
    for (const table of ['clients', 'grants', 'tokens', 'users']) {
      if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)) {
        return `${file} is not an MCP Auth Desk database (no ${table} table)`;
      }
    }
    return undefined;
  } catch (error) {
    return `${file} cannot be read as a database (${(error as Error).message})`;
  } finally {
    db?.close();
  }
}

/** Checks the backup and stages it; the server swaps it in at its next start. */
export function stageRestore(databaseFile: string, backupFile: string): { staged: string } {
  const problem = checkBackup(backupFile);
  if (problem) throw new Error(problem);
  const staged = databaseFile + RESTORE_SUFFIX;
  copyFileSync(backupFile, staged);
  return { staged };
}

/**
 * At start, before opening the database: applies a staged restore. The current
 * files are kept beside it (`…before-restore-<time>`); a staged file that fails
 * the check stops the start, and nothing is replaced.
 */
export function applyStagedRestore(databaseFile: string, now = Date.now()): string | undefined {
  const staged = databaseFile + RESTORE_SUFFIX;
  if (!existsSync(staged)) return undefined;
  const problem = checkBackup(staged);
  if (problem) {
    throw new StartupError(
      `A restore was requested, but the staged file ${staged} cannot be used: ${problem}.\n` +
        `Delete ${basename(staged)} to start with the current database, or stage another backup.`,
    );
  }
  const kept = `${databaseFile}.before-restore-${timestamp(now)}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(databaseFile + suffix)) renameSync(databaseFile + suffix, kept + suffix);
  }
  renameSync(staged, databaseFile);
  return kept;
}

export function removeStagedRestore(databaseFile: string): boolean {
  const staged = databaseFile + RESTORE_SUFFIX;
  if (!existsSync(staged)) return false;
  unlinkSync(staged);
  return true;
}
