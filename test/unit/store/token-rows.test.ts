import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineStore, tokenPayload } from '../../../src/main/store/engine-store';
import { sha256 } from '../../../src/main/store/hashing';
import { migrate } from '../../../src/main/store/migrations';
import { purgeExpired } from '../../../src/main/store/purge';
import { tokenRowsOf } from '../../../src/main/store/token-rows';

/**
 * The cache of token rows the engine looks up (introspection, revocation, the
 * grants): found rows are kept until their row is deleted or updated on this
 * connection (inside that very transaction), or another connection commits
 * (seen from the next turn of the event loop). A real file database; the
 * queries it runs are counted through better-sqlite3's statement log.
 */

const LOOKUP = 'SELECT kind, payload, consumed_at FROM tokens WHERE id_hash = ';

let dir: string;
let db: Database.Database;
let statements: string[];
let store: EngineStore;

const lookups = () => statements.filter((sql) => sql.startsWith(LOOKUP)).length;
const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-token-rows-'));
  statements = [];
  db = new Database(join(dir, 'db.sqlite'), { verbose: (sql) => statements.push(String(sql)) });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  store = new EngineStore(db);
  store.upsert('ClientCredentials', 'machine-token', { clientId: 'c1', kind: 'ClientCredentials', scope: 'a' }, 3600);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TokenRows', () => {
  it('parses a row once, frozen all the way down, and each record made from it is a new object', () => {
    store.upsert('AccessToken', 'user-token', { clientId: 'c1', kind: 'AccessToken', scope: 'a', aud: ['http://localhost:1/mcp'], extra: { n: 1 } }, 3600);
    const rows = tokenRowsOf(db);
    const row = rows.get(sha256('user-token'))!;
    expect(rows.get(sha256('user-token'))!.fields).toBe(row.fields);
    expect(Object.isFrozen(row.fields)).toBe(true);
    expect(Object.isFrozen(row.fields.aud)).toBe(true);
    expect(Object.isFrozen(row.fields.extra)).toBe(true);

    const first = tokenPayload(row, 'user-token');
    first.scope = 'changed by the engine';
    expect(() => (first.aud as string[]).push('x')).toThrow(TypeError);
    const second = tokenPayload(rows.get(sha256('user-token'))!, 'user-token');
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ scope: 'a', aud: ['http://localhost:1/mcp'], extra: { n: 1 }, jti: 'user-token' });
  });

  it('answers a token looked up again from memory, and does not keep a miss', () => {
    const rows = tokenRowsOf(db);
    expect(rows.get(sha256('machine-token'))).toMatchObject({ kind: 'ClientCredentials', consumed_at: null });
    expect(rows.get(sha256('machine-token'))).toMatchObject({ kind: 'ClientCredentials' });
    expect(lookups()).toBe(1);
    expect(rows.get(sha256('unknown'))).toBeUndefined();
    expect(rows.get(sha256('unknown'))).toBeUndefined();
    expect(lookups()).toBe(3);
  });

  it('sees at once a token consumed, re-saved, deleted, cascaded from its grant or purged on this connection', () => {
    const rows = tokenRowsOf(db);
    const hash = sha256('machine-token');
    rows.get(hash);
    store.consume('ClientCredentials', 'machine-token');
    expect(rows.get(hash)?.consumed_at).toEqual(expect.any(Number));
    store.upsert('ClientCredentials', 'machine-token', { clientId: 'c1', kind: 'ClientCredentials', scope: 'b' }, 3600);
    expect(JSON.parse(rows.get(hash)!.payload)).toMatchObject({ scope: 'b' });
    store.destroy('ClientCredentials', 'machine-token');
    expect(rows.get(hash)).toBeUndefined();

    db.prepare("INSERT INTO users (id, username, display_name, created_at) VALUES ('u1', 'alice', 'Alice', 0)").run();
    db.prepare("INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at) VALUES ('g1', 'c1', 'u1', '{}', 0, 0)").run();
    store.upsert('AccessToken', 'user-token', { clientId: 'c1', grantId: 'g1', accountId: 'u1', kind: 'AccessToken' }, 3600);
    expect(rows.get(sha256('user-token'))).toMatchObject({ kind: 'AccessToken' });
    db.prepare("DELETE FROM grants WHERE grant_id = 'g1'").run();
    expect(rows.get(sha256('user-token'))).toBeUndefined();

    store.upsert('RefreshToken', 'short-token', { clientId: 'c1', kind: 'RefreshToken' }, 1);
    expect(rows.get(sha256('short-token'))).toMatchObject({ kind: 'RefreshToken' });
    purgeExpired(db, Date.now() + 5_000);
    expect(rows.get(sha256('short-token'))).toBeUndefined();
  });

  it('reads through inside a transaction and keeps nothing read there', () => {
    const rows = tokenRowsOf(db);
    db.transaction(() => {
      rows.get(sha256('machine-token'));
      rows.get(sha256('machine-token'));
    })();
    expect(lookups()).toBe(2);
    rows.get(sha256('machine-token'));
    expect(lookups()).toBe(3);
  });

  it('sees a token another connection (the CLI) deleted from the next turn of the event loop', async () => {
    const rows = tokenRowsOf(db);
    const hash = sha256('machine-token');
    expect(rows.get(hash)).toBeDefined();
    const cli = new Database(join(dir, 'db.sqlite'));
    cli.prepare('DELETE FROM tokens WHERE id_hash = ?').run(hash);
    cli.close();
    await nextTurn();
    expect(rows.get(hash)).toBeUndefined();
  });
});
