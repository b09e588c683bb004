import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKSTOP_WAL_PAGES, CHECKPOINT_DELAY_MS, Checkpointer, noteCommit } from '../../src/main/store/checkpointer';
import { openDatabase } from '../../src/main/store/database';

/**
 * WAL checkpoints from the worker thread: after commits the worker copies the
 * WAL back into the database file, so the WAL keeps being reused from its
 * start instead of growing until the main connection's own (backstop)
 * checkpoint stalls the event loop. A real file, a real worker.
 */

let dir: string;
let file: string;
let db: Database.Database;
let checkpointer: Checkpointer | undefined;

const walBytes = () => statSync(`${file}-wal`).size;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PAGE = 4096;

/** `commits` commits of one page-sized row each, then a pause long enough for a checkpoint. */
async function writeInRounds(rounds: number, commits: number) {
  const insert = db.prepare('INSERT INTO blobs (data) VALUES (?)');
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < commits; i++) {
      insert.run(Buffer.alloc(PAGE, round));
      noteCommit(db);
    }
    await pause(CHECKPOINT_DELAY_MS * 2);
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-checkpointer-'));
  file = join(dir, 'db.sqlite');
  db = openDatabase(file);
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL)');
});

afterEach(async () => {
  await checkpointer?.close();
  checkpointer = undefined;
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Checkpointer', () => {
  it('checkpoints from the worker after commits, so the WAL is reused instead of growing', async () => {
    checkpointer = new Checkpointer(db);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_WAL_PAGES);
    // 12 rounds × 150 one-page commits: 1,800+ pages in all, under the backstop threshold.
    await writeInRounds(12, 150);
    await expect.poll(async () => (await checkpointer!.stats()).framesCheckpointed, { timeout: 5_000 }).toBeGreaterThanOrEqual(1_800);
    // Every checkpoint let the next commit start the WAL over: it never held much more than one round.
    expect(walBytes()).toBeLessThan(600 * PAGE);

    const reader = new Database(file, { readonly: true });
    expect((reader.prepare('SELECT COUNT(*) AS n FROM blobs').get() as { n: number }).n).toBe(1_800);
    reader.close();
  });

  it('without it the same writes grow the WAL until the backstop threshold (what the worker prevents)', async () => {
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_WAL_PAGES}`);
    await writeInRounds(3, 600);
    expect(walBytes()).toBeGreaterThan(1_800 * PAGE);
  });

  it('close() ends the worker, gives the connection back its own checkpoints, and later commits are no-ops for it', async () => {
    checkpointer = new Checkpointer(db);
    await checkpointer.close();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(() => noteCommit(db)).not.toThrow();
    await checkpointer.close(); // twice is fine
  });

  it('never keeps a process alive: one that opened it and never closed it still exits', () => {
    const child = join(dir, 'child.mts');
    const module = (path: string) => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));
    writeFileSync(
      child,
      [
        `import { Checkpointer, noteCommit } from ${module('../../src/main/store/checkpointer.ts')};`,
        `import { openDatabase } from ${module('../../src/main/store/database.ts')};`,
        'const db = openDatabase(process.argv[2]);',
        'const checkpointer = new Checkpointer(db);',
        "db.exec('CREATE TABLE t (x)');",
        "db.exec('INSERT INTO t VALUES (1)');",
        'noteCommit(db);',
        'void checkpointer.stats();',
      ].join('\n'),
    );
    const result = spawnSync(process.execPath, ['--import', 'tsx', child, join(dir, 'child.sqlite')], { timeout: 20_000, encoding: 'utf8' });
    expect(result.error).toBeUndefined(); // a timeout would be ETIMEDOUT here
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('reports a worker that cannot start, and leaves checkpoints to SQLite again', async () => {
    const errors: Error[] = [];
    checkpointer = new Checkpointer(db, { nativeBinding: join(dir, 'missing.node'), onError: (error) => errors.push(error) });
    await expect.poll(() => errors.length, { timeout: 5_000 }).toBe(1);
    expect(errors[0]!.message).toMatch(/^the WAL checkpoint thread stopped: .*missing\.node/);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
