import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../../src/shared/events';
import { EventLog, FLUSH_DELAY_MS } from '../../../src/main/store/events';
import { migrate } from '../../../src/main/store/migrations';

/**
 * The activity log's write path: events outside an engine request are queued
 * and written together at the end of a short delay; nothing queued is
 * lost to a read, a close or a subscriber; filters pick the right rows.
 */

let db: Database.Database;
let log: EventLog;
const storedRows = () => (db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
const afterFlushDelay = () => new Promise((resolve) => setTimeout(resolve, FLUSH_DELAY_MS + 20));

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
  db.prepare("INSERT INTO users (id, username, display_name, created_at) VALUES ('u1', 'alice', 'Alice', 0)").run();
  db.prepare("INSERT INTO clients (client_id, registration_type, client_name, metadata, created_at, updated_at) VALUES ('c1', 'manual', 'Cursor', '{}', 0, 0)").run();
  log = new EventLog(db, () => 1_000);
});
afterEach(() => db.close());

describe('EventLog', () => {
  it('queues events that record no change and writes them together, in order, shortly after', async () => {
    log.record({ type: 'mcp.accepted', outcome: 'success', summary: 'first', clientId: 'c1' });
    log.record({ type: 'mcp.refused', outcome: 'failure', summary: 'second' });
    expect(storedRows()).toBe(0);
    await afterFlushDelay();
    expect(storedRows()).toBe(2);
    expect(log.list({}).map((event) => event.summary)).toEqual(['second', 'first']);
  });

  it('a read sees what was queued before it, without waiting for the turn to end', () => {
    log.record({ type: 'mcp.accepted', outcome: 'success', summary: 'queued', clientId: 'c1' });
    expect(log.list({ clientId: 'c1' }).map((event) => event.summary)).toEqual(['queued']);
    expect([...log.iterate({})]).toHaveLength(1);
  });

  it('flush writes the queue at once (the server flushes before closing the database)', () => {
    log.record({ type: 'signin.failed', outcome: 'failure', summary: 'wrong password' });
    log.flush();
    expect(storedRows()).toBe(1);
  });

  it('subscribers get each event once it is stored, with the user and client names', async () => {
    const seen: ActivityEvent[] = [];
    log.subscribe((event) => seen.push(event));
    log.record({ type: 'mcp.accepted', outcome: 'success', summary: 'tools/call whoami → 200', clientId: 'c1', accountId: 'u1' });
    expect(seen).toHaveLength(0);
    await afterFlushDelay();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: expect.any(Number), clientName: 'Cursor', username: 'alice', at: 1_000 });
  });

  it('filters by client, user, type family and outcome, alone or together', () => {
    log.record({ type: 'token.issued', outcome: 'success', summary: 'a', clientId: 'c1', accountId: 'u1' });
    log.record({ type: 'token.refreshed', outcome: 'success', summary: 'b', clientId: 'c1' });
    log.record({ type: 'mcp.refused', outcome: 'failure', summary: 'c', clientId: 'c1', accountId: 'u1' });
    log.record({ type: 'token_exchange', outcome: 'info', summary: 'not the token family' } as never);
    const summaries = (filter: Parameters<EventLog['list']>[0]) => log.list(filter).map((event) => event.summary);
    expect(summaries({ clientId: 'c1' })).toEqual(['c', 'b', 'a']);
    expect(summaries({ username: 'alice' })).toEqual(['c', 'a']);
    expect(summaries({ type: 'token' })).toEqual(['b', 'a']);
    expect(summaries({ type: 'token.issued' })).toEqual(['a']);
    expect(summaries({ outcome: 'failure' })).toEqual(['c']);
    expect(summaries({ clientId: 'c1', username: 'alice', outcome: 'success' })).toEqual(['a']);
    const newest = log.list({ limit: 1 })[0]!;
    expect(summaries({ beforeId: newest.id, limit: 2 })).toEqual(['c', 'b']);
    expect(summaries({ afterId: newest.id - 1 })).toEqual(['not the token family']);
    expect(summaries({ clientId: 'nobody' })).toEqual([]);
  });
});
