import { perConnection, type SqliteDatabase } from './database';
import { fingerprintOfKey, tokenStorageKey } from './hashing';
import { ConnectionCache } from './other-connections';

/** What the protected resource needs to know about a presented access token. */
export interface StoredAccessToken {
  kind: 'AccessToken' | 'ClientCredentials';
  clientId: string;
  accountId: string | null;
  grantId: string | null;
  audience: string[];
  scopes: string[];
  expiresAt: number;
  /** The user the token acts for (null for client_credentials), read in the same query. */
  username: string | null;
  displayName: string | null;
  /** The start of the token's SHA-256, as the activity log shows it. */
  fingerprint: string;
}

/** Enough for every token a local server's clients use at once. */
const MAX_CACHED = 10_000;

/**
 * The access tokens found recently, by the hex of their storage key (the key the
 * triggers below pass: see tokenStorageKey), until
 * anything that decides their validity changes. Every /mcp request looks its
 * token up; under load that query was most of what authentication cost. An
 * entry goes as soon as, on this connection (temporary triggers, so inside the
 * very transaction that makes the change):
 * - its row is deleted or updated (revocation, consent withdrawn — the cascade
 *   deletes fire the trigger too —, "expire now", purge);
 * - any client is disabled or deleted, or any user disabled, renamed or deleted
 *   (the whole cache goes);
 * and when another connection (the CLI) committed anything (other-connections.ts).
 * Expiry is checked on every hit. Inside a transaction lookups read through.
 */
function accessTokenCache(db: SqliteDatabase): ConnectionCache<StoredAccessToken> {
  const cache = new ConnectionCache<StoredAccessToken>(db, MAX_CACHED);
  db.function('mad_access_token_changed', { deterministic: false }, (idHash: unknown) => {
    if (Buffer.isBuffer(idHash)) cache.delete(idHash.toString('hex'));
    return null;
  });
  db.function('mad_access_tokens_cleared', { deterministic: false }, () => {
    cache.clear();
    return null;
  });
  const accessKinds = "OLD.kind IN ('AccessToken', 'ClientCredentials')";
  db.exec(`
    CREATE TEMP TRIGGER IF NOT EXISTS mad_access_token_deleted AFTER DELETE ON main.tokens
      WHEN ${accessKinds} BEGIN SELECT mad_access_token_changed(OLD.id_hash); END;
    CREATE TEMP TRIGGER IF NOT EXISTS mad_access_token_updated AFTER UPDATE ON main.tokens
      WHEN ${accessKinds} BEGIN SELECT mad_access_token_changed(OLD.id_hash); END;
    CREATE TEMP TRIGGER IF NOT EXISTS mad_access_tokens_client_disabled AFTER UPDATE OF disabled ON main.clients
      BEGIN SELECT mad_access_tokens_cleared(); END;
    CREATE TEMP TRIGGER IF NOT EXISTS mad_access_tokens_client_deleted AFTER DELETE ON main.clients
      BEGIN SELECT mad_access_tokens_cleared(); END;
    CREATE TEMP TRIGGER IF NOT EXISTS mad_access_tokens_user_changed AFTER UPDATE OF disabled, username, display_name ON main.users
      BEGIN SELECT mad_access_tokens_cleared(); END;
    CREATE TEMP TRIGGER IF NOT EXISTS mad_access_tokens_user_deleted AFTER DELETE ON main.users
      BEGIN SELECT mad_access_tokens_cleared(); END;`);
  return cache;
}

const accessTokenCacheOf = perConnection(accessTokenCache);

/**
 * Looks an access token up by its storage key (its hash), on every request: a token
 * revoked a moment ago (consent withdrawn, client disabled) is refused at once,
 * and a token issued before a restart is still found after it.
 */
export class AccessTokenLookup {
  readonly #db: SqliteDatabase;
  readonly #find;
  readonly #owner;
  readonly #cache: ConnectionCache<StoredAccessToken>;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#cache = accessTokenCacheOf(db);
    this.#find = db.prepare<[Buffer, number]>(`
      SELECT t.kind, t.client_id, t.account_id, t.grant_id, t.payload, t.expires_at, u.username, u.display_name
      FROM tokens t
      LEFT JOIN clients c ON c.client_id = t.client_id
      LEFT JOIN users u ON u.id = t.account_id
      WHERE t.id_hash = ? AND t.kind IN ('AccessToken', 'ClientCredentials') AND t.expires_at > ?
        AND (c.disabled IS NULL OR c.disabled = 0)
        AND (t.account_id IS NULL OR (u.id IS NOT NULL AND u.disabled = 0))`);
    this.#owner = db.prepare<[Buffer]>('SELECT client_id, account_id, expires_at FROM tokens WHERE id_hash = ?');
  }

  /**
   * Who a refused token belonged to, for the activity log (an expired token is
   * still there until the purge; a revoked one is gone).
   */
  owner(token: string): { clientId: string | null; accountId: string | null; expiresAt: number | null } | undefined {
    const row = this.#owner.get(tokenStorageKey(token)) as { client_id: string | null; account_id: string | null; expires_at: number | null } | undefined;
    return row ? { clientId: row.client_id, accountId: row.account_id, expiresAt: row.expires_at } : undefined;
  }

  find(token: string, now: number): StoredAccessToken | undefined {
    const storageKey = tokenStorageKey(token);
    const key = storageKey.toString('hex');
    const cached = !this.#db.inTransaction;
    if (cached) {
      const hit = this.#cache.get(key);
      if (hit && hit.expiresAt > now) return hit;
    }
    const found = this.#read(storageKey, now);
    if (found && cached) this.#cache.set(key, found);
    return found;
  }

  #read(storageKey: Buffer, now: number): StoredAccessToken | undefined {
    const row = this.#find.get(storageKey, now) as
      | {
          kind: StoredAccessToken['kind'];
          client_id: string;
          account_id: string | null;
          grant_id: string | null;
          payload: string;
          expires_at: number;
          username: string | null;
          display_name: string | null;
        }
      | undefined;
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as { aud?: string | string[]; scope?: string };
    const audience = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
    // Frozen: the same object answers every request with this token.
    return Object.freeze({
      kind: row.kind,
      clientId: row.client_id,
      accountId: row.account_id,
      grantId: row.grant_id,
      audience: Object.freeze(audience) as string[],
      scopes: Object.freeze(payload.scope ? payload.scope.split(' ').filter(Boolean) : []) as string[],
      expiresAt: row.expires_at,
      username: row.username,
      displayName: row.display_name,
      fingerprint: fingerprintOfKey(storageKey),
    });
  }
}
