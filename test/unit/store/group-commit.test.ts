import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit, groupCommitOf } from '../../../src/main/store/group-commit';

/**
 * Group commit: units of work that finish in the same turn share one
 * transaction, each in its own savepoint; a caller's promise settles only once
 * its writes are committed; a failing unit is rolled back alone.
 * A file database, with a second connection that sees only what is committed.
 */

let dir: string;
let db: Database.Database;
let other: Database.Database;
let group: GroupCommit;

const insert = (value: string) => () => void db.prepare('INSERT INTO t (v) VALUES (?)').run(value);
const committed = () => (other.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((row) => row.v);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-group-commit-'));
  db = new Database(join(dir, 'db.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
  other = new Database(join(dir, 'db.sqlite'), { readonly: true });
  group = new GroupCommit(db);
});

afterEach(() => {
  other.close();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GroupCommit', () => {
  it('commits the units of one turn in one transaction, and settles only after the commit', async () => {
    const seenByLaterUnit: string[][] = [];
    const first = group.commit(insert('a'));
    const second = group.commit(() => {
      // Still inside the transaction that holds "a": another connection does not see it yet.
      seenByLaterUnit.push(committed());
      insert('b')();
    });
    expect(committed()).toEqual([]);
    await Promise.all([first, second]);
    expect(seenByLaterUnit).toEqual([[]]);
    expect(committed()).toEqual(['a', 'b']);
  });

  it('rolls a failing unit back alone and rejects only its promise', async () => {
    const results = await Promise.allSettled([
      group.commit(insert('a')),
      group.commit(() => {
        insert('b')();
        insert('a')(); // UNIQUE: this unit fails after writing "b"
      }),
      group.commit(insert('c')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(((results[1] as PromiseRejectedResult).reason as { code?: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(committed()).toEqual(['a', 'c']);
  });

  it('runs a batch in which every unit succeeds without savepoints, and one with a failing unit again in savepoints', async () => {
    const statements: string[] = [];
    db.close();
    db = new Database(join(dir, 'db.sqlite'), { verbose: (sql) => statements.push(String(sql)) });
    group = new GroupCommit(db);
    let rollbacks = 0;
    group.onRollback(() => (rollbacks += 1));
    const savepoints = () => statements.filter((sql) => sql.startsWith('SAVEPOINT')).length;

    await Promise.all([group.commit(insert('a')), group.commit(insert('b'))]);
    expect(savepoints()).toBe(0);
    expect(rollbacks).toBe(0);

    const writesOfC: number[] = [];
    const results = await Promise.allSettled([
      group.commit(() => {
        writesOfC.push(1);
        insert('c')();
      }),
      group.commit(insert('a')), // UNIQUE: fails, in both attempts
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    // The first attempt, then the failing unit's savepoint.
    expect(rollbacks).toBe(2);
    expect(savepoints()).toBe(2);
    // "c" was written in the rolled-back attempt and again in the savepoint one: stored once.
    expect(writesOfC).toHaveLength(2);
    expect(committed()).toEqual(['a', 'b', 'c']);
  });

  it('commits units of later turns in later transactions', async () => {
    await group.commit(insert('a'));
    expect(committed()).toEqual(['a']);
    await group.commit(insert('b'));
    expect(committed()).toEqual(['a', 'b']);
  });

  it('flush() commits what waits at once (before the database closes)', async () => {
    const pending = group.commit(insert('a'));
    group.flush();
    expect(committed()).toEqual(['a']);
    await pending;
  });

  it('rejects every waiting unit when the database closed first, and when the commit fails', async () => {
    const waiting = group.commit(insert('a'));
    db.close();
    await expect(waiting).rejects.toThrow('the database is closed');

    const statements: string[] = [];
    db = new Database(join(dir, 'db.sqlite'), { verbose: (sql) => statements.push(String(sql)) });
    group = new GroupCommit(db);
    // Another connection holds the write lock: BEGIN IMMEDIATE fails, and so does every unit,
    // at once: the batch is not tried again in savepoints (that would wait for the lock twice).
    const writer = new Database(join(dir, 'db.sqlite'), { timeout: 0 });
    db.pragma('busy_timeout = 0');
    writer.exec('BEGIN IMMEDIATE');
    const results = await Promise.allSettled([group.commit(insert('x')), group.commit(insert('y'))]);
    writer.exec('ROLLBACK');
    writer.close();
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(((results[0] as PromiseRejectedResult).reason as { code?: string }).code).toBe('SQLITE_BUSY');
    expect(statements.filter((sql) => sql.startsWith('BEGIN'))).toHaveLength(1);
    expect(statements.filter((sql) => sql.startsWith('SAVEPOINT'))).toHaveLength(0);
    expect(committed()).toEqual([]);
  });

  it('rejects every unit when the COMMIT itself fails, and tells none of them it succeeded', async () => {
    // A deferred foreign key is checked at COMMIT: one unit's dangling reference fails the whole transaction.
    db.exec(`
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)`);
    db.pragma('foreign_keys = ON');
    const results = await Promise.allSettled([
      group.commit(insert('a')),
      group.commit(() => void db.prepare('INSERT INTO child (parent_id) VALUES (42)').run()),
      group.commit(insert('c')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(((results[0] as PromiseRejectedResult).reason as { code?: string }).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });

  it('settles every unit even when a rollback listener throws', async () => {
    group.onRollback(() => {
      throw new Error('broken listener');
    });
    const results = await Promise.allSettled([group.commit(insert('a')), group.commit(insert('a'))]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(committed()).toEqual(['a']);
  });

  it('is one per connection', () => {
    expect(groupCommitOf(db)).toBe(groupCommitOf(db));
    expect(groupCommitOf(other)).not.toBe(groupCommitOf(db));
  });
});
