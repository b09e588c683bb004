import type { TokenInspection, TokenKind, TokenStatus, TokenSummary } from '../../shared/dto';
import type { ActivityEvent, EventFilter } from '../../shared/events';
import type { SqliteDatabase } from '../store/database';
import type { EventLog } from '../store/events';
import { fingerprintOfKey, tokenStorageKey } from '../store/hashing';
import type { AuditTrail } from './audit';
import { notFound } from './failure';

/**
 * The activity log, tokens and the controls for testing clients, as the admin
 * sees them: tokens are shown by reference (the hash of their value) and what
 * they carry, never by value.
 */

const VISIBLE_KINDS = "('AccessToken', 'RefreshToken', 'ClientCredentials')";

interface TokenRow {
  id_hash: Buffer;
  kind: TokenKind;
  client_id: string | null;
  client_name: string | null;
  account_id: string | null;
  username: string | null;
  grant_id: string | null;
  payload: string;
  created_at: number;
  expires_at: number | null;
  consumed_at: number | null;
}

const TOKEN_SELECT = `
  SELECT t.id_hash, t.kind, t.client_id, c.client_name, t.account_id, u.username, t.grant_id, t.payload,
         t.created_at, t.expires_at, t.consumed_at
  FROM tokens t
  LEFT JOIN clients c ON c.client_id = t.client_id
  LEFT JOIN users u ON u.id = t.account_id`;

export class ActivityAdmin {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #events: EventLog;
  readonly #audit: AuditTrail;

  constructor(db: SqliteDatabase, now: () => number, events: EventLog, audit: AuditTrail) {
    this.#db = db;
    this.#now = now;
    this.#events = events;
    this.#audit = audit;
  }

  listEvents(filter: EventFilter): ActivityEvent[] {
    return this.#events.list(filter);
  }

  /** JSON Lines, oldest first: one event per line, as stored (no secrets, only fingerprints). */
  exportEvents(filter: Omit<EventFilter, 'limit' | 'beforeId'>): { jsonl: string; count: number } {
    const lines: string[] = [];
    for (const event of this.#events.iterate(filter)) lines.push(JSON.stringify(event));
    return { jsonl: lines.length ? `${lines.join('\n')}\n` : '', count: lines.length };
  }

  /** Events of one client, oldest first, for its protocol report. */
  clientHistory(clientId: string): ActivityEvent[] {
    return this.#events.list({ clientId, limit: 2000 }).reverse();
  }

  #summary(row: TokenRow): TokenSummary {
    const payload = JSON.parse(row.payload) as { scope?: string; aud?: string | string[] };
    const now = this.#now();
    const status: TokenStatus = row.consumed_at !== null ? 'consumed' : row.expires_at !== null && row.expires_at <= now ? 'expired' : 'active';
    const ref = row.id_hash.toString('hex');
    return {
      ref,
      fingerprint: fingerprintOfKey(row.id_hash),
      kind: row.kind,
      clientId: row.client_id,
      username: row.username,
      scopes: payload.scope ? payload.scope.split(' ').filter(Boolean) : [],
      audience: Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [],
      issuedAt: row.created_at,
      expiresAt: row.expires_at,
      status,
      grantId: row.grant_id,
    };
  }

  listClientTokens(clientId: string): TokenSummary[] {
    const rows = this.#db
      .prepare(`${TOKEN_SELECT} WHERE t.client_id = ? AND t.kind IN ${VISIBLE_KINDS} ORDER BY t.created_at DESC LIMIT 200`)
      .all(clientId) as TokenRow[];
    return rows.map((row) => this.#summary(row));
  }

  /** Looks a token up by its value (pasted by the admin) or by its reference; never returns the value. */
  inspect(input: { token: string } | { ref: string }): TokenInspection {
    const key = 'token' in input ? tokenStorageKey(input.token) : Buffer.from(input.ref, 'hex');
    const row = this.#db.prepare(`${TOKEN_SELECT} WHERE t.id_hash = ?`).get(key) as TokenRow | undefined;
    if (!row) throw notFound('That token (it was never issued here, or it was revoked, or removed after it expired)');
    const payload = JSON.parse(row.payload) as { gty?: string; rotations?: number };
    const summary = this.#summary(row);
    const notes: Record<TokenStatus, string> = {
      active: row.kind === 'RefreshToken' ? 'Can be exchanged once for a new access token (then it is rotated).' : '/mcp accepts it now.',
      expired: 'Expired: /mcp answers 401 invalid_token and a client should refresh.',
      consumed: 'Already used: presenting it again revokes its whole grant.',
    };
    return {
      ...summary,
      clientName: row.client_name,
      // The engine records no grant type on client-credentials tokens: their kind says it.
      grantType: payload.gty ?? (row.kind === 'ClientCredentials' ? 'client_credentials' : null),
      rotations: typeof payload.rotations === 'number' ? payload.rotations : null,
      format: 'opaque',
      note: notes[summary.status],
    };
  }

  /** Testing control: ends the client's live access tokens (and refresh tokens) now, so it must refresh (or re-authorize). */
  expireClientTokens(clientId: string, includeRefreshTokens: boolean): { expiredTokens: number } {
    const exists = this.#db.prepare('SELECT 1 FROM clients WHERE client_id = ?').get(clientId);
    if (!exists) throw notFound(`Client ${clientId}`);
    const now = this.#now();
    const kinds = includeRefreshTokens ? VISIBLE_KINDS : "('AccessToken', 'ClientCredentials')";
    return this.#db.transaction(() => {
      // The engine reads `exp` from the record (introspection, refresh), the resource reads expires_at: change both.
      const { changes } = this.#db
        .prepare(`
          UPDATE tokens SET expires_at = @now, payload = json_set(payload, '$.exp', @nowSeconds)
          WHERE client_id = @clientId AND kind IN ${kinds} AND (expires_at IS NULL OR expires_at > @now) AND consumed_at IS NULL`)
        .run({ now, nowSeconds: Math.floor(now / 1000), clientId });
      this.#audit.record({
        type: 'token.expired_by_admin',
        outcome: 'info',
        clientId,
        summary: `${changes} ${includeRefreshTokens ? 'access and refresh' : 'access'} token(s) expired now by ${this.#audit.actor}`,
        data: { expiredTokens: changes, includeRefreshTokens },
      });
      return { expiredTokens: changes };
    })();
  }
}
