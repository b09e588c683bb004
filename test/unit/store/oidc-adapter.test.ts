import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../src/main/store/database';
import { EngineStore } from '../../../src/main/store/engine-store';
import { createAdapterClass, knownTokenKey, withUnitOfWork } from '../../../src/main/store/oidc-adapter';
import { sha256 } from '../../../src/main/store/hashing';

/**
 * The engine's adapter inside a unit of work (one engine request): the engine
 * looks a token up as each kind in turn (introspection and revocation without a
 * type hint try three); one query must answer them all, and each kind must
 * still see only its own tokens. A real file database.
 */

let dir: string;
let db: Database.Database;
let store: EngineStore;
let Adapter: ReturnType<typeof createAdapterClass>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-adapter-'));
  db = openDatabase(join(dir, 'db.sqlite'));
  store = new EngineStore(db);
  Adapter = createAdapterClass(store);
  store.upsert('ClientCredentials', 'machine-token', { clientId: 'c1', kind: 'ClientCredentials', scope: 'mcp:tools' }, 3600);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `work` as one engine request that succeeds. */
async function inRequest(work: () => Promise<void>): Promise<void> {
  await withUnitOfWork(store, work, () => 'success');
}

describe('SqliteAdapter in a unit of work', () => {
  it('answers the lookups of one token as every kind with one query, each kind seeing only its own', async () => {
    const query = vi.spyOn(store, 'findTokenByKey');
    const found: Record<string, unknown> = {};
    await inRequest(async () => {
      const [access, machine, refresh] = await Promise.all([
        new Adapter('AccessToken').find('machine-token'),
        new Adapter('ClientCredentials').find('machine-token'),
        new Adapter('RefreshToken').find('machine-token'),
      ]);
      Object.assign(found, { access, machine, refresh, hash: knownTokenKey('machine-token') });
    });
    expect(found.access).toBeUndefined();
    expect(found.refresh).toBeUndefined();
    expect(found.machine).toMatchObject({ clientId: 'c1', scope: 'mcp:tools', jti: 'machine-token' });
    expect(found.hash).toEqual(sha256('machine-token'));
    expect(query).toHaveBeenCalledTimes(1);
  });

  it('remembers that a token is not stored, and still sees what the request itself wrote or consumed', async () => {
    const query = vi.spyOn(store, 'findTokenByKey');
    const seen: unknown[] = [];
    await inRequest(async () => {
      const access = new Adapter('AccessToken');
      seen.push(await access.find('new-token'), await new Adapter('RefreshToken').find('new-token'));
      await access.upsert('new-token', { clientId: 'c1', kind: 'AccessToken' }, 60);
      seen.push(await access.find('new-token'));
      const machine = new Adapter('ClientCredentials');
      await machine.consume('machine-token');
      seen.push(await machine.find('machine-token'));
    });
    expect(seen[0]).toBeUndefined();
    expect(seen[1]).toBeUndefined();
    expect(seen[2]).toMatchObject({ clientId: 'c1', jti: 'new-token' });
    expect(seen[3]).toMatchObject({ clientId: 'c1', consumed: expect.any(Number) });
    expect(query).toHaveBeenCalledTimes(2);
    // Committed: the new token is stored under the hash its lookups used.
    expect(store.find('AccessToken', 'new-token')).toMatchObject({ clientId: 'c1' });
    expect(store.find('ClientCredentials', 'machine-token')).toMatchObject({ consumed: expect.any(Number) });
  });

  it('forgets what it looked up when the request ends: the next request sees a token consumed or deleted meanwhile', async () => {
    const query = vi.spyOn(store, 'findTokenByKey');
    const seen: unknown[] = [];
    await inRequest(async () => {
      seen.push(await new Adapter('ClientCredentials').find('machine-token'));
    });
    await inRequest(async () => {
      await new Adapter('ClientCredentials').consume('machine-token');
    });
    await inRequest(async () => {
      seen.push(await new Adapter('ClientCredentials').find('machine-token'));
      await new Adapter('ClientCredentials').destroy('machine-token');
      // Deleted by this request: hidden although the request's lookup found it.
      seen.push(await new Adapter('ClientCredentials').find('machine-token'));
    });
    await inRequest(async () => {
      seen.push(await new Adapter('ClientCredentials').find('machine-token'));
    });
    expect(seen[0]).not.toHaveProperty('consumed');
    expect(seen[1]).toHaveProperty('consumed');
    expect(seen[2]).toBeUndefined();
    expect(seen[3]).toBeUndefined();
    expect(query).toHaveBeenCalledTimes(3);
  });

  it('hides a token of a grant this request revoked, though its lookup found it', async () => {
    db.prepare("INSERT INTO users (id, username, display_name, created_at) VALUES ('u1', 'alice', 'Alice', 0)").run();
    db.prepare("INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at) VALUES ('g1', 'c1', 'u1', '{}', 0, 0)").run();
    store.upsert('AccessToken', 'user-token', { clientId: 'c1', grantId: 'g1', accountId: 'u1', kind: 'AccessToken' }, 3600);
    const seen: unknown[] = [];
    await inRequest(async () => {
      const access = new Adapter('AccessToken');
      seen.push(await access.find('user-token'));
      await access.revokeByGrantId('g1');
      seen.push(await access.find('user-token'));
    });
    expect(seen[0]).toMatchObject({ grantId: 'g1' });
    expect(seen[1]).toBeUndefined();
  });

  it('outside an engine request, looks each kind up in the store as before', async () => {
    expect(await new Adapter('ClientCredentials').find('machine-token')).toMatchObject({ clientId: 'c1' });
    expect(await new Adapter('AccessToken').find('machine-token')).toBeUndefined();
  });
});
