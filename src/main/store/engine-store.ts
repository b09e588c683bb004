import { clientRowsOf, metadataCopy, type ClientRows } from './client-rows';
import { perConnection, type SqliteDatabase } from './database';
import { hashClientSecret, isHashedClientSecret, sha256, tokenStorageKey } from './hashing';
import { groupCommitOf } from './group-commit';
import { tokenRowsOf, type StoredToken, type TokenRows } from './token-rows';

/**
 * SQL behind the oidc-provider adapter: one table per kind of record the engine
 * keeps (see docs/STORAGE.md). Every record whose id is a bearer secret (tokens,
 * codes, sessions, interactions) is keyed by the SHA-256 of that id (tokens and
 * codes by their storage key, which is the SHA-256 after the id's time prefix:
 * hashing.ts), and the id is removed from the stored payload, so the database
 * never holds a usable token.
 *
 * Times in the database are epoch milliseconds; the engine speaks epoch seconds.
 */

export type Payload = Record<string, unknown>;

/** Engine models stored in the `tokens` table. */
export const TOKEN_MODELS = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
  'RegistrationAccessToken',
  'InitialAccessToken',
]);

/** Kinds of token a client holds that count as "being used" when issued. */
const USAGE_KINDS = new Set(['AccessToken', 'ClientCredentials']);
const LAST_USED_GRANULARITY_MS = 1000;

export type RegistrationType = 'dynamic' | 'manual' | 'metadata_document';

/** Thrown when a single-use record (code, refresh token) was consumed by a concurrent request first. */
export class AlreadyConsumedError extends Error {
  constructor(readonly model: string) {
    super(`${model} already consumed`);
    this.name = 'AlreadyConsumedError';
  }
}

function expiresAt(now: number, expiresInSeconds: number | undefined): number | null {
  return typeof expiresInSeconds === 'number' ? now + expiresInSeconds * 1000 : null;
}

function withoutJti(payload: Payload): string {
  const { jti: _jti, ...rest } = payload;
  return JSON.stringify(rest);
}

const UID_PLACEHOLDER = '{uid}';

/**
 * Interactions carry bearer values besides their (hashed) id: the id again in
 * `returnTo`, and the browser's session cookie value in `session.cookie` (kept
 * by the engine for the application, read by neither). Neither is stored.
 */
function sanitizeInteraction(payload: Payload, id: string): Payload {
  const copy: Payload = { ...payload };
  if (typeof copy.returnTo === 'string') copy.returnTo = copy.returnTo.split(id).join(UID_PLACEHOLDER);
  if (copy.session && typeof copy.session === 'object') {
    const { cookie: _cookie, ...session } = copy.session as Payload;
    copy.session = session;
  }
  return copy;
}

