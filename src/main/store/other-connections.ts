import { perConnection, type SqliteDatabase } from './database';

/**
 * Whether another connection (the CLI, while the server runs) has committed
 * since the last look: `PRAGMA data_version` changes when one has. Asked at
 * most once per turn of the event loop, because under load the pragma costs
 * more than the cached lookups it guards: another process's change is seen from
 * the next turn on, as if it had come a moment later.
 *
 * Changes made through this connection are not counted here: the caches that
 * use this watch learn of those from temporary triggers.
 */
export class OtherConnectionsWatch {
  readonly #dataVersion;
  #seenDataVersion = -1;
  #generation = 0;
  #checkedThisTurn = false;

  constructor(db: SqliteDatabase) {
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** A number that changes when another connection has committed (checked at most once per turn). */
  generation(): number {
    if (!this.#checkedThisTurn) {
      this.#checkedThisTurn = true;
      setImmediate(() => {
        this.#checkedThisTurn = false;
      });
      const version = this.#dataVersion.get() as number;
      if (version !== this.#seenDataVersion) {
        this.#seenDataVersion = version;
        this.#generation += 1;
      }
    }
    return this.#generation;
  }
}

export const otherConnectionsOf = perConnection((db) => new OtherConnectionsWatch(db));
