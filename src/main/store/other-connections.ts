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

/**
 * A cache's entries, bounded in number, emptied whenever another connection
 * has committed (see above). Its owner removes what its own connection changes.
 */
export class ConnectionCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #watch: OtherConnectionsWatch;
  readonly #max: number;
  #seenGeneration = -1;

  constructor(db: SqliteDatabase, max: number) {
    this.#watch = otherConnectionsOf(db);
    this.#max = max;
  }

  get(key: string): V | undefined {
    const generation = this.#watch.generation();
    if (generation !== this.#seenGeneration) {
      this.#entries.clear();
      this.#seenGeneration = generation;
    }
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    // Past the bound the cache starts over (a local server's clients and tokens rarely come near it).
    if (this.#entries.size >= this.#max) this.#entries.clear();
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
