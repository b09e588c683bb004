import { perConnection, type SqliteDatabase } from './database';
import { ConnectionCache } from './other-connections';

/** A token's row whatever its kind (see EngineStore#findTokenByKey). */
export interface StoredToken {
  readonly kind: string;
  readonly payload: string;
  readonly consumed_at: number | null;
  /**
   * `payload` parsed once, deep-frozen: a resource server introspects the same token
   * on every call, and parsing it each time was a tenth of our cost per introspection.
   * Frozen, because every lookup hands the engine a shallow copy that shares the rest.
   */
  readonly fields: Readonly<Record<string, unknown>>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

/** Enough for every token a local server's clients present at once. */
const MAX_CACHED = 10_000;

/**
 * The token rows the engine looked up recently, by the hex of the token's storage
 * key (see tokenStorageKey).
 * A resource server introspects the same token on every call it serves; each
 * lookup was a query. An entry goes, on this connection, inside the very
 * transaction that deletes or updates its row (temporary triggers: revocation,
 * a code or refresh token consumed, a consent withdrawn — the cascade fires them
 * too —, the purge), and the whole cache goes when another connection (the CLI)
 * committed anything (other-connections.ts). Only rows found are kept, and
 * nothing read inside a transaction. The engine still checks expiry and
 * consumption on what it gets, and a consumption is checked again as it is written.
 */
export class TokenRows {
  readonly #db: SqliteDatabase;
  readonly #cache: ConnectionCache<StoredToken>;
  readonly #find;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#cache = new ConnectionCache<StoredToken>(db, MAX_CACHED);
    this.#find = db.prepare<[Buffer]>('SELECT kind, payload, consumed_at FROM tokens WHERE id_hash = ?');
    db.function('mad_token_row_changed', { deterministic: false }, (idHash: unknown) => {
      if (Buffer.isBuffer(idHash)) this.#cache.delete(idHash.toString('hex'));
      return null;
    });
    db.exec(`
      CREATE TEMP TRIGGER IF NOT EXISTS mad_token_row_deleted AFTER DELETE ON main.tokens
        BEGIN SELECT mad_token_row_changed(OLD.id_hash); END;
      CREATE TEMP TRIGGER IF NOT EXISTS mad_token_row_updated AFTER UPDATE ON main.tokens
        BEGIN SELECT mad_token_row_changed(OLD.id_hash); END;`);
  }

  get(idHash: Buffer): StoredToken | undefined {
    if (this.#db.inTransaction) return this.#read(idHash);
    const key = idHash.toString('hex');
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const found = this.#read(idHash);
    if (found) this.#cache.set(key, found);
    return found;
  }

  #read(idHash: Buffer): StoredToken | undefined {
    const row = this.#find.get(idHash) as Omit<StoredToken, 'fields'> | undefined;
    if (!row) return undefined;
    const fields = deepFreeze(JSON.parse(row.payload) as Record<string, unknown>);
    return Object.freeze({ kind: row.kind, payload: row.payload, consumed_at: row.consumed_at, fields });
  }
}

/** The token rows of a connection (one per connection: its triggers call back into it). */
export const tokenRowsOf = perConnection((db) => new TokenRows(db));
