import { existsSync, statSync } from 'node:fs';
import Database, { type Database as SqliteDatabase } from 'better-sqlite3';
import { StartupError } from './errors';
import { migrate } from './migrations';

export type { SqliteDatabase };

export const DATABASE_FILE_NAME = 'mcp-auth-desk.sqlite';

/** How long a writer waits for another connection's lock before SQLITE_BUSY (the CLI may write while the server runs). */
const BUSY_TIMEOUT_MS = 5000;

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 build for another ABI (Electron); the Node build is used when absent. */
  nativeBinding?: string;
}

/**
 * One `create(db)` per database connection, made on first use: for what
 * belongs to a connection rather than to a store (its triggers, its transactions).
 */
export function perConnection<T>(create: (db: SqliteDatabase) => T): (db: SqliteDatabase) => T {
  const made = new WeakMap<SqliteDatabase, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = create(db);
      made.set(db, value);
    }
    return value;
  };
}

function damagedMessage(file: string, detail: string): string {
  return [
    `The database file ${file} is damaged (${detail}).`,
    'MCP Auth Desk will not start on it, and will not replace it with an empty one.',
    'Restore a backup over it, or move it aside to start with a new, empty database.',
  ].join('\n');
}

/**
 * Opens (creating if needed) the SQLite file, checks it, and brings the schema
 * up to date. A file that exists but is not a healthy database is refused:
 * starting on a fresh empty database would silently drop every client and grant.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): SqliteDatabase {
  const existed = existsSync(file) && statSync(file).size > 0;
  let db: SqliteDatabase;
  try {
    db = new Database(file, {
      timeout: BUSY_TIMEOUT_MS,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw new StartupError(`Cannot open the database file ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    // WAL: readers never block the writer, and a crash loses no committed transaction.
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash or power
    // loss can undo the last transactions. FULL would fsync every token issued.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (existed) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new StartupError(damagedMessage(file, `quick_check: ${String(check)}`));
    }
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StartupError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_IOERR')) {
      throw new StartupError(damagedMessage(file, (error as Error).message), { cause: error });
    }
    if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
      throw new StartupError(
        `Cannot write to the database file ${file} (${(error as Error).message}). Check the permissions of its folder.`,
        { cause: error },
      );
    }
    throw new StartupError(`Cannot prepare the database file ${file}: ${(error as Error).message}`, { cause: error });
  }
}
