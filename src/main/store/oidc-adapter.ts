import { AsyncLocalStorage } from 'node:async_hooks';
import { AlreadyConsumedError, TOKEN_MODELS, tokenPayload, type EngineStore, type Payload } from './engine-store';
import type { StoredToken } from './token-rows';
import { tokenStorageKey } from './hashing';
import { groupCommitOf } from './group-commit';

/**
 * The oidc-provider adapter on SQLite.
 *
 * The engine writes one record at a time (consume the code, save the access
 * token, save the refresh token...). A crash between two of those writes would
 * leave a grant half-rotated: the old refresh token consumed, the new one never
 * stored. So every engine request runs inside a unit of work: writes are queued,
 * reads see the queued writes, and the whole queue is committed in one
 * transaction just before the response is sent (shared with the other requests
 * that finished meanwhile, see group-commit.ts). Consuming a single-use record
 * is a conditional UPDATE inside that transaction, so of two concurrent
 * redemptions exactly one commits.
 *
 * A request that fails stores nothing it created or consumed: a refused request
 * (4xx) keeps only its revocations (a replayed code or refresh token revokes the
 * grant) and its activity events; a failed one (5xx) keeps only its events.
 */

type Operation = (store: EngineStore) => void;

/** What a queued write is, which decides whether a failed request keeps it. */
export type OperationKind = 'change' | 'revocation' | 'event';

/** How the request ended: success (< 400), refused (4xx), failed (5xx). */
export type UnitOutcome = 'success' | 'refused' | 'failed';

const KEPT: Record<UnitOutcome, ReadonlySet<OperationKind>> = {
  success: new Set(['change', 'revocation', 'event']),
  refused: new Set(['revocation', 'event']),
  failed: new Set(['event']),
};

interface Queued {
  kind: OperationKind;
  run: Operation;
  afterCommit?: () => void;
}

interface OverlayEntry {
  payload?: Payload;
  deleted?: boolean;
  consumedAt?: number;
}

export class UnitOfWork {
  /** Queued writes; `afterCommit` runs once the write is committed (e.g. publishing an activity event). */
  readonly operations: Queued[] = [];
  readonly overlay = new Map<string, OverlayEntry>();
  readonly revokedGrants = new Set<string>();
  /** Storage keys of the tokens this request issued or looked up: hashed once for their rows, lookups and activity event. */
  readonly tokenKeys = new Map<string, Buffer>();
  /** Tokens this request looked up (any kind; undefined when none is stored): one query for the engine's lookups as each kind. */
  readonly storedTokens = new Map<string, StoredToken | undefined>();

  tokenKey(id: string): Buffer {
    let key = this.tokenKeys.get(id);
    if (!key) {
      key = tokenStorageKey(id);
      this.tokenKeys.set(id, key);
    }
    return key;
  }

  /** The id's storage key for the store when `model` is a token kind (the store hashes other records itself). */
  static tokenKeyFor(unit: UnitOfWork | undefined, model: string, id: string): Buffer | undefined {
    return unit && TOKEN_MODELS.has(model) ? unit.tokenKey(id) : undefined;
  }

  static key(model: string, id: string): string {
    return `${model}\u0000${id}`;
  }
}

const currentUnit = new AsyncLocalStorage<UnitOfWork>();

export interface CommitResult {
  /**
   * Set when the unit lost a race and nothing of it was written: a single-use record
   * was consumed by a concurrent request first, or the grant it wrote tokens for was
   * revoked meanwhile.
   */
  conflict?: 'consumed' | 'grant_revoked';
}

/**
 * Runs `work` with writes deferred, then commits, in one transaction (or one
 * savepoint of a group commit), the writes that its outcome keeps (see KEPT).
 */
export async function withUnitOfWork(
  store: EngineStore,
  work: () => Promise<void>,
  outcome: () => UnitOutcome,
): Promise<CommitResult> {
  const unit = new UnitOfWork();
  await currentUnit.run(unit, work);
  const kept = KEPT[outcome()];
  const operations = unit.operations.filter((operation) => kept.has(operation.kind));
  if (operations.length > 0) {
    try {
      await groupCommitOf(store.db).commit(() => {
        for (const operation of operations) operation.run(store);
      });
    } catch (error) {
      if (error instanceof AlreadyConsumedError) return { conflict: 'consumed' };
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { conflict: 'grant_revoked' };
      throw error;
    }
  }
  for (const operation of operations) operation.afterCommit?.();
  return {};
}

