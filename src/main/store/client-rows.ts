import { perConnection, type SqliteDatabase } from './database';
import { ConnectionCache } from './other-connections';

/** What the engine and the token policy read of a client on every request. */
export interface ClientRow {
  /** The registered metadata, frozen (see `metadataCopy` for a copy to hand to the engine). */
  metadata: Readonly<Record<string, unknown>>;
  disabled: boolean;
  registrationType: string;
  allowedScopes: string | null;
  accessTokenTtlSeconds: number | null;
  refreshTokenTtlSeconds: number | null;
}

interface StoredRow {
  metadata: string;
  disabled: number;
  registration_type: string;
  allowed_scopes: string | null;
  access_token_ttl_seconds: number | null;
  refresh_token_ttl_seconds: number | null;
}

/** Enough for every client a local server sees at once. */
const MAX_CACHED = 2_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const copyOf = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(copyOf) : value !== null && typeof value === 'object' ? structuredClone(value) : value;

/**
 * A copy of cached metadata that its reader may change: the engine normalises
 * grant_types in place when it builds a client. Arrays and objects are copied,
 * strings shared (far cheaper than parsing the JSON again on every request).
 */
export function metadataCopy(metadata: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(metadata)) copy[key] = copyOf(metadata[key]);
  return copy;
}

/**
 * Client rows, read once and kept until the clients table changes.
 *
 * Every token request looks its client up (the engine, then our scope and
 * lifetime policy); under load that lookup and the parsing of its metadata
 * were a tenth of what storage cost a token. The cache is dropped whenever
 * the table may have changed:
 * - by this connection: temporary triggers on insert, update and delete call
 *   back into this process (admin edits, registrations, disabling, deletion);
 * - by another connection (the CLI, while the server runs): see
 *   other-connections.ts (another process: from the next turn of the event loop; the desktop app's
 *   admin connection: at once).
 * Inside a transaction it reads through, so a row that may still roll back is
 * never kept.
 */
export class ClientRows {
  readonly #db: SqliteDatabase;
  readonly #rows: ConnectionCache<ClientRow | null>;
  readonly #select;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#select = db.prepare<[string]>(`
      SELECT metadata, disabled, registration_type, allowed_scopes, access_token_ttl_seconds, refresh_token_ttl_seconds
      FROM clients WHERE client_id = ?`);
    this.#rows = new ConnectionCache(db, MAX_CACHED);
    db.function('mad_clients_changed', { deterministic: false }, () => {
      this.#rows.clear();
      return null;
    });
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`
        CREATE TEMP TRIGGER IF NOT EXISTS mad_clients_${event.toLowerCase()} AFTER ${event} ON main.clients
        BEGIN SELECT mad_clients_changed(); END`);
    }
  }

  /** The client's row (frozen), or undefined when there is none. */
  get(clientId: string): ClientRow | undefined {
    if (this.#db.inTransaction) return this.#read(clientId) ?? undefined;
    let row = this.#rows.get(clientId);
    if (row === undefined) {
      row = this.#read(clientId);
      this.#rows.set(clientId, row);
    }
    return row ?? undefined;
  }

  #read(clientId: string): ClientRow | null {
    const row = this.#select.get(clientId) as StoredRow | undefined;
    if (!row) return null;
    return deepFreeze({
      metadata: JSON.parse(row.metadata) as Record<string, unknown>,
      disabled: row.disabled !== 0,
      registrationType: row.registration_type,
      allowedScopes: row.allowed_scopes,
      accessTokenTtlSeconds: row.access_token_ttl_seconds,
      refreshTokenTtlSeconds: row.refresh_token_ttl_seconds,
    });
  }
}

/** The client row cache of a database connection (one per connection: its triggers are the connection's). */
export const clientRowsOf = perConnection((db) => new ClientRows(db));
