import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/database';
import { StartupError } from '../../src/main/store/errors';
import { COOKIE_KEYS_FILE, SIGNING_KEYS_FILE, loadKeyFiles } from '../../src/main/store/key-files';
import Database from 'better-sqlite3';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/main/store/migrations';
import { purgeExpired } from '../../src/main/store/purge';
import { EngineStore } from '../../src/main/store/engine-store';
import { EventLog } from '../../src/main/store/events';
import { groupCommitOf } from '../../src/main/store/group-commit';
import { startTestServer, tempDataDir, TEST_USERNAME } from '../helpers/server';
import { codeFor, exchangeCode, postForm } from '../helpers/oauth';

/** The SQLite store and key files on a real data folder. */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A new database file with the schema of `version` (the migrations up to it), open on a plain connection. */
function createDatabaseAt(file: string, version: number) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) db.exec(migration.sql);
  db.pragma(`user_version = ${version}`);
  return db;
}

/** A connection to a database left at schema version 4 (no migration run on open). */
function openDatabaseAt4(file: string) {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  expect(db.pragma('user_version', { simple: true })).toBe(4);
  return db;
}

function folder(): string {
  const data = tempDataDir('mad-store-');
  cleanups.push(data.remove);
  return data.dir;
}

describe('database', () => {
  it('opens in WAL mode with foreign keys and the current schema version', () => {
    const db = openDatabase(join(folder(), 'db.sqlite'));
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('brings a version 4 database up to date, keeping its tokens usable (the tokens table rebuilt in v5)', () => {
    const file = join(folder(), 'db.sqlite');
    createDatabaseAt(file, 4).close();
    // Tokens written by the v4 schema, one of them in a grant (the cascade must survive the rebuild).
    const v4 = new Database(file);
    v4.pragma('foreign_keys = ON');
    v4.prepare("INSERT INTO users (id, username, display_name, created_at) VALUES ('u1', 'alice', 'Alice', 0)").run();
    v4.prepare("INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at) VALUES ('g1', 'c', 'u1', '{}', 0, 0)").run();
    v4.close();
    let now = 1_000_000;
    const seed = openDatabaseAt4(file);
    const seedStore = new EngineStore(seed, () => now);
    seedStore.upsert('AccessToken', 'token-in-grant', { clientId: 'c', grantId: 'g1', accountId: 'u1', kind: 'AccessToken' }, 3600);
    seedStore.upsert('ClientCredentials', 'machine-token', { clientId: 'c', kind: 'ClientCredentials' }, 3600);
    seed.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const store = new EngineStore(db, () => now);
      expect(store.find('AccessToken', 'token-in-grant')).toMatchObject({ grantId: 'g1' });
      expect(store.find('ClientCredentials', 'machine-token')).toMatchObject({ clientId: 'c' });
      db.prepare("DELETE FROM grants WHERE grant_id = 'g1'").run();
      expect(store.find('AccessToken', 'token-in-grant')).toBeUndefined();
      expect(store.find('ClientCredentials', 'machine-token')).toBeDefined();
      const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tokens' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
      expect(indexes.sort()).toEqual(['tokens_client', 'tokens_expires_at', 'tokens_grant']);
    } finally {
      db.close();
    }
  });

  it('brings a version 5 database up to date, keeping the activity log and its order (events rebuilt in v6)', () => {
    const file = join(folder(), 'db.sqlite');
    const old = createDatabaseAt(file, 5);
    const insertEvent = old.prepare("INSERT INTO events (at, type, client_id, account_id, outcome, summary) VALUES (?, 'token.issued', 'c', ?, 'success', ?)");
    for (let i = 1; i <= 5; i++) insertEvent.run(i, i % 2 ? 'u1' : null, `event ${i}`);
    // Trimmed log: the oldest rows are gone, ids keep counting from 5.
    old.prepare('DELETE FROM events WHERE id <= 2').run();
    old.close();

    const db = openDatabase(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const events = new EventLog(db);
      events.insert({ type: 'token.issued', outcome: 'success', summary: 'after the upgrade', clientId: 'c' });
      const rows = db.prepare('SELECT id, summary, account_id FROM events ORDER BY id').all();
      expect(rows).toEqual([
        { id: 3, summary: 'event 3', account_id: 'u1' },
        { id: 4, summary: 'event 4', account_id: null },
        { id: 5, summary: 'event 5', account_id: 'u1' },
        { id: 6, summary: 'after the upgrade', account_id: null },
      ]);
      const indexSql = (name: string) => (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;
      expect(indexSql('events_account')).toMatch(/WHERE account_id IS NOT NULL$/);
      expect(indexSql('events_client')).toBe('CREATE INDEX events_client ON events (client_id, id)');
      expect(indexSql('tokens_grant')).toMatch(/WHERE grant_id IS NOT NULL$/);
      expect(db.prepare("SELECT name FROM sqlite_sequence WHERE name = 'events'").get()).toBeUndefined();
      // The rebuilt table keeps its constraints and defaults.
      expect(() => db.prepare("INSERT INTO events (at, type, outcome, summary) VALUES (0, 't', 'bogus', 's')").run()).toThrow(/CHECK/);
      expect(db.prepare("SELECT data FROM events WHERE id = 3").get()).toEqual({ data: '{}' });
    } finally {
      db.close();
    }
  });

  it('lookups by user and by grant still use their (partial) indexes', () => {
    const db = openDatabase(join(folder(), 'db.sqlite'));
    try {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join(' | ');
      expect(plan("SELECT e.*, u.username FROM events e LEFT JOIN users u ON u.id = e.account_id WHERE u.username = 'x' ORDER BY e.id DESC LIMIT 200")).toContain(
        'USING INDEX events_account (account_id=?)',
      );
      expect(plan("DELETE FROM tokens WHERE grant_id = 'g' AND kind = 'AccessToken'")).toContain('USING INDEX tokens_grant (grant_id=?)');
      // Deleting a grant deletes its tokens by cascade: that lookup uses the index too.
      expect(plan("DELETE FROM grants WHERE grant_id = 'g'")).toContain('INDEX tokens_grant (grant_id=?)');
      expect(plan("SELECT COUNT(*) FROM tokens t JOIN grants g ON g.grant_id = t.grant_id WHERE g.client_id = 'c'")).toContain('INDEX tokens_grant (grant_id=?)');
    } finally {
      db.close();
    }
  });

  it('refuses a truncated database file and leaves it as it was', () => {
    const file = join(folder(), 'db.sqlite');
    const db = openDatabase(file);
    db.prepare("INSERT INTO settings (key, value) VALUES ('x', ?)").run('y'.repeat(20_000));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(file);
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    writeFileSync(file, truncated);
    expect(() => openDatabase(file)).toThrowError(StartupError);
    expect(() => openDatabase(file)).toThrowError(/damaged[\s\S]*Restore a backup/);
    expect(readFileSync(file).equals(truncated)).toBe(true);
  });

  it('records when a client and a grant were last used, to the second', () => {
    const db = openDatabase(join(folder(), 'db.sqlite'));
    let now = 5_000_000;
    const store = new EngineStore(db, () => now);
    const lastUsed = () => [
      (db.prepare("SELECT last_used_at AS t FROM clients WHERE client_id = 'c'").get() as { t: number | null }).t,
      (db.prepare("SELECT last_used_at AS t FROM grants WHERE grant_id = 'g1'").get() as { t: number | null }).t,
    ];
    try {
      store.upsert('Client', 'c', { client_id: 'c', redirect_uris: [] }, undefined, 'manual');
      db.prepare("INSERT INTO users (id, username, display_name, created_at) VALUES ('u1', 'alice', 'Alice', 0)").run();
      db.prepare("INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at) VALUES ('g1', 'c', 'u1', '{}', 0, 0)").run();
      expect(lastUsed()).toEqual([null, null]);
      store.upsert('AccessToken', 't1', { clientId: 'c', grantId: 'g1', accountId: 'u1', kind: 'AccessToken' }, 3600);
      expect(lastUsed()).toEqual([now, now]);
      const first = now;
      now += 400;
      store.upsert('AccessToken', 't2', { clientId: 'c', grantId: 'g1', accountId: 'u1', kind: 'AccessToken' }, 3600);
      expect(lastUsed()).toEqual([first, first]);
      now += 1000;
      store.upsert('AccessToken', 't3', { clientId: 'c', grantId: 'g1', accountId: 'u1', kind: 'AccessToken' }, 3600);
      expect(lastUsed()).toEqual([now, now]);
    } finally {
      db.close();
    }
  });

  it('still writes "last used" after a group commit batch that held it was rolled back', async () => {
    const db = openDatabase(join(folder(), 'db.sqlite'));
    const now = 5_000_000;
    const store = new EngineStore(db, () => now);
    const lastUsed = () => (db.prepare("SELECT last_used_at AS t FROM clients WHERE client_id = 'c'").get() as { t: number | null }).t;
    try {
      store.upsert('Client', 'c', { client_id: 'c', redirect_uris: [] }, undefined, 'manual');
      const group = groupCommitOf(db);
      // The token's unit and a failing one share a batch: the first attempt, with the "last used" write, is rolled back.
      const results = await Promise.allSettled([
        group.commit(() => store.upsert('AccessToken', 't1', { clientId: 'c', kind: 'AccessToken' }, 3600)),
        group.commit(() => {
          throw new Error('this unit fails');
        }),
      ]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
      expect(store.find('AccessToken', 't1')).toMatchObject({ clientId: 'c' });
      expect(lastUsed()).toBe(now);
    } finally {
      db.close();
    }
  });

  it('purges expired rows and keeps live ones', () => {
    const db = openDatabase(join(folder(), 'db.sqlite'));
    let now = 1_000_000;
    const store = new EngineStore(db, () => now);
    try {
      store.upsert('AccessToken', 'expired-token', { clientId: 'c', kind: 'AccessToken' }, 60);
      store.upsert('AccessToken', 'live-token', { clientId: 'c', kind: 'AccessToken' }, 3600);
      store.upsert('Interaction', 'old-interaction', { kind: 'Interaction' }, 60);
      now += 120_000;
      const result = purgeExpired(db, now);
      expect(result).toMatchObject({ tokens: 1, engineRecords: 1 });
      expect(store.find('AccessToken', 'expired-token')).toBeUndefined();
      expect(store.find('AccessToken', 'live-token')).toMatchObject({ clientId: 'c', jti: 'live-token' });
    } finally {
      db.close();
    }
  });
});

describe('key files', () => {
  it('are created on first run with mode 0600 and reused afterwards', () => {
    const dir = folder();
    const first = loadKeyFiles(dir, { create: true });
    for (const name of [SIGNING_KEYS_FILE, COOKIE_KEYS_FILE]) {
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }
    const second = loadKeyFiles(dir, { create: false });
    expect(second).toEqual(first);
  });

  it('a missing key file after first run stops the start and names the file', () => {
    const dir = folder();
    loadKeyFiles(dir, { create: true });
    rmSync(join(dir, COOKIE_KEYS_FILE));
    expect(() => loadKeyFiles(dir, { create: false })).toThrowError(new RegExp(`${COOKIE_KEYS_FILE} is missing`));
  });

  it('a damaged key file stops the start and is not overwritten', () => {
    const dir = folder();
    loadKeyFiles(dir, { create: true });
    writeFileSync(join(dir, SIGNING_KEYS_FILE), '{"keys": "nope"}');
    expect(() => loadKeyFiles(dir, { create: false })).toThrowError(/damaged/);
    expect(readFileSync(join(dir, SIGNING_KEYS_FILE), 'utf8')).toBe('{"keys": "nope"}');
  });

  it('the server refuses to start when a key file went missing', async () => {
    const server = await startTestServer();
    await server.close();
    cleanups.push(server.removeDataDir);
    rmSync(join(server.dataDir, SIGNING_KEYS_FILE));
    await expect(startTestServer({ dataDir: server.dataDir })).rejects.toThrowError(/signing-keys\.json is missing/);
  });
});

describe('one transaction per engine request', () => {
  it('100 parallel redemptions of one code: exactly one succeeds, the rest get invalid_grant, none a 5xx', async () => {
    const server = await startTestServer();
    cleanups.push(server.removeDataDir);
    try {
      const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
      const results = await Promise.all(Array.from({ length: 100 }, () => exchangeCode(server.issuer, clientId, code, verifier)));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
      expect(results.filter((r) => r.status !== 200).every((r) => r.body.error === 'invalid_grant')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a refused refresh stores nothing: the refresh token it presented still works', async () => {
    const server = await startTestServer();
    cleanups.push(server.removeDataDir);
    try {
      const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME, { resource: `http://127.0.0.1:${server.port}/mcp` });
      const tokens = await exchangeCode(server.issuer, clientId, code, verifier);
      const refreshToken = tokens.body.refresh_token as string;
      // Another resource than the grant's: refused (after the engine had already rotated in memory).
      const refused = await postForm(`${server.issuer}/token`, {
        grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, resource: `http://localhost:${server.port}/mcp`,
      });
      expect(refused.body.error).toBe('invalid_target');
      const retried = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
      expect(retried.status, retried.text).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('100 parallel refreshes of one refresh token: exactly one succeeds and the grant is revoked', async () => {
    const server = await startTestServer();
    cleanups.push(server.removeDataDir);
    try {
      const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
      const tokens = await exchangeCode(server.issuer, clientId, code, verifier);
      const refreshToken = tokens.body.refresh_token as string;
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s >= 500)).toHaveLength(0);
      // A contested refresh token is treated as stolen: the winner's new refresh token is dead too.
      const winner = results.find((r) => r.status === 200)!;
      const after = await postForm(`${server.issuer}/token`, {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: winner.body.refresh_token as string,
      });
      expect(after.body.error).toBe('invalid_grant');
    } finally {
      await server.close();
    }
  });
});
