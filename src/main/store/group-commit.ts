import { noteCommit } from './checkpointer';
import { perConnection, type SqliteDatabase } from './database';

/**
 * Group commit: the writes of engine requests that finish in the same turn of
 * the event loop are committed in one transaction.
 *
 * A commit costs far more than the rows it writes (every page it touches goes to
 * the WAL, and every few hundred commits a checkpoint copies them back and
 * syncs): under load, 32 requests finishing together pay for one commit
 * instead of 32. Nothing changes for a caller: its promise settles only once
 * the transaction holding its writes has committed, so a response is still
 * sent only after what it reports is stored. A unit that fails (a single-use
 * record already consumed, a grant revoked meanwhile) is rolled back to its
 * savepoint alone; the others commit (savepoints are used only for a batch in
 * which a unit failed: see `flush`).
 */

/** Marks what a unit's `write` threw, as opposed to what BEGIN or COMMIT threw. */
class UnitFailed extends Error {}

interface Waiting {
  write: () => void;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** More than the connections a client keeps open; a bound on how long one transaction holds the lock. */
const MAX_UNITS_PER_TRANSACTION = 256;

export class GroupCommit {
  readonly #db: SqliteDatabase;
  // Prepared once: better-sqlite3's nested db.transaction() builds a new wrapper per call.
  readonly #savepoint;
  readonly #batch;
  readonly #rollbackListeners = new Set<() => void>();
  #waiting: Waiting[] = [];
  #scheduled = false;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#savepoint = {
      begin: db.prepare('SAVEPOINT unit_of_work'),
      release: db.prepare('RELEASE unit_of_work'),
      rollback: db.prepare('ROLLBACK TO unit_of_work'),
    };
    this.#batch = db.transaction((batch: Waiting[]) => {
      for (const unit of batch) {
        try {
          unit.write();
        } catch (error) {
          // The savepoint run that follows reports the unit's own error.
          throw new UnitFailed('a unit of work failed', { cause: error });
        }
      }
    });
  }

  /**
   * Calls `listener` whenever writes were rolled back (a whole attempt or one
   * unit's savepoint): for memory that assumed they would stay (the "last used" throttle).
   */
  onRollback(listener: () => void): void {
    this.#rollbackListeners.add(listener);
  }

  #rolledBack(): void {
    for (const listener of this.#rollbackListeners) {
      try {
        listener();
      } catch {
        /* a broken listener must not leave the batch unsettled */
      }
    }
  }

  /** Runs `write` in the next shared transaction; resolves once it committed, rejects with what `write` threw or the commit's error. */
  commit(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ write, resolve, reject });
      if (this.#waiting.length >= MAX_UNITS_PER_TRANSACTION) this.flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        // After the I/O callbacks of this turn: the requests served in it join the same transaction.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is waiting now (also before the database closes). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length === 0) return;
    if (!this.#db.open) {
      for (const unit of batch) unit.reject(new Error('the database is closed'));
      return;
    }
    // Nearly always every unit succeeds: try the batch without savepoints first
    // (two statements fewer per unit). If a unit throws, that transaction is
    // rolled back whole and the batch runs again unit by unit, in savepoints.
    // A unit's writes read and change only the database, so running them again
    // after a rollback does the same. If BEGIN or COMMIT fails (another
    // connection held the lock past the busy timeout, a full disk), every unit
    // fails at once, without a second wait.
    try {
      this.#batch.immediate(batch);
    } catch (error) {
      this.#rolledBack();
      if (error instanceof UnitFailed) this.#commitInSavepoints(batch);
      else for (const unit of batch) unit.reject(error);
      return;
    }
    noteCommit(this.#db);
    for (const unit of batch) unit.resolve();
  }

  #commitInSavepoints(batch: Waiting[]): void {
    const failures = new Map<Waiting, unknown>();
    try {
      this.#db
        .transaction(() => {
          const { begin, release, rollback } = this.#savepoint;
          for (const unit of batch) {
            begin.run();
            try {
              unit.write();
              release.run();
            } catch (error) {
              // An error that ended the whole transaction (disk full, I/O) fails every unit.
              if (!this.#db.inTransaction) throw error;
              // Undo this unit's writes alone, and close its savepoint.
              rollback.run();
              release.run();
              this.#rolledBack();
              failures.set(unit, error);
            }
          }
        })
        .immediate();
    } catch (error) {
      this.#rolledBack();
      for (const unit of batch) unit.reject(error);
      return;
    }
    noteCommit(this.#db);
    for (const unit of batch) {
      if (failures.has(unit)) unit.reject(failures.get(unit));
      else unit.resolve();
    }
  }
}

/** The group commit of a database connection (one per connection, shared by every store on it). */
export const groupCommitOf = perConnection((db) => new GroupCommit(db));
