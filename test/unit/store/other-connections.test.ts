import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/store/database';
import { noteChangeFromThisProcess, otherConnectionsOf } from '../../../src/main/store/other-connections';

/**
 * What tells the caches that another connection committed: another process
 * through PRAGMA data_version (looked at once per turn of the event loop), another connection of this process (the desktop app's admin) at once.
 */

let dir: string;
let db: Database.Database;
let other: Database.Database;
/** A few turns of the event loop later: another process's commit is seen by then. */
const afterRecheck = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mad-other-connections-'));
  db = openDatabase(join(dir, 'db.sqlite'));
  other = openDatabase(join(dir, 'db.sqlite'));
  db.exec('CREATE TABLE t (x)');
});

afterEach(() => {
  other.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OtherConnectionsWatch', () => {
  it('changes its generation once another connection committed, not for this connection’s own commits', async () => {
    const watch = otherConnectionsOf(db);
    const start = watch.generation();
    db.exec('INSERT INTO t VALUES (1)');
    await afterRecheck();
    expect(watch.generation()).toBe(start);
    other.exec('INSERT INTO t VALUES (2)');
    await afterRecheck();
    const changed = watch.generation();
    expect(changed).not.toBe(start);
    await afterRecheck();
    expect(watch.generation()).toBe(changed);
  });

  it('takes a change noted by this process at once, without waiting for the next look at data_version', () => {
    const watch = otherConnectionsOf(db);
    const start = watch.generation();
    noteChangeFromThisProcess();
    expect(watch.generation()).not.toBe(start);
  });

  it('is one per connection', () => {
    expect(otherConnectionsOf(db)).toBe(otherConnectionsOf(db));
    expect(otherConnectionsOf(other)).not.toBe(otherConnectionsOf(db));
  });
});
