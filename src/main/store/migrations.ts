import type { Database } from 'better-sqlite3';

/**
 * Versioned schema changes. Each runs once, in its own transaction, and bumps
 * `PRAGMA user_version`; a crash mid-way leaves the previous version intact.
 * Never edit a migration that has shipped: add a new one. docs/STORAGE.md
 * describes every table.
 */
export const MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: 'users, clients, grants, tokens, sessions, engine records, settings',
    sql: `
      CREATE TABLE users (
        id            TEXT PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name  TEXT NOT NULL,
        password_hash TEXT,
        disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at    INTEGER NOT NULL
      );

      CREATE TABLE clients (
        client_id         TEXT PRIMARY KEY,
        registration_type TEXT NOT NULL CHECK (registration_type IN ('dynamic', 'manual', 'metadata_document')),
        client_name       TEXT,
        metadata          TEXT NOT NULL,
        allowed_scopes    TEXT,
        disabled          INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL,
        last_used_at      INTEGER
      );
      CREATE INDEX clients_created_at ON clients (created_at);

      CREATE TABLE grants (
        grant_id     TEXT PRIMARY KEY,
        client_id    TEXT NOT NULL,
        account_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        payload      TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        expires_at   INTEGER,
        last_used_at INTEGER
      );
      CREATE INDEX grants_client ON grants (client_id);
      CREATE INDEX grants_account ON grants (account_id, client_id);
      CREATE INDEX grants_expires_at ON grants (expires_at);

      CREATE TABLE tokens (
        id_hash     BLOB PRIMARY KEY,
        kind        TEXT NOT NULL,
        client_id   TEXT,
        grant_id    TEXT REFERENCES grants (grant_id) ON DELETE CASCADE,
        account_id  TEXT,
        payload     TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER,
        consumed_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX tokens_grant ON tokens (grant_id);
      CREATE INDEX tokens_client ON tokens (client_id, kind);
      CREATE INDEX tokens_expires_at ON tokens (expires_at);

      CREATE TABLE sessions (
        id_hash    BLOB PRIMARY KEY,
        uid        TEXT NOT NULL UNIQUE,
        account_id TEXT,
        payload    TEXT NOT NULL,
        expires_at INTEGER
      ) WITHOUT ROWID;
      CREATE INDEX sessions_expires_at ON sessions (expires_at);

      CREATE TABLE engine_records (
        model       TEXT NOT NULL,
        id_hash     BLOB NOT NULL,
        payload     TEXT NOT NULL,
        expires_at  INTEGER,
        consumed_at INTEGER,
        PRIMARY KEY (model, id_hash)
      ) WITHOUT ROWID;
      CREATE INDEX engine_records_expires_at ON engine_records (expires_at);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'activity log; per-client token lifetime overrides for testing clients',
    sql: `
      CREATE TABLE events (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        at         INTEGER NOT NULL,
        type       TEXT NOT NULL,
        client_id  TEXT,
        account_id TEXT,
        outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'info')),
        summary    TEXT NOT NULL,
        error      TEXT,
        reason     TEXT,
        data       TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_client ON events (client_id, id);
      CREATE INDEX events_account ON events (account_id, id);
      CREATE INDEX events_type ON events (type, id);

      ALTER TABLE clients ADD COLUMN access_token_ttl_seconds INTEGER;
      ALTER TABLE clients ADD COLUMN refresh_token_ttl_seconds INTEGER;
    `,
  },
  {
    version: 3,
    description: 'Client ID Metadata Documents: fetch times, admin approvals and blocks',
    sql: `
      ALTER TABLE clients ADD COLUMN document_fetched_at INTEGER;

      CREATE TABLE client_approvals (
        client_id     TEXT PRIMARY KEY,
        host          TEXT NOT NULL,
        decision      TEXT NOT NULL CHECK (decision IN ('pending', 'approved', 'blocked')),
        client_name   TEXT,
        first_seen_at INTEGER NOT NULL,
        decided_at    INTEGER,
        decided_by    TEXT
      );
      CREATE INDEX client_approvals_decision ON client_approvals (decision, first_seen_at);
    `,
  },
  {
    version: 4,
    description: 'drop the events type index: a type filter matches a prefix, which it cannot serve, and every event paid for it',
    sql: `
      DROP INDEX events_type;
    `,
  },
  {
    version: 5,
    description: 'tokens as a rowid table: rows and their client/grant index entries are appended, not scattered by the random token hash',
    // Keyed by the random token hash, every insert touched a random page of the
    // table and of each index (half the cost of a token request under load). Now
    // only the small id_hash index takes a random page.
    sql: `
      CREATE TABLE tokens_by_rowid (
        id          INTEGER PRIMARY KEY,
        id_hash     BLOB NOT NULL UNIQUE,
        kind        TEXT NOT NULL,
        client_id   TEXT,
        grant_id    TEXT REFERENCES grants (grant_id) ON DELETE CASCADE,
        account_id  TEXT,
        payload     TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        expires_at  INTEGER,
        consumed_at INTEGER
      );
      INSERT INTO tokens_by_rowid (id_hash, kind, client_id, grant_id, account_id, payload, created_at, expires_at, consumed_at)
        SELECT id_hash, kind, client_id, grant_id, account_id, payload, created_at, expires_at, consumed_at FROM tokens ORDER BY created_at;
      DROP TABLE tokens;
      ALTER TABLE tokens_by_rowid RENAME TO tokens;
      CREATE INDEX tokens_grant ON tokens (grant_id);
      CREATE INDEX tokens_client ON tokens (client_id, kind);
      CREATE INDEX tokens_expires_at ON tokens (expires_at);
    `,
  },
  {
    version: 6,
    description: 'cheaper writes on every token request: events without AUTOINCREMENT, no index entries for absent users and grants',
    // AUTOINCREMENT reads and rewrites sqlite_sequence on every insert; ids still only
    // grow, since trimming the log never deletes its newest row. Client-credentials
    // tokens have no grant and most events no user: their NULLs need no index entry
    // (every lookup is by a value, which a partial index on IS NOT NULL serves).
    // SQLite cannot drop AUTOINCREMENT in place, so the table is spelled out again
    // as version 2 made it (shipped migrations are never edited).
    sql: `
      CREATE TABLE events_v6 (
        id         INTEGER PRIMARY KEY,
        at         INTEGER NOT NULL,
        type       TEXT NOT NULL,
        client_id  TEXT,
        account_id TEXT,
        outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'info')),
        summary    TEXT NOT NULL,
        error      TEXT,
        reason     TEXT,
        data       TEXT NOT NULL DEFAULT '{}'
      );
      INSERT INTO events_v6 (id, at, type, client_id, account_id, outcome, summary, error, reason, data)
        SELECT id, at, type, client_id, account_id, outcome, summary, error, reason, data FROM events ORDER BY id;
      DROP TABLE events;
      ALTER TABLE events_v6 RENAME TO events;
      CREATE INDEX events_client ON events (client_id, id);
      CREATE INDEX events_account ON events (account_id, id) WHERE account_id IS NOT NULL;

      DROP INDEX tokens_grant;
      CREATE INDEX tokens_grant ON tokens (grant_id) WHERE grant_id IS NOT NULL;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `the database has schema version ${current}, newer than this build understands (${SCHEMA_VERSION}); use a newer MCP Auth Desk`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}