function restoreInteraction(payload: Payload, id: string): Payload {
  if (typeof payload.returnTo === 'string') payload.returnTo = payload.returnTo.split(UID_PLACEHOLDER).join(id);
  return payload;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

interface TokenRow {
  payload: string;
  consumed_at: number | null;
}

/**
 * When "last used" was last written, per client and grant (see EngineStore#due):
 * one map per connection, shared by its stores, and forgotten whenever writes
 * were rolled back (one of them may have been a "last used" it remembers).
 */
const lastUsedWritesOf = perConnection((db) => {
  const writtenAt = new Map<string, number>();
  groupCommitOf(db).onRollback(() => writtenAt.clear());
  return writtenAt;
});

/** The engine's record of a stored token (or other hashed record) with id `id`: a new object each time. */
export function tokenPayload(row: TokenRow & { fields?: Readonly<Payload> }, id: string): Payload {
  const payload: Payload = { ...(row.fields ?? (JSON.parse(row.payload) as Payload)), jti: id };
  if (row.consumed_at !== null) payload.consumed = Math.floor(row.consumed_at / 1000);
  return payload;
}

export class EngineStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #stmt;
  readonly #touchedAt: Map<string, number>;
  readonly #clients: ClientRows;
  readonly #tokens: TokenRows;

  constructor(db: SqliteDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#clients = clientRowsOf(db);
    this.#tokens = tokenRowsOf(db);
    this.#touchedAt = lastUsedWritesOf(db);
    this.#stmt = {
      findToken: db.prepare<[Buffer, string]>('SELECT payload, consumed_at FROM tokens WHERE id_hash = ? AND kind = ?'),
      // Positional parameters: binding by name costs a property lookup each, on every token request.
      upsertToken: db.prepare<[Buffer, string, string | null, string | null, string | null, string, number, number | null]>(`
        INSERT INTO tokens (id_hash, kind, client_id, grant_id, account_id, payload, created_at, expires_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id_hash) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at`),
      destroyToken: db.prepare<[Buffer, string]>('DELETE FROM tokens WHERE id_hash = ? AND kind = ?'),
      consumeToken: db.prepare<[number, Buffer, string]>(
        'UPDATE tokens SET consumed_at = ? WHERE id_hash = ? AND kind = ? AND consumed_at IS NULL',
      ),
      revokeTokensByGrant: db.prepare<[string, string]>('DELETE FROM tokens WHERE grant_id = ? AND kind = ?'),
      touchClient: db.prepare<[number, string]>('UPDATE clients SET last_used_at = ? WHERE client_id = ?'),
      touchGrant: db.prepare<[number, string]>('UPDATE grants SET last_used_at = ? WHERE grant_id = ?'),

      upsertClient: db.prepare(`
        INSERT INTO clients (client_id, registration_type, client_name, metadata, created_at, updated_at)
        VALUES (@client_id, @registration_type, @client_name, @metadata, @now, @now)
        ON CONFLICT (client_id) DO UPDATE SET
          client_name = excluded.client_name, metadata = excluded.metadata, updated_at = excluded.updated_at`),
      destroyClientTokens: db.prepare<[string]>('DELETE FROM tokens WHERE client_id = ?'),
      destroyClientGrants: db.prepare<[string]>('DELETE FROM grants WHERE client_id = ?'),
      destroyClient: db.prepare<[string]>('DELETE FROM clients WHERE client_id = ?'),

      findGrant: db.prepare<[string]>('SELECT payload FROM grants WHERE grant_id = ?'),
      upsertGrant: db.prepare(`
        INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at, expires_at)
        VALUES (@grant_id, @client_id, @account_id, @payload, @now, @now, @expires_at)
        ON CONFLICT (grant_id) DO UPDATE SET
          payload = excluded.payload, updated_at = excluded.updated_at, expires_at = excluded.expires_at`),
      destroyGrant: db.prepare<[string]>('DELETE FROM grants WHERE grant_id = ?'),
      latestGrantFor: db.prepare<[string, string, number]>(`
        SELECT grant_id FROM grants
        WHERE account_id = ? AND client_id = ? AND (expires_at IS NULL OR expires_at > ?)
        ORDER BY updated_at DESC LIMIT 1`),

      // Sessions and pending interactions end at their expiry, exactly (the engine allows 15 s of clock skew).
      findSession: db.prepare<[Buffer, number]>('SELECT payload FROM sessions WHERE id_hash = ? AND (expires_at IS NULL OR expires_at > ?)'),
      findSessionByUid: db.prepare<[string]>('SELECT id_hash, payload FROM sessions WHERE uid = ?'),
      upsertSession: db.prepare(`
        INSERT INTO sessions (id_hash, uid, account_id, payload, expires_at)
        VALUES (@id_hash, @uid, @account_id, @payload, @expires_at)
        ON CONFLICT (id_hash) DO UPDATE SET
          uid = excluded.uid, account_id = excluded.account_id, payload = excluded.payload, expires_at = excluded.expires_at`),
      destroySession: db.prepare<[Buffer]>('DELETE FROM sessions WHERE id_hash = ?'),

      findRecord: db.prepare<[string, Buffer, number]>(
        'SELECT payload, consumed_at FROM engine_records WHERE model = ? AND id_hash = ? AND (expires_at IS NULL OR expires_at > ?)',
      ),
      upsertRecord: db.prepare(`
        INSERT INTO engine_records (model, id_hash, payload, expires_at)
        VALUES (@model, @id_hash, @payload, @expires_at)
        ON CONFLICT (model, id_hash) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at`),
      destroyRecord: db.prepare<[string, Buffer]>('DELETE FROM engine_records WHERE model = ? AND id_hash = ?'),
      consumeRecord: db.prepare<[number, string, Buffer]>(
        'UPDATE engine_records SET consumed_at = ? WHERE model = ? AND id_hash = ? AND consumed_at IS NULL',
      ),
    };
  }

  get db(): SqliteDatabase {
    return this.#db;
  }

  now(): number {
    return this.#now();
  }

  /**
   * "Last used" is shown to the second: under load, writing it once a second per
   * client or grant is enough (one statement and page less per token issued).
   */
  #due(key: string, now: number): boolean {
    const last = this.#touchedAt.get(key);
    if (last !== undefined && now - last < LAST_USED_GRANULARITY_MS && now >= last) return false;
    if (this.#touchedAt.size >= 10_000) this.#touchedAt.clear();
    this.#touchedAt.set(key, now);
    return true;
  }

  find(model: string, id: string): Payload | undefined {
    const s = this.#stmt;
    if (model === 'Client') {
      // Metadata-document clients are resolved by the engine from their URL (and its
      // cache); their row here is the admin's view, not a registration.
      const row = this.#clients.get(id);
      return row && !row.disabled && row.registrationType !== 'metadata_document' ? metadataCopy(row.metadata) : undefined;
    }
    if (model === 'Grant') {
      const row = s.findGrant.get(id) as { payload: string } | undefined;
      return row ? { ...(JSON.parse(row.payload) as Payload), jti: id } : undefined;
    }
    if (model === 'Session') {
      const row = s.findSession.get(sha256(id), this.#now()) as { payload: string } | undefined;
      return row ? { ...(JSON.parse(row.payload) as Payload), jti: id } : undefined;
    }
    const row = (
      TOKEN_MODELS.has(model) ? s.findToken.get(tokenStorageKey(id), model) : s.findRecord.get(model, sha256(id), this.#now())
    ) as TokenRow | undefined;
    if (!row) return undefined;
    const payload = tokenPayload(row, id);
    return model === 'Interaction' ? restoreInteraction(payload, id) : payload;
  }

  /**
   * The token stored under a key (tokenStorageKey), whatever its kind: the engine looks a token up
   * as each kind in turn (introspection and revocation without a type hint try
   * three), and one lookup answers them all (cached: see token-rows.ts).
   * `tokenPayload` makes the engine's record.
   */
  findTokenByKey(tokenKey: Buffer): StoredToken | undefined {
    return this.#tokens.get(tokenKey);
  }

  /**
   * Sessions are found by uid only from interaction lookups, where the caller already
   * holds the session cookie; the returned payload carries no session id.
   */
  findSessionByUid(uid: string): Payload | undefined {
    const row = this.#stmt.findSessionByUid.get(uid) as { payload: string } | undefined;
    return row ? (JSON.parse(row.payload) as Payload) : undefined;
  }

  /**
   * `tokenKey` is a token's storage key when the caller has it already (the unit of
   * work hashes a token once for its write and its activity event).
   */
  upsert(model: string, id: string, payload: Payload, expiresIn: number | undefined, registrationType?: RegistrationType, tokenKey?: Buffer): void {
    const s = this.#stmt;
    const now = this.#now();
    if (model === 'Client') {
      const metadata: Payload = { ...payload };
      if (typeof metadata.client_secret === 'string' && !isHashedClientSecret(metadata.client_secret)) {
        metadata.client_secret = hashClientSecret(metadata.client_secret);
      }
      s.upsertClient.run({
        client_id: id,
        registration_type: registrationType ?? 'dynamic',
        client_name: str(metadata.client_name),
        metadata: JSON.stringify(metadata),
        now,
      });
      return;
    }
    if (model === 'Grant') {
      s.upsertGrant.run({
        grant_id: id,
        client_id: str(payload.clientId),
        account_id: str(payload.accountId),
        payload: withoutJti(payload),
        now,
        expires_at: expiresAt(now, expiresIn),
      });
      return;
    }
    if (model === 'Session') {
      s.upsertSession.run({
        id_hash: sha256(id),
        uid: str(payload.uid) ?? '',
        account_id: str(payload.accountId),
        payload: withoutJti(payload),
        expires_at: expiresAt(now, expiresIn),
      });
      return;
    }
    if (TOKEN_MODELS.has(model)) {
      const clientId = str(payload.clientId);
      const grantId = str(payload.grantId);
      s.upsertToken.run(tokenKey ?? tokenStorageKey(id), model, clientId, grantId, str(payload.accountId), withoutJti(payload), now, expiresAt(now, expiresIn));
      if (USAGE_KINDS.has(model)) {
        if (clientId && this.#due(`c\u0000${clientId}`, now)) s.touchClient.run(now, clientId);
        if (grantId && this.#due(`g\u0000${grantId}`, now)) s.touchGrant.run(now, grantId);
      }
      return;
    }
    const stored = model === 'Interaction' ? sanitizeInteraction(payload, id) : payload;
    s.upsertRecord.run({ model, id_hash: sha256(id), payload: withoutJti(stored), expires_at: expiresAt(now, expiresIn) });
  }

  destroy(model: string, id: string, tokenKey?: Buffer): void {
    const s = this.#stmt;
    if (model === 'Client') {
      // A deleted client keeps nothing usable: grants (and by cascade their tokens) and grant-less tokens go with it.
      this.#db.transaction(() => {
        s.destroyClientGrants.run(id);
        s.destroyClientTokens.run(id);
        s.destroyClient.run(id);
      })();
    } else if (model === 'Grant') {
      s.destroyGrant.run(id);
    } else if (model === 'Session') {
      s.destroySession.run(sha256(id));
    } else if (TOKEN_MODELS.has(model)) {
      s.destroyToken.run(tokenKey ?? tokenStorageKey(id), model);
    } else {
      s.destroyRecord.run(model, sha256(id));
    }
  }

  /** Marks a single-use record consumed; throws if it was already consumed (or is gone). */
  consume(model: string, id: string, tokenKey?: Buffer): void {
    const now = this.#now();
    const result = TOKEN_MODELS.has(model)
      ? this.#stmt.consumeToken.run(now, tokenKey ?? tokenStorageKey(id), model)
      : this.#stmt.consumeRecord.run(now, model, sha256(id));
    if (result.changes !== 1) throw new AlreadyConsumedError(model);
  }

  revokeByGrantId(model: string, grantId: string): void {
    this.#stmt.revokeTokensByGrant.run(grantId, model);
  }

  /** The newest live consent (grant) a user gave a client, so a repeat authorization can skip the consent page. */
  latestGrantId(accountId: string, clientId: string): string | undefined {
    const row = this.#stmt.latestGrantFor.get(accountId, clientId, this.#now()) as { grant_id: string } | undefined;
    return row?.grant_id;
  }

  /** Deletes a grant and, by cascade, every token issued from it. */
  revokeGrant(grantId: string): void {
    this.#stmt.destroyGrant.run(grantId);
  }
}
