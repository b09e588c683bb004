import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessTokenLookup } from '../../../src/main/store/access-tokens';
import { openDatabase } from '../../../src/main/store/database';
import { EngineStore } from '../../../src/main/store/engine-store';
import { sha256 } from '../../../src/main/store/hashing';
import { purgeExpired } from '../../../src/main/store/purge';

/**
 * The access-token lookup /mcp runs on every request keeps what it found, and
 * must never answer with a token that was revoked, expired, or whose client or
 * user was disabled: each change is seen by the very next lookup (changes by
 * another connection, the CLI, from the next turns of the event loop on).
 * A real file database and the engine's own store for the writes.
 */

const NOW = Date.UTC(2026, 10, 26);
const AUDIENCE = 'http://localhost:3000/mcp';

let dir: string;
let file: string;
let db: Database.Database;
let store: EngineStore;
let lookup: AccessTokenLookup;

/** A few turns of the event loop later: another process's commit is seen by then. */
const afterRecheck = () => new Promise((resolve) => setTimeout(resolve, 5));

function issue(token: string, options: { grantId?: string; accountId?: string; expiresIn?: number } = {}) {
  store.upsert(
    options.accountId ? 'AccessToken' : 'ClientCredentials',
    token,
    { clientId: 'c1', grantId: options.grantId, accountId: options.accountId, aud: AUDIENCE, scope: 'mcp:tools', jti: token },
    options.expiresIn ?? 3600,
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-token-lookup-'));
  file = join(dir, 'db.sqlite');
  db = openDatabase(file);
  store = new EngineStore(db, () => NOW);
  db.prepare("INSERT INTO users (id, username, display_name, created_at) VALUES ('u1', 'alice', 'Alice', 0)").run();
  store.upsert('Client', 'c1', { client_id: 'c1', client_name: 'Cursor' }, undefined, 'manual');
  store.upsert('Grant', 'g1', { accountId: 'u1', clientId: 'c1', jti: 'g1' }, 3600);
  lookup = new AccessTokenLookup(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AccessTokenLookup', () => {
  it('finds a token with its user, and answers the next lookups from memory (the same frozen object)', () => {
    issue('tok-alice', { grantId: 'g1', accountId: 'u1' });
    const first = lookup.find('tok-alice', NOW);
    expect(first).toMatchObject({ kind: 'AccessToken', clientId: 'c1', username: 'alice', audience: [AUDIENCE], scopes: ['mcp:tools'] });
    expect(first!.fingerprint).toBe(sha256('tok-alice').toString('hex').slice(0, 8));
    expect(lookup.find('tok-alice', NOW)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => first!.scopes.push('admin')).toThrow(TypeError);
    expect(lookup.find('tok-unknown', NOW)).toBeUndefined();
  });

  it('refuses a token at once once revoked (its row deleted)', () => {
    issue('tok-1');
    expect(lookup.find('tok-1', NOW)).toBeDefined();
    store.destroy('ClientCredentials', 'tok-1');
    expect(lookup.find('tok-1', NOW)).toBeUndefined();
  });

  it('refuses the tokens of a consent withdrawn (deleted with the grant, by cascade)', () => {
    issue('tok-g1', { grantId: 'g1', accountId: 'u1' });
    expect(lookup.find('tok-g1', NOW)).toBeDefined();
    store.revokeGrant('g1');
    expect(lookup.find('tok-g1', NOW)).toBeUndefined();
  });

  it('refuses a token made to expire now, and one whose time ran out', () => {
    issue('tok-expire-now');
    issue('tok-short', { expiresIn: 10 });
    expect(lookup.find('tok-expire-now', NOW)).toBeDefined();
    expect(lookup.find('tok-short', NOW)).toBeDefined();
    db.prepare('UPDATE tokens SET expires_at = ? WHERE id_hash = ?').run(NOW, sha256('tok-expire-now'));
    expect(lookup.find('tok-expire-now', NOW)).toBeUndefined();
    expect(lookup.find('tok-short', NOW + 10_000)).toBeUndefined();
  });

  it('refuses every token of a disabled client, and of a disabled user; a renamed user is seen renamed', () => {
    issue('tok-client');
    issue('tok-user', { grantId: 'g1', accountId: 'u1' });
    expect(lookup.find('tok-client', NOW)).toBeDefined();
    expect(lookup.find('tok-user', NOW)?.displayName).toBe('Alice');
    db.prepare("UPDATE users SET display_name = 'Alice B.' WHERE id = 'u1'").run();
    expect(lookup.find('tok-user', NOW)?.displayName).toBe('Alice B.');
    db.prepare("UPDATE users SET disabled = 1 WHERE id = 'u1'").run();
    expect(lookup.find('tok-user', NOW)).toBeUndefined();
    // Cached again after the user changes cleared everything: disabling the client must drop it.
    const beforeDisabling = lookup.find('tok-client', NOW);
    expect(lookup.find('tok-client', NOW)).toBe(beforeDisabling);
    db.prepare("UPDATE clients SET disabled = 1 WHERE client_id = 'c1'").run();
    expect(lookup.find('tok-client', NOW)).toBeUndefined();
  });

  it('refuses a token whose user was deleted', () => {
    issue('tok-user', { accountId: 'u1' });
    expect(lookup.find('tok-user', NOW)).toBeDefined();
    db.prepare("DELETE FROM users WHERE id = 'u1'").run();
    expect(lookup.find('tok-user', NOW)).toBeUndefined();
  });

  it('forgets purged tokens', () => {
    issue('tok-old', { expiresIn: 1 });
    expect(lookup.find('tok-old', NOW)).toBeDefined();
    purgeExpired(db, NOW + 60_000);
    expect((db.prepare('SELECT COUNT(*) AS n FROM tokens').get() as { n: number }).n).toBe(0);
    expect(lookup.find('tok-old', NOW)).toBeUndefined();
  });

  it('sees a revocation committed by another connection (the CLI) from the next turns of the event loop on', async () => {
    issue('tok-cli');
    expect(lookup.find('tok-cli', NOW)).toBeDefined();
    const cli = openDatabase(file);
    try {
      cli.prepare('DELETE FROM tokens WHERE id_hash = ?').run(sha256('tok-cli'));
    } finally {
      cli.close();
    }
    await afterRecheck();
    expect(lookup.find('tok-cli', NOW)).toBeUndefined();
  });

  it('inside a transaction reads the database, and keeps nothing that may roll back', () => {
    expect(() =>
      db.transaction(() => {
        issue('tok-rolled-back');
        expect(lookup.find('tok-rolled-back', NOW)).toBeDefined();
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(lookup.find('tok-rolled-back', NOW)).toBeUndefined();
  });
});
