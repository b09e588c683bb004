import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqliteDatabase } from './database';

/**
 * WAL checkpoints on a worker thread.
 *
 * In WAL mode every commit appends pages to the -wal file, and a checkpoint
 * copies them back into the database file and syncs it. SQLite runs that
 * checkpoint inside the commit that crosses its threshold, on the event loop:
 * under load a 5–10 ms stall every few hundred commits, which every request in
 * flight waits out. Here a worker thread with its own connection runs a
 * PASSIVE checkpoint (it never blocks a writer or a reader) shortly after
 * commits (the write paths that run under load call `noteCommit`), and the
 * main connection's own automatic checkpoint, at a higher threshold, is only a
 * backstop for other writes and should the worker fall behind or stop.
 *
 * Durability is unchanged: a committed transaction is in the WAL whether or not
 * it has been checkpointed.
 */

/** How long after a commit the worker checkpoints (and at most how often). */
export const CHECKPOINT_DELAY_MS = 100;

/** The main connection's own checkpoint threshold while a worker runs (SQLite's default is 1,000): ~16 MB of WAL. */
export const BACKSTOP_WAL_PAGES = 4_000;

export interface CheckpointStats {
  checkpoints: number;
  /** WAL frames copied back into the database file. */
  framesCheckpointed: number;
}

// Plain CommonJS run by the worker (eval: the same code whether bundled, under tsx, or in Electron).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.library);
const db = new Database(workerData.file, {
  timeout: 1000,
  ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}),
});
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const stats = { checkpoints: 0, framesCheckpointed: 0 };
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    try {
      const [result] = checkpoint.all();
      stats.checkpoints += 1;
      stats.framesCheckpointed += Math.max(0, result.checkpointed);
    } catch (error) {
      parentPort.postMessage({ error: String(error && error.message || error) });
    }
  } else if (message === 'stats') {
    parentPort.postMessage({ stats });
  } else if (message === 'close') {
    db.close();
    parentPort.close();
  }
});
`;

const running = new WeakMap<SqliteDatabase, Checkpointer>();

/** Tells the connection's checkpointer, if it has one, that something was committed. */
export function noteCommit(db: SqliteDatabase): void {
  running.get(db)?.nudge();
}

export class Checkpointer {
  readonly #worker: Worker;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #onError: (error: Error) => void;

  readonly #db: SqliteDatabase;

  /** Starts checkpointing `db` (a file database in WAL mode) from a worker thread. */
  constructor(db: SqliteDatabase, options: { nativeBinding?: string; onError?: (error: Error) => void } = {}) {
    this.#db = db;
    this.#onError = options.onError ?? (() => {});
    const library = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: db.name, library, nativeBinding: options.nativeBinding } });
    this.#worker.on('message', (message: { error?: string }) => {
      if (message.error) this.#onError(new Error(`WAL checkpoint failed: ${message.error}`));
    });
    // The thread died (e.g. the SQLite library would not load in it): SQLite checkpoints as usual again.
    this.#worker.on('error', (error) => {
      this.#onError(new Error(`the WAL checkpoint thread stopped: ${error.message}`));
      this.#stop();
    });
    // A desktop app or server that is otherwise done must not be kept alive by this thread.
    // (After the listeners: adding a 'message' listener references the worker again.)
    this.#worker.unref();
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
    running.set(db, this);
  }

  #stop(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    running.delete(this.#db);
    if (this.#db.open) this.#db.pragma('wal_autocheckpoint = 1000');
  }

  /** Something was committed: checkpoint within CHECKPOINT_DELAY_MS (one message, however many commits). */
  nudge(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed) this.#worker.postMessage('checkpoint');
    }, CHECKPOINT_DELAY_MS);
    this.#timer.unref();
  }

  stats(): Promise<CheckpointStats> {
    return new Promise((resolve) => {
      const onMessage = (message: { stats?: CheckpointStats }) => {
        if (!message.stats) return;
        this.#worker.off('message', onMessage);
        resolve(message.stats);
      };
      this.#worker.on('message', onMessage);
      this.#worker.unref(); // the listener above referenced it again
      this.#worker.postMessage('stats');
    });
  }

  /** Closes the worker's connection and ends the thread (before the main connection closes). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#stop();
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Referenced again while it closes: otherwise a process with nothing else to do would end before it did.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await exited;
  }
}