/** The storage key of a token that the engine request in progress issued or looked up, if it did. */
export function knownTokenKey(id: string): Buffer | undefined {
  return currentUnit.getStore()?.tokenKeys.get(id);
}

/** The outcome of an HTTP status, for `withUnitOfWork`. */
export function outcomeOfStatus(status: number): UnitOutcome {
  return status < 400 ? 'success' : status < 500 ? 'refused' : 'failed';
}

/**
 * Adds a write to the unit of work of the engine request in progress, so it
 * commits (or not) together with what the request changed. Returns false when
 * no engine request is in progress.
 */
export function queueInCurrentUnit(operation: Operation, afterCommit?: () => void, kind: OperationKind = 'event'): boolean {
  const unit = currentUnit.getStore();
  if (!unit) return false;
  unit.operations.push({ kind, run: operation, afterCommit });
  return true;
}

function record(unit: UnitOfWork | undefined, store: EngineStore, kind: OperationKind, operation: Operation): void {
  if (unit) unit.operations.push({ kind, run: operation });
  else operation(store);
}

export function createAdapterClass(store: EngineStore) {
  /** A token as the engine looks it up as `model`, from the request's one query for its id. */
  function findToken(unit: UnitOfWork, model: string, id: string): Payload | undefined {
    let stored = unit.storedTokens.get(id);
    if (!unit.storedTokens.has(id)) {
      stored = store.findTokenByKey(unit.tokenKey(id));
      unit.storedTokens.set(id, stored);
    }
    return stored?.kind === model ? tokenPayload(stored, id) : undefined;
  }

  return class SqliteAdapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const model = this.#model;
      const unit = currentUnit.getStore();
      if (unit) unit.overlay.set(UnitOfWork.key(model, id), { payload: { ...payload, jti: model === 'Client' ? undefined : id } });
      const tokenKey = UnitOfWork.tokenKeyFor(unit, model, id);
      record(unit, store, 'change', (s) => s.upsert(model, id, payload, expiresIn, undefined, tokenKey));
    }

    async find(id: string): Promise<Payload | undefined> {
      const unit = currentUnit.getStore();
      const pending = unit?.overlay.get(UnitOfWork.key(this.#model, id));
      if (pending?.deleted) return undefined;
      let payload = pending?.payload ? { ...pending.payload } : unit && TOKEN_MODELS.has(this.#model) ? findToken(unit, this.#model, id) : store.find(this.#model, id);
      if (!payload) return undefined;
      if (this.#model === 'Client') delete payload.jti;
      if (unit && typeof payload.grantId === 'string' && unit.revokedGrants.has(payload.grantId)) return undefined;
      if (pending?.consumedAt !== undefined) payload = { ...payload, consumed: pending.consumedAt };
      return payload;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const unit = currentUnit.getStore();
      if (unit) {
        for (const [key, entry] of unit.overlay) {
          if (key.startsWith('Session\u0000') && entry.payload?.uid === uid) return entry.deleted ? undefined : entry.payload;
        }
      }
      return store.findSessionByUid(uid);
    }

    async findByUserCode(): Promise<undefined> {
      return undefined; // the device flow is not enabled
    }

    async consume(id: string): Promise<void> {
      const model = this.#model;
      const unit = currentUnit.getStore();
      if (unit) {
        const key = UnitOfWork.key(model, id);
        unit.overlay.set(key, { ...unit.overlay.get(key), consumedAt: Math.floor(store.now() / 1000) });
      }
      const tokenKey = UnitOfWork.tokenKeyFor(unit, model, id);
      record(unit, store, 'change', (s) => s.consume(model, id, tokenKey));
    }

    async destroy(id: string): Promise<void> {
      const model = this.#model;
      const unit = currentUnit.getStore();
      if (unit) unit.overlay.set(UnitOfWork.key(model, id), { deleted: true });
      const tokenKey = UnitOfWork.tokenKeyFor(unit, model, id);
      record(unit, store, 'revocation', (s) => s.destroy(model, id, tokenKey));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const model = this.#model;
      const unit = currentUnit.getStore();
      if (unit) unit.revokedGrants.add(grantId);
      record(unit, store, 'revocation', (s) => s.revokeByGrantId(model, grantId));
    }
  };
}
