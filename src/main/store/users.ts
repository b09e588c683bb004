import type { SqliteDatabase } from './database';
import { hashPassword, randomId, verifyPassword } from './hashing';

/** A local account that can sign in on the authorization pages. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  hasPassword: boolean;
  disabled: boolean;
  createdAt: number;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string | null;
  disabled: number;
  created_at: number;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    hasPassword: row.password_hash !== null,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

// A fixed scrypt hash of a random string, checked when the username is unknown so
// that a wrong username and a wrong password take the same time.
let decoyHash: Promise<string> | undefined;

export class UserStore {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  // Prepared once: the MCP endpoint and the engine look users up on every request.
  readonly #byId;
  readonly #byUsername;

  constructor(db: SqliteDatabase, now: () => number = Date.now) {
    this.#db = db;
    this.#now = now;
    this.#byId = db.prepare<[string]>('SELECT * FROM users WHERE id = ?');
    this.#byUsername = db.prepare<[string]>('SELECT * FROM users WHERE username = ?');
  }

  findById(id: string): User | undefined {
    const row = this.#byId.get(id) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  findByUsername(username: string): User | undefined {
    const row = this.#byUsername.get(username) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  list(): User[] {
    return (this.#db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  async create(input: { username: string; displayName?: string; password?: string }): Promise<User> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.insert({ username: input.username, displayName: input.displayName, passwordHash });
  }

  /** The synchronous half of `create`, for use inside a transaction (hash the password first). */
  insert(input: { username: string; displayName?: string; passwordHash: string | null }): User {
    const id = randomId();
    this.#db
      .prepare('INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, input.username, input.displayName || input.username, input.passwordHash, this.#now());
    return this.findById(id)!;
  }

  /**
   * Checks a sign-in. A user without a password signs in with an empty password
   * field (the first-run account of the person at this desktop). Disabled users
   * and unknown usernames fail the same way.
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const row = this.#db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!row) {
      decoyHash ??= hashPassword(randomId());
      await verifyPassword(password, await decoyHash);
      return undefined;
    }
    const ok = row.password_hash === null ? password === '' : await verifyPassword(password, row.password_hash);
    if (!ok || row.disabled === 1) return undefined;
    return toUser(row);
  }

  /**
   * On first run only, creates one account named after the OS user, without a
   * password, so the person at this desktop can sign in at once. Recorded in
   * settings so deleting every user later does not bring it back.
   */
  async ensureFirstRunUser(osUsername: string): Promise<void> {
    const done = this.#db.prepare("SELECT 1 FROM settings WHERE key = 'first_run_user_created'").get();
    if (done) return;
    const username = osUsername.trim() || 'admin';
    if (!this.findByUsername(username)) await this.create({ username, displayName: username });
    this.#db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('first_run_user_created', ?)").run(String(this.#now()));
  }
}
