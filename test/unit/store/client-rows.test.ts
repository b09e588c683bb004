import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientRows, clientRowsOf } from '../../../src/main/store/client-rows';
import { openDatabase } from '../../../src/main/store/database';

/**
 * The client row cache: a row is read once and kept (the same frozen object
 * comes back) until the clients table changes, whether through this
 * connection (triggers) or another one (the CLI: PRAGMA data_version), and a
 * row read inside a transaction is never kept.
 */

let dir: string;
let file: string;
let db: Database.Database;
let rows: ClientRows;

function insertClient(on: Database.Database, clientId: string, name: string) {
  on.prepare(
    "INSERT INTO clients (client_id, registration_type, client_name, metadata, created_at, updated_at) VALUES (?, 'manual', ?, ?, 0, 0)",
  ).run(clientId, name, JSON.stringify({ client_id: clientId, client_name: name, redirect_uris: ['http://127.0.0.1/cb'] }));
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const rename = (on: Database.Database, clientId: string, name: string) =>
  on.prepare('UPDATE clients SET metadata = ? WHERE client_id = ?').run(JSON.stringify({ client_id: clientId, client_name: name }), clientId);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-client-rows-'));
  file = join(dir, 'db.sqlite');
  db = openDatabase(file);
  insertClient(db, 'c1', 'Cursor');
  rows = clientRowsOf(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ClientRows', () => {
  it('reads a row once and returns the same frozen row until something changes', () => {
    const first = rows.get('c1');
    expect(first?.metadata.client_name).toBe('Cursor');
    expect(rows.get('c1')).toBe(first);
    expect(Object.isFrozen(first!.metadata)).toBe(true);
    expect(Object.isFrozen(first!.metadata.redirect_uris)).toBe(true);
    expect(() => (first!.metadata.redirect_uris as string[]).push('http://evil.example/')).toThrow(TypeError);
  });

  it('sees updates, settings, disabling and deletion made on this connection', () => {
    rows.get('c1');
    rename(db, 'c1', 'Cursor 2');
    expect(rows.get('c1')?.metadata.client_name).toBe('Cursor 2');
    db.prepare("UPDATE clients SET allowed_scopes = 'mcp:read', access_token_ttl_seconds = 10 WHERE client_id = 'c1'").run();
    expect(rows.get('c1')).toMatchObject({ allowedScopes: 'mcp:read', accessTokenTtlSeconds: 10 });
    db.prepare("UPDATE clients SET disabled = 1 WHERE client_id = 'c1'").run();
    expect(rows.get('c1')?.disabled).toBe(true);
    db.prepare("DELETE FROM clients WHERE client_id = 'c1'").run();
    expect(rows.get('c1')).toBeUndefined();
  });

  it('sees a client registered after it was looked up and not found', () => {
    expect(rows.get('c2')).toBeUndefined();
    insertClient(db, 'c2', 'VS Code');
    expect(rows.get('c2')?.metadata.client_name).toBe('VS Code');
  });

  it('sees changes committed by another connection (the CLI while the server runs) from the next turn on', async () => {
    rows.get('c1');
    const cli = openDatabase(file);
    try {
      cli.prepare("UPDATE clients SET disabled = 1 WHERE client_id = 'c1'").run();
      await nextTurn();
      expect(rows.get('c1')?.disabled).toBe(true);
      insertClient(cli, 'c3', 'Inspector');
      await nextTurn();
      expect(rows.get('c3')?.metadata.client_name).toBe('Inspector');
    } finally {
      cli.close();
    }
  });

  it('keeps nothing read inside a transaction that rolled back', () => {
    rows.get('c1');
    expect(() =>
      db.transaction(() => {
        rename(db, 'c1', 'never committed');
        expect(rows.get('c1')?.metadata.client_name).toBe('never committed');
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(rows.get('c1')?.metadata.client_name).toBe('Cursor');
  });

  it('is one per connection', () => {
    expect(clientRowsOf(db)).toBe(rows);
  });
});
