import type { SqliteDatabase } from './database';

export interface PurgeResult {
  tokens: number;
  grants: number;
  sessions: number;
  engineRecords: number;
}

/**
 * Deletes expired rows. Consumed codes and rotated refresh tokens stay until
 * their own expiry, so that a replay is still recognised (and punished) while
 * it could matter.
 */
export function purgeExpired(db: SqliteDatabase, now: number): PurgeResult {
  return db.transaction(() => ({
    tokens: db.prepare('DELETE FROM tokens WHERE expires_at <= ?').run(now).changes,
    grants: db.prepare('DELETE FROM grants WHERE expires_at <= ?').run(now).changes,
    sessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes,
    engineRecords: db.prepare('DELETE FROM engine_records WHERE expires_at <= ?').run(now).changes,
  }))();
}
