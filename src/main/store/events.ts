import type { ActivityEvent, EventFilter, EventOutcome, EventType } from '../../shared/events';
import type { SqliteDatabase } from './database';
import { noteCommit } from './checkpointer';
import { queueInCurrentUnit } from './oidc-adapter';

/**
 * The activity log: what clients, users and admins did, one row per event.
 *
 * An event that records a change is written in the same transaction as the
 * change: inside an engine request it joins that request's unit of work, and
 * admin operations insert it inside their own transaction. Events that record
 * no change (an MCP request, a failed sign-in) are queued and written together
 * a few milliseconds later (see `record`).
 *
 * Events never hold a secret or a whole token: at most an 8-character
 * fingerprint (the start of the token's SHA-256).
 */

export const EVENTS_MAX_ROWS = 50_000;

/** How long an event that records no change may wait to be written with others (and shown live). */
export const FLUSH_DELAY_MS = 50;
const FLUSH_MAX_EVENTS = 500;

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
  #pending: { event: NewEvent; at: number }[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  readonly #insert;
  readonly #byId;

  constructor(db: SqliteDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    // Positional parameters: binding by name costs a property lookup each, on every token request.
    this.#insert = db.prepare<[number, EventType, string | null, string | null, EventOutcome, string, string | null, string | null, string]>(`
      INSERT INTO events (at, type, client_id, account_id, outcome, summary, error, reason, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.#byId = db.prepare(`${SELECT} WHERE e.id = ?`);
  }

  /** Inserts now, inside the caller's transaction if there is one; call `publish` once it committed. */
  insert(event: NewEvent, at = this.#now()): ActivityEvent {
    return this.#load(this.#write(event, at));
  }

  #write(event: NewEvent, at: number): number | bigint {
    return this.#insert.run(
      at,
      event.type,
      event.clientId ?? null,
      event.accountId ?? null,
      event.outcome,
      event.summary.slice(0, 500),
      event.error ?? null,
      event.reason?.slice(0, 1000) ?? null,
      JSON.stringify(event.data ?? {}),
    ).lastInsertRowid;
  }

  /** The stored event with its user and client names, as subscribers see it. */
  #load(id: number | bigint): ActivityEvent {
    return toEvent(this.#byId.get(id) as EventRow);
  }

  /** Reads the stored event back for live subscribers only when there are any (a hot path otherwise). */
  #publishStored(id: number | bigint): void {
    if (this.#listeners.size > 0) this.publish(this.#load(id));
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

  /**
   * Records an event: with the engine request's changes when one is in progress.
   * Otherwise it is queued and written within FLUSH_DELAY_MS, with the others
   * recorded meanwhile, in one transaction: one commit for many MCP calls under
   * load instead of one each. Reading the log writes the queue first, so readers
   * in this process never miss an event. A crash can lose those last
   * milliseconds of events, never a change: changes and their events commit together.
   */
  record(event: NewEvent): void {
    const at = this.#now();
    let id: number | bigint | undefined;
    const queued = queueInCurrentUnit(
      () => {
        id = this.#write(event, at);
      },
      () => id !== undefined && this.#publishStored(id),
    );
    // Ids give the log its order: what was queued before an event that commits with
    // a change is written first (an admin operation flushes likewise before it runs).
    if (queued) this.flush();
    if (queued || !this.#db.open) return;
    this.#pending.push({ event, at });
    if (this.#pending.length >= FLUSH_MAX_EVENTS) this.flush();
    else if (!this.#flushTimer) this.#flushTimer = setTimeout(() => this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** Writes the queued events now (before reading the log, and before the database closes). */
  flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    if (!this.#db.open) return;
    const ids = this.#db.transaction(() => pending.map(({ event, at }) => this.#write(event, at)))();
    noteCommit(this.#db);
    for (const id of ids) this.#publishStored(id);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  list(filter: EventFilter): ActivityEvent[] {
    this.flush();
    const { where, params } = whereOf(filter);
    const rows = this.#db.prepare(`${SELECT} ${where} ORDER BY e.id DESC LIMIT @limit`).all({ ...params, limit: filter.limit ?? 200 }) as EventRow[];
    return rows.map(toEvent);
  }

  /** Oldest first, for export. */
  *iterate(filter: Omit<EventFilter, 'limit' | 'beforeId'>): Generator<ActivityEvent> {
    this.flush();
    const { where, params } = whereOf(filter);
    const statement = this.#db.prepare(`${SELECT} ${where} ORDER BY e.id ASC`);
    for (const row of statement.iterate(params) as Iterable<EventRow>) yield toEvent(row);
  }

  /** Keeps the newest `maxRows` events. */
  trim(maxRows = EVENTS_MAX_ROWS): number {
    this.flush();
    return this.#db.prepare('DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?').run(maxRows).changes;
  }
}

const SELECT = `
  SELECT e.*, u.username, c.client_name
  FROM events e
  LEFT JOIN users u ON u.id = e.account_id
  LEFT JOIN clients c ON c.client_id = e.client_id`;

/**
 * Only the filters that are set go into the SQL: an "(@x IS NULL OR …)" term
 * keeps the planner off the client and account indexes (a scan of the log).
 */
function whereOf(filter: EventFilter): { where: string; params: Record<string, string | number> } {
  const terms: string[] = [];
  const params: Record<string, string | number> = {};
  const add = (term: string, name: string, value: string | number | undefined) => {
    if (value === undefined || value === null) return;
    terms.push(term);
    params[name] = value;
  };
  add('e.client_id = @clientId', 'clientId', filter.clientId);
  add('u.username = @username', 'username', filter.username);
  if (filter.type) {
    // "token" matches token.issued, token.refreshed...
    terms.push('(e.type = @type OR e.type LIKE @typePrefix)');
    params.type = filter.type;
    params.typePrefix = `${filter.type}.%`;
  }
  add('e.outcome = @outcome', 'outcome', filter.outcome);
  add('e.id < @beforeId', 'beforeId', filter.beforeId);
  add('e.id > @afterId', 'afterId', filter.afterId);
  return { where: terms.length ? `WHERE ${terms.join(' AND ')}` : '', params };
}
