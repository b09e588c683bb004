import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ClientRow, ClientRows, clientRowsOf, metadataCopy } from '../../../src/main/store/client-rows';
import { openDatabase } from '../../../src/main/store/database';
import { EngineStore } from '../../../src/main/store/engine-store';

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
const name = (row: ClientRow | undefined) => row?.metadata.client_name;
/** A few turns of the event loop later: another process's commit is seen by then. */
const afterRecheck = () => new Promise((resolve) => setTimeout(resolve, 5));
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
    expect(name(first)).toBe('Cursor');
    expect(rows.get('c1')).toBe(first);
    expect(Object.isFrozen(first!.metadata)).toBe(true);
    expect(() => (first!.metadata.redirect_uris as string[]).push('http://evil.example/')).toThrow(TypeError);
  });

  it('sees updates, settings, disabling and deletion made on this connection', () => {
    rows.get('c1');
    rename(db, 'c1', 'Cursor 2');
    expect(name(rows.get('c1'))).toBe('Cursor 2');
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
    expect(name(rows.get('c2'))).toBe('VS Code');
  });

  it('sees changes committed by another connection (the CLI while the server runs) from the next turns of the event loop on', async () => {
    rows.get('c1');
    const cli = openDatabase(file);
    try {
      cli.prepare("UPDATE clients SET disabled = 1 WHERE client_id = 'c1'").run();
      await afterRecheck();
      expect(rows.get('c1')?.disabled).toBe(true);
      insertClient(cli, 'c3', 'Inspector');
      await afterRecheck();
      expect(name(rows.get('c3'))).toBe('Inspector');
    } finally {
      cli.close();
    }
  });

  it('keeps nothing read inside a transaction that rolled back', () => {
    rows.get('c1');
    expect(() =>
      db.transaction(() => {
        rename(db, 'c1', 'never committed');
        expect(name(rows.get('c1'))).toBe('never committed');
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(name(rows.get('c1'))).toBe('Cursor');
  });

  it("gives the engine its own copy of the metadata each time (it may normalise grant_types in place)", () => {
    const store = new EngineStore(db);
    const first = store.find('Client', 'c1')!;
    (first.redirect_uris as string[]).push('http://127.0.0.1/changed');
    first.client_name = 'changed';
    expect(store.find('Client', 'c1')).toMatchObject({ client_name: 'Cursor', redirect_uris: ['http://127.0.0.1/cb'] });
    expect(Object.isFrozen(store.find('Client', 'c1')!.redirect_uris)).toBe(false);
  });

  it('metadataCopy copies nested objects and arrays of objects too', () => {
    const frozen = Object.freeze({ jwks: Object.freeze({ keys: Object.freeze([Object.freeze({ kty: 'EC' })]) }), uris: Object.freeze(['a']) });
    const copy = metadataCopy(frozen) as { jwks: { keys: { kty: string }[] }; uris: string[] };
    copy.jwks.keys[0]!.kty = 'RSA';
    copy.jwks.keys.push({ kty: 'OKP' });
    copy.uris.push('b');
    expect(frozen).toEqual({ jwks: { keys: [{ kty: 'EC' }] }, uris: ['a'] });
  });

  it('is one per connection', () => {
    expect(clientRowsOf(db)).toBe(rows);
  });
});
