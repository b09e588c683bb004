import type { ActivityEvent, EventFilter, EventOutcome, EventType } from '../../shared/events';
import type { SqliteDatabase } from './database';
import { queueInCurrentUnit } from './oidc-adapter';

/**
 * The activity log: what clients, users and admins did, one row per event.
 *
 * An event that records a change is written in the same transaction as the
 * change: inside an engine request it joins that request's unit of work, and
 * admin operations insert it inside their own transaction. Events that record
 * no change (an MCP request, a failed sign-in) are written at once (one small
 * WAL append), so ids follow the order things happened.
 *
 * Events never hold a secret or a whole token: at most an 8-character
 * fingerprint (the start of the token's SHA-256).
 */

export const EVENTS_MAX_ROWS = 50_000;

export interface NewEvent {
  type: EventType;
  outcome: EventOutcome;
  summary: string;
  clientId?: string | null;
  accountId?: string | null;
  error?: string | null;
  reason?: string | null;
  data?: Record<string, unknown>;
}

interface EventRow {
  id: number;
  at: number;
  type: EventType;
  client_id: string | null;
  account_id: string | null;
  username: string | null;
  client_name: string | null;
  outcome: EventOutcome;
  summary: string;
  error: string | null;
  reason: string | null;
  data: string;
}

function toEvent(row: EventRow): ActivityEvent {
  return {
    id: row.id,
    at: row.at,
    type: row.type,
    clientId: row.client_id,
    clientName: row.client_name,
    accountId: row.account_id,
    username: row.username,
    outcome: row.outcome,
    summary: row.summary,
    error: row.error,
    reason: row.reason,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

type Listener = (event: ActivityEvent) => void;

export class EventLog {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #listeners = new Set<Listener>();
  readonly #insert;
  readonly #byId;

  constructor(db: SqliteDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(`
      INSERT INTO events (at, type, client_id, account_id, outcome, summary, error, reason, data)
      VALUES (@at, @type, @clientId, @accountId, @outcome, @summary, @error, @reason, @data)`);
    this.#byId = db.prepare(`${SELECT} WHERE e.id = ?`);
  }

  /** Inserts now, inside the caller's transaction if there is one; call `publish` once it committed. */
  insert(event: NewEvent, at = this.#now()): ActivityEvent {
    const { lastInsertRowid } = this.#insert.run({
      at,
      type: event.type,
      clientId: event.clientId ?? null,
      accountId: event.accountId ?? null,
      outcome: event.outcome,
      summary: event.summary.slice(0, 500),
      error: event.error ?? null,
      reason: event.reason?.slice(0, 1000) ?? null,
      data: JSON.stringify(event.data ?? {}),
    });
    return toEvent(this.#byId.get(lastInsertRowid) as EventRow);
  }

  publish(event: ActivityEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        /* a broken subscriber must not break the request */
      }
    }
  }

  /** Records an event: with the engine request's changes when one is in progress, otherwise at once. */
  record(event: NewEvent): void {
    const at = this.#now();
    let inserted: ActivityEvent | undefined;
    const queued = queueInCurrentUnit(
      () => {
        inserted = this.insert(event, at);
      },
      () => inserted && this.publish(inserted),
    );
    if (queued || !this.#db.open) return;
    this.publish(this.insert(event, at));
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(filter: EventFilter): ActivityEvent[] {
    const rows = this.#db
      .prepare(`${SELECT} ${WHERE} ORDER BY e.id DESC LIMIT @limit`)
      .all(filterParams(filter)) as EventRow[];
    return rows.map(toEvent);
  }

  /** Oldest first, for export. */
  *iterate(filter: Omit<EventFilter, 'limit' | 'beforeId'>): Generator<ActivityEvent> {
    const statement = this.#db.prepare(`${SELECT} ${WHERE} ORDER BY e.id ASC`);
    for (const row of statement.iterate(filterParams({ ...filter, limit: -1 })) as Iterable<EventRow>) yield toEvent(row);
  }

  /** Keeps the newest `maxRows` events. */
  trim(maxRows = EVENTS_MAX_ROWS): number {
    return this.#db.prepare('DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?').run(maxRows).changes;
  }
}

const SELECT = `
  SELECT e.*, u.username, c.client_name
  FROM events e
  LEFT JOIN users u ON u.id = e.account_id
  LEFT JOIN clients c ON c.client_id = e.client_id`;

const WHERE = `
  WHERE (@clientId IS NULL OR e.client_id = @clientId)
    AND (@username IS NULL OR u.username = @username)
    AND (@type IS NULL OR e.type = @type OR e.type LIKE @typePrefix)
    AND (@outcome IS NULL OR e.outcome = @outcome)
    AND (@beforeId IS NULL OR e.id < @beforeId)
    AND (@afterId IS NULL OR e.id > @afterId)`;

function filterParams(filter: EventFilter) {
  return {
    clientId: filter.clientId ?? null,
    username: filter.username ?? null,
    type: filter.type ?? null,
    // "token" matches token.issued, token.refreshed...
    typePrefix: filter.type ? `${filter.type}.%` : null,
    outcome: filter.outcome ?? null,
    beforeId: filter.beforeId ?? null,
    afterId: filter.afterId ?? null,
    limit: filter.limit ?? 200,
  };
}
