import type { SqliteDatabase } from './database';
import { fingerprintOfHash, sha256 } from './hashing';

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

/**
 * Looks an access token up by the hash of its value, on every request: a token
 * revoked a moment ago (consent withdrawn, client disabled) is refused at once,
 * and a token issued before a restart is still found after it.
 */
export class AccessTokenLookup {
  readonly #find;
  readonly #owner;

  constructor(db: SqliteDatabase) {
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
    const row = this.#owner.get(sha256(token)) as { client_id: string | null; account_id: string | null; expires_at: number | null } | undefined;
    return row ? { clientId: row.client_id, accountId: row.account_id, expiresAt: row.expires_at } : undefined;
  }

  find(token: string, now: number): StoredAccessToken | undefined {
    const hash = sha256(token);
    const row = this.#find.get(hash, now) as
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
    return {
      kind: row.kind,
      clientId: row.client_id,
      accountId: row.account_id,
      grantId: row.grant_id,
      audience,
      scopes: payload.scope ? payload.scope.split(' ').filter(Boolean) : [],
      expiresAt: row.expires_at,
      username: row.username,
      displayName: row.display_name,
      fingerprint: fingerprintOfHash(hash),
    };
  }
}
