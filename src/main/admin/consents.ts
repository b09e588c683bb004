import type { Consent } from '../../shared/dto';
import type { SqliteDatabase } from '../store/database';
import type { AuditTrail } from './audit';
import { AdminFailure, notFound } from './failure';

interface ConsentRow {
  grant_id: string;
  client_id: string;
  client_name: string | null;
  account_id: string;
  username: string;
  display_name: string;
  payload: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  active_tokens: number;
}

/** The scopes a grant holds, over all resources (the MCP resource under its loopback names). */
function grantScopes(payload: string): string[] {
  const grant = JSON.parse(payload) as { resources?: Record<string, string>; openid?: { scope?: string } };
  const scopes = new Set<string>();
  for (const value of Object.values(grant.resources ?? {})) for (const scope of value.split(' ')) if (scope) scopes.add(scope);
  return [...scopes].sort();
}

function toConsent(row: ConsentRow): Consent {
  return {
    grantId: row.grant_id,
    clientId: row.client_id,
    clientName: row.client_name,
    userId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    scopes: grantScopes(row.payload),
    grantedAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    activeTokens: row.active_tokens,
  };
}

/**
 * Consents are the engine's grants: one per user and client. Revoking one
 * deletes the grant, and by cascade every token issued from it, in one statement:
 * its access tokens stop working at the next request and its refresh tokens are gone.
 */
export class ConsentAdmin {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #audit: AuditTrail;

  constructor(db: SqliteDatabase, now: () => number, audit: AuditTrail) {
    this.#db = db;
    this.#now = now;
    this.#audit = audit;
  }

  list(filter: { clientId?: string; username?: string }): Consent[] {
    // Only the filters that are set go into the SQL: an "(@x IS NULL OR …)" term
    // keeps the planner off the client and account indexes (a full scan at scale).
    const where = ['(g.expires_at IS NULL OR g.expires_at > @now)'];
    const params: Record<string, string | number> = { now: this.#now() };
    if (filter.clientId !== undefined) {
      where.push('g.client_id = @clientId');
      params.clientId = filter.clientId;
    }
    if (filter.username !== undefined) {
      where.push('u.username = @username');
      params.username = filter.username;
    }
    const rows = this.#db
      .prepare(`
        SELECT g.grant_id, g.client_id, c.client_name, g.account_id, u.username, u.display_name, g.payload,
               g.created_at, g.updated_at, g.last_used_at, g.expires_at,
               (SELECT COUNT(*) FROM tokens t WHERE t.grant_id = g.grant_id
                  AND t.kind IN ('AccessToken', 'RefreshToken') AND t.expires_at > @now AND t.consumed_at IS NULL) AS active_tokens
        FROM grants g
        JOIN users u ON u.id = g.account_id
        LEFT JOIN clients c ON c.client_id = g.client_id
        WHERE ${where.join(' AND ')}
        ORDER BY g.updated_at DESC`)
      .all(params) as ConsentRow[];
    return rows.map(toConsent);
  }

  revoke(clientId: string, username: string): { revokedTokens: number } {
    const user = this.#db.prepare('SELECT id FROM users WHERE username = ?').get(username) as { id: string } | undefined;
    if (!user) throw notFound(`User ${username}`);
    return this.#db.transaction(() => {
      const tokens = this.#countTokens('g.client_id = ? AND g.account_id = ?', clientId, user.id);
      const deleted = this.#db.prepare('DELETE FROM grants WHERE client_id = ? AND account_id = ?').run(clientId, user.id).changes;
      if (deleted === 0) throw new AdminFailure('not_found', `${username} has no consent for client ${clientId}`);
      this.#audit.record({
        type: 'consent.revoked',
        outcome: 'success',
        clientId,
        accountId: user.id,
        summary: `Consent of ${username} revoked by ${this.#audit.actor}; ${tokens} token(s) stopped working`,
        data: { username, revokedTokens: tokens },
      });
      return { revokedTokens: tokens };
    }).immediate();
  }

  revokeAll(clientId: string): { revokedConsents: number; revokedTokens: number } {
    const exists = this.#db.prepare('SELECT 1 FROM clients WHERE client_id = ?').get(clientId);
    if (!exists) throw notFound(`Client ${clientId}`);
    return this.#db.transaction(() => {
      const tokens = this.#countTokens('g.client_id = ?', clientId);
      const revokedConsents = this.#db.prepare('DELETE FROM grants WHERE client_id = ?').run(clientId).changes;
      this.#audit.record({
        type: 'consent.revoked',
        outcome: 'success',
        clientId,
        summary: `All ${revokedConsents} consent(s) revoked by ${this.#audit.actor}; ${tokens} token(s) stopped working`,
        data: { revokedConsents, revokedTokens: tokens, all: true },
      });
      return { revokedConsents, revokedTokens: tokens };
    }).immediate();
  }

  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM grants WHERE expires_at IS NULL OR expires_at > ?').get(this.#now()) as { n: number }).n;
  }

  #countTokens(where: string, ...params: string[]): number {
    return (
      this.#db
        .prepare(`
          SELECT COUNT(*) AS n FROM tokens t JOIN grants g ON g.grant_id = t.grant_id
          WHERE ${where} AND t.kind IN ('AccessToken', 'RefreshToken') AND t.expires_at > ? AND t.consumed_at IS NULL`)
        .get(...params, this.#now()) as { n: number }
    ).n;
  }
}
