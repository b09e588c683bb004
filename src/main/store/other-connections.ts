import { perConnection, type SqliteDatabase } from './database';

/**
 * Whether another connection has committed since the last look, for the
 * caches in front of the hottest queries (client rows, accepted access tokens).
 *
 * - Another process (the CLI, while the server runs): `PRAGMA data_version`
 *   changes when it has committed. Looked at once per turn of the event loop
 *   (at the first lookup of the turn): under load the pragma costs more than the
 *   cached lookups it guards, so it is not asked on every one. Such a change is
 *   seen from the next turn, at worst the one after, as if it came a moment later.
 * - Another connection of this process (the desktop app's admin service has its
 *   own): it calls `noteChangeFromThisProcess` after each operation, and the
 *   caches look again at once.
 *
 * Changes made through the cache's own connection are not counted here: the
 * caches learn of those from temporary triggers, inside the changing transaction.
 */

let changesFromThisProcess = 0;

/** Called after another connection of this process may have committed (the admin service's, after each operation). */
export function noteChangeFromThisProcess(): void {
  changesFromThisProcess += 1;
}

export class OtherConnectionsWatch {
  readonly #dataVersion;
  #seenDataVersion = -1;
  #dataVersionChanges = 0;
  #checkedThisTurn = false;

  constructor(db: SqliteDatabase) {
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** A number that changes when another connection has committed (see above for how soon). */
  generation(): number {
    if (!this.#checkedThisTurn) {
      this.#checkedThisTurn = true;
      setImmediate(() => {
        this.#checkedThisTurn = false;
      });
      const version = this.#dataVersion.get() as number;
      if (version !== this.#seenDataVersion) {
        this.#seenDataVersion = version;
        this.#dataVersionChanges += 1;
      }
    }
    return this.#dataVersionChanges + changesFromThisProcess;
  }
}

export const otherConnectionsOf = perConnection((db) => new OtherConnectionsWatch(db));
