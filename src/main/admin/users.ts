import type { User } from '../../shared/dto';
import type { ParsedInput } from '../../shared/contract';
import type { SqliteDatabase } from '../store/database';
import { hashPassword } from '../store/hashing';
import { UserStore } from '../store/users';
import type { AuditTrail } from './audit';
import { AdminFailure, notFound } from './failure';

/** Local accounts: who can sign in on the authorization pages. */
export class UserAdmin {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #users: UserStore;
  readonly #audit: AuditTrail;

  constructor(db: SqliteDatabase, now: () => number, audit: AuditTrail) {
    this.#db = db;
    this.#now = now;
    this.#users = new UserStore(db, now);
    this.#audit = audit;
  }

  #consentCounts(): Map<string, number> {
    const rows = this.#db
      .prepare('SELECT account_id, COUNT(*) AS n FROM grants WHERE expires_at IS NULL OR expires_at > ? GROUP BY account_id')
      .all(this.#now()) as { account_id: string; n: number }[];
    return new Map(rows.map((row) => [row.account_id, row.n]));
  }

  list(): User[] {
    const counts = this.#consentCounts();
    return this.#users.list().map((user) => ({ ...user, consentCount: counts.get(user.id) ?? 0 }));
  }

  get(username: string): User {
    const user = this.#users.findByUsername(username);
    if (!user) throw notFound(`User ${username}`);
    return { ...user, consentCount: this.#consentCounts().get(user.id) ?? 0 };
  }

  async add(input: ParsedInput<'addUser'>): Promise<User> {
    if (this.#users.findByUsername(input.username)) {
      throw new AdminFailure('conflict', `a user named ${input.username} already exists`, { username: 'already taken' });
    }
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.#db.transaction(() => {
      const user = this.#users.insert({ username: input.username, displayName: input.displayName || input.username, passwordHash });
      this.#audit.record({
        type: 'user.added',
        outcome: 'success',
        accountId: user.id,
        summary: `User ${user.username} added${passwordHash ? '' : ' (no password)'}`,
        data: { username: user.username },
      });
      return { ...user, consentCount: 0 };
    })();
  }

  /** A disabled user cannot sign in, and their tokens stop working at once (checked on every request). */
  setDisabled(username: string, disabled: boolean): User {
    const user = this.get(username);
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, user.id);
      // End their browser sign-in too, so a disabled user is asked to sign in (and refused).
      if (disabled) this.#db.prepare('DELETE FROM sessions WHERE account_id = ?').run(user.id);
      this.#audit.record({
        type: disabled ? 'user.disabled' : 'user.enabled',
        outcome: 'success',
        accountId: user.id,
        summary: `User ${username} ${disabled ? 'disabled: sign-in refused, tokens stop working' : 'enabled'}`,
        data: { username },
      });
    })();
    return this.get(username);
  }

  /** Deletes the user; their consents and every token issued from them go too (cascade). */
  delete(username: string): { deleted: true; revokedConsents: number } {
    const user = this.get(username);
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM sessions WHERE account_id = ?').run(user.id);
      this.#db.prepare('DELETE FROM users WHERE id = ?').run(user.id);
      this.#audit.record({
        type: 'user.deleted',
        outcome: 'success',
        accountId: user.id,
        summary: `User ${username} deleted; ${user.consentCount} consent(s) revoked`,
        data: { username, revokedConsents: user.consentCount },
      });
    })();
    return { deleted: true, revokedConsents: user.consentCount };
  }

  count(): number {
    return (this.#db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }
}
