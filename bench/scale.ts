import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdminService } from '../src/main/admin/service';
import { DATABASE_FILE_NAME, openDatabase, type SqliteDatabase } from '../src/main/store/database';
import { randomId } from '../src/main/store/hashing';
import { purgeExpired } from '../src/main/store/purge';
import type { Result } from '../src/shared/dto';
import { round, summarize, type Summary } from './lib/stats';

/**
 * The admin service on a large data set: built by direct SQL inserts (one
 * transaction) into a real SQLite file with the app's schema, then each admin
 * operation timed over repeated calls. Also shows that the purge keeps expired
 * rows bounded.
 */

export interface ScaleConfig {
  clients: number;
  users: number;
  consents: number;
  /** Live tokens in all (access, refresh, client credentials). */
  tokens: number;
  /** Consents that hold `tokensPerTarget` live tokens each; one is revoked per timed call. */
  revokeTargets: number;
  tokensPerTarget: number;
  /** Timed calls per read operation. */
  repeats: number;
  purgeRounds: number;
  /** Expired tokens inserted per purge round (plus a tenth as many grants, sessions and engine records). */
  expiredPerRound: number;
}

export const FULL_SCALE: ScaleConfig = {
  clients: 10_000,
  users: 1_000,
  consents: 50_000,
  tokens: 100_000,
  revokeTargets: 100,
  tokensPerTarget: 100,
  repeats: 200,
  purgeRounds: 3,
  expiredPerRound: 20_000,
};

export const QUICK_SCALE: ScaleConfig = {
  clients: 1_000,
  users: 100,
  consents: 5_000,
  tokens: 10_000,
  revokeTargets: 20,
  tokensPerTarget: 100,
  repeats: 30,
  purgeRounds: 2,
  expiredPerRound: 2_000,
};

export interface ScaleResult {
  dataSet: { clients: number; users: number; consents: number; liveTokens: number; buildMs: number; dbSizeMB: number };
  operations: Record<ScaleOperation, Summary & { label: string }>;
  purge: {
    rounds: { expiredInserted: number; deleted: number; ms: number; expiredLeft: number; tokensAfter: number }[];
    liveTokens: number;
    bounded: boolean;
    medianMs: number;
  };
}

export type ScaleOperation = 'listClientsSearch' | 'listClientsFirstPage' | 'clientConsents' | 'userConsents' | 'revokeConsent100';

export const SCALE_LABELS: Record<ScaleOperation, string> = {
  listClientsSearch: 'First page of clients (50) with a search',
  listClientsFirstPage: 'First page of clients (50), no search',
  clientConsents: "One client's consents",
  userConsents: "One user's consents",
  revokeConsent100: 'Revoke one consent with 100 live tokens',
};

const COMPANIES = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne',
  'Soylent', 'Vandelay', 'Pied Piper', 'Aperture', 'Black Mesa', 'Oscorp', 'Massive Dynamic', 'Monarch', 'Dunder', 'Gringotts',
];
const PRODUCTS = ['Claude Code', 'Cursor', 'VS Code', 'MCP Inspector', 'mcp-remote', 'Nightly job', 'CI agent', 'Windsurf'];
const SEARCHES = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
const RESOURCE = 'http://localhost:8765/mcp';
const SCOPE = 'mcp:whoami mcp:echo';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function unwrap<T>(result: Result<T>, what: string): T {
  if (!result.ok) throw new Error(`${what} failed: ${result.error.code} ${result.error.message}`);
  return result.value;
}

interface DataSet {
  clientIds: string[];
  usernames: string[];
  /** [clientIndex, userIndex] of the consents that hold `tokensPerTarget` tokens. */
  revokeTargets: [number, number][];
  liveTokens: number;
}

function build(db: SqliteDatabase, config: ScaleConfig, now: number): DataSet {
  if (config.consents % config.clients !== 0) throw new Error('consents must be a multiple of clients');
  const perClient = config.consents / config.clients;
  if (perClient > config.users) throw new Error('more consents per client than users');

  const insertUser = db.prepare(
    'INSERT INTO users (id, username, display_name, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, 0, ?)',
  );
  const insertClient = db.prepare(`
    INSERT INTO clients (client_id, registration_type, client_name, metadata, allowed_scopes, disabled, created_at, updated_at, last_used_at)
    VALUES (?, ?, ?, ?, NULL, 0, ?, ?, ?)`);
  const insertGrant = db.prepare(`
    INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at, expires_at, last_used_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertToken = db.prepare(`
    INSERT INTO tokens (id_hash, kind, client_id, grant_id, account_id, payload, created_at, expires_at, consumed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`);

  const userIds: string[] = [];
  const usernames: string[] = [];
  const clientIds: string[] = [];
  const grants: { id: string; client: number; user: number }[] = [];
  let liveTokens = 0;

  function token(kind: 'AccessToken' | 'RefreshToken' | 'ClientCredentials', client: number, grant?: { id: string; user: number }): void {
    const ttl = kind === 'RefreshToken' ? 30 * DAY : HOUR;
    // Live for the whole run: at least 30 minutes left.
    const expiresAt = now + 30 * 60_000 + Math.floor(Math.random() * (ttl - 30 * 60_000));
    const createdAt = expiresAt - ttl;
    const clientId = clientIds[client]!;
    const accountId = grant ? userIds[grant.user]! : null;
    const payload: Record<string, unknown> = {
      iat: Math.floor(createdAt / 1000),
      exp: Math.floor(expiresAt / 1000),
      clientId,
      kind,
      scope: SCOPE,
      aud: RESOURCE,
      extra: {},
    };
    if (grant) {
      Object.assign(payload, {
        accountId,
        grantId: grant.id,
        sessionUid: randomId(16),
        expiresWithSession: false,
        gty: kind === 'RefreshToken' ? 'authorization_code refresh_token' : 'authorization_code',
      });
      if (kind === 'RefreshToken') Object.assign(payload, { iiat: payload.iat, rotations: 0, resource: RESOURCE });
    } else {
      payload.gty = 'client_credentials';
    }
    insertToken.run(randomBytes(32), kind, clientId, grant?.id ?? null, accountId, JSON.stringify(payload), createdAt, expiresAt);
    liveTokens += 1;
  }

  db.transaction(() => {
    for (let u = 0; u < config.users; u++) {
      const id = randomId(16);
      userIds.push(id);
      usernames.push(`user${u}`);
      insertUser.run(id, `user${u}`, `User ${u}`, null, now - 90 * DAY + u * 1000);
    }
    for (let c = 0; c < config.clients; c++) {
      const id = randomId(16);
      clientIds.push(id);
      const manual = c % 10 === 0;
      const name = `${COMPANIES[c % COMPANIES.length]} ${PRODUCTS[c % PRODUCTS.length]} ${c}`;
      const createdAt = now - (config.clients - c) * 60_000;
      const metadata = manual
        ? {
            client_id: id,
            client_name: name,
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            redirect_uris: [`http://127.0.0.1:${20000 + (c % 40000)}/callback`],
            token_endpoint_auth_method: 'client_secret_basic',
            client_secret: `$sha256$${randomBytes(32).toString('hex')}`,
            client_secret_expires_at: 0,
          }
        : {
            client_id: id,
            client_name: name,
            client_id_issued_at: Math.floor(createdAt / 1000),
            application_type: 'web',
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            redirect_uris: [`http://127.0.0.1:${20000 + (c % 40000)}/callback`],
            token_endpoint_auth_method: 'none',
            id_token_signed_response_alg: 'ES256',
            software_id: 'bench',
            software_version: '1.0.0',
          };
      insertClient.run(id, manual ? 'manual' : 'dynamic', name, JSON.stringify(metadata), createdAt, createdAt, createdAt + HOUR);
    }
    for (let c = 0; c < config.clients; c++) {
      for (let k = 0; k < perClient; k++) {
        const user = (c * perClient + k) % config.users;
        const id = randomBytes(16).toString('base64url');
        const createdAt = now - Math.floor(Math.random() * 60 * DAY);
        const updatedAt = createdAt + Math.floor(Math.random() * DAY);
        const payload = {
          iat: Math.floor(createdAt / 1000),
          exp: Math.floor((updatedAt + 365 * DAY) / 1000),
          accountId: userIds[user],
          clientId: clientIds[c],
          kind: 'Grant',
          resources: { [RESOURCE]: SCOPE },
        };
        insertGrant.run(id, clientIds[c], userIds[user], JSON.stringify(payload), createdAt, updatedAt, updatedAt + 365 * DAY, updatedAt);
        grants.push({ id, client: c, user });
      }
    }
    // Revocation targets, spread over the grants; each gets tokensPerTarget live tokens.
    const stride = Math.floor(grants.length / config.revokeTargets);
    const targetIndexes = new Set(Array.from({ length: config.revokeTargets }, (_, i) => i * stride));
    for (const index of targetIndexes) {
      const grant = grants[index]!;
      for (let t = 0; t < config.tokensPerTarget; t++) token(t % 2 === 0 ? 'AccessToken' : 'RefreshToken', grant.client, grant);
    }
    // A tenth of the tokens are client-credentials tokens of the manual clients; the rest spread over the other grants.
    const clientCredentials = Math.floor(config.tokens / 10);
    for (let t = 0; t < clientCredentials; t++) token('ClientCredentials', (t * 10) % config.clients);
    const others = grants.filter((_, i) => !targetIndexes.has(i));
    for (let t = 0; liveTokens < config.tokens; t++) {
      const grant = others[t % others.length]!;
      token(t % 2 === 0 ? 'AccessToken' : 'RefreshToken', grant.client, grant);
    }
  })();

  const stride = Math.floor(grants.length / config.revokeTargets);
  const revokeTargets = Array.from({ length: config.revokeTargets }, (_, i) => {
    const grant = grants[i * stride]!;
    return [grant.client, grant.user] as [number, number];
  });
  return { clientIds, usernames, revokeTargets, liveTokens };
}

async function timeCalls(count: number, call: (i: number) => Promise<void>, warmup = 5): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await call(i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i + warmup);
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

function count(db: SqliteDatabase, sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

function insertExpired(db: SqliteDatabase, config: ScaleConfig, data: DataSet, now: number, userIds: string[]): number {
  const insertToken = db.prepare(`
    INSERT INTO tokens (id_hash, kind, client_id, grant_id, account_id, payload, created_at, expires_at, consumed_at)
    VALUES (?, ?, ?, NULL, NULL, '{"kind":"AccessToken"}', ?, ?, NULL)`);
  const insertGrant = db.prepare(`
    INSERT INTO grants (grant_id, client_id, account_id, payload, created_at, updated_at, expires_at, last_used_at)
    VALUES (?, ?, ?, '{"kind":"Grant"}', ?, ?, ?, NULL)`);
  const insertSession = db.prepare('INSERT INTO sessions (id_hash, uid, account_id, payload, expires_at) VALUES (?, ?, ?, ?, ?)');
  const insertRecord = db.prepare('INSERT INTO engine_records (model, id_hash, payload, expires_at) VALUES (?, ?, ?, ?)');
  const extra = Math.max(1, Math.floor(config.expiredPerRound / 10));
  db.transaction(() => {
    for (let i = 0; i < config.expiredPerRound; i++) {
      const kinds = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'ClientCredentials'];
      insertToken.run(randomBytes(32), kinds[i % 4], data.clientIds[i % data.clientIds.length], now - 2 * HOUR, now - 1000 - i);
    }
    for (let i = 0; i < extra; i++) {
      const at = now - 400 * DAY;
      insertGrant.run(randomBytes(16).toString('base64url'), data.clientIds[i % data.clientIds.length], userIds[i % userIds.length], at, at, now - 1000 - i);
      insertSession.run(randomBytes(32), randomId(16), userIds[i % userIds.length], '{}', now - 1000 - i);
      insertRecord.run('Interaction', randomBytes(32), '{}', now - 1000 - i);
    }
  })();
  return config.expiredPerRound + 3 * extra;
}

function expiredRows(db: SqliteDatabase, now: number): number {
  return (
    count(db, 'SELECT COUNT(*) AS n FROM tokens WHERE expires_at <= ?', now) +
    count(db, 'SELECT COUNT(*) AS n FROM grants WHERE expires_at <= ?', now) +
    count(db, 'SELECT COUNT(*) AS n FROM sessions WHERE expires_at <= ?', now) +
    count(db, 'SELECT COUNT(*) AS n FROM engine_records WHERE expires_at <= ?', now)
  );
}

export async function runScale(config: ScaleConfig, log: (line: string) => void = () => {}): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'mad-bench-scale-'));
  const file = join(dir, DATABASE_FILE_NAME);
  const db = openDatabase(file);
  try {
    const now = Date.now();
    const started = performance.now();
    const data = build(db, config, now);
    const buildMs = round(performance.now() - started, 0);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const dbSizeMB = round(statSync(file).size / 1024 / 1024, 1);
    log(`  data set built in ${buildMs} ms: ${config.clients} clients, ${config.users} users, ${config.consents} consents, ${data.liveTokens} live tokens; ${dbSizeMB} MB`);

    const admin = createAdminService({
      db,
      transport: 'ipc',
      serverState: () => ({
        state: 'stopped',
        issuer: null,
        mcpUrl: null,
        port: null,
        dataDir: dir,
        databaseFile: file,
        startedAt: null,
        uptimeSeconds: null,
        version: 'bench',
        problem: null,
        suggestedPort: null,
      }) as never,
    });

    const pick = (n: number, i: number) => (i * 7919) % n; // a spread of distinct rows, same every run
    const operations = {} as ScaleResult['operations'];
    const measure = async (op: ScaleOperation, summary: Summary) => {
      operations[op] = { label: SCALE_LABELS[op], ...summary };
      log(`  ${SCALE_LABELS[op]}: median ${summary.p50} ms, p99 ${summary.p99} ms (${summary.count} calls)`);
    };

    await measure(
      'listClientsSearch',
      await timeCalls(config.repeats, async (i) => {
        const page = unwrap(await admin.listClients({ search: SEARCHES[i % SEARCHES.length], limit: 50 }), 'listClients');
        if (page.clients.length !== 50) throw new Error(`expected a full page, got ${page.clients.length}`);
      }),
    );
    await measure(
      'listClientsFirstPage',
      await timeCalls(config.repeats, async () => {
        unwrap(await admin.listClients({ limit: 50 }), 'listClients');
      }),
    );
    const perClient = config.consents / config.clients;
    await measure(
      'clientConsents',
      await timeCalls(config.repeats, async (i) => {
        const consents = unwrap(await admin.listConsents({ clientId: data.clientIds[pick(config.clients, i)]! }), 'listConsents');
        if (consents.length !== perClient) throw new Error(`expected ${perClient} consents, got ${consents.length}`);
      }),
    );
    await measure(
      'userConsents',
      await timeCalls(config.repeats, async (i) => {
        const consents = unwrap(await admin.listConsents({ username: data.usernames[pick(config.users, i)]! }), 'listConsents');
        if (consents.length === 0) throw new Error('expected consents');
      }),
    );
    await measure(
      'revokeConsent100',
      await timeCalls(
        config.revokeTargets,
        async (i) => {
          const [client, user] = data.revokeTargets[i]!;
          const { revokedTokens } = unwrap(
            await admin.revokeConsent({ clientId: data.clientIds[client]!, username: data.usernames[user]! }),
            'revokeConsent',
          );
          if (revokedTokens !== config.tokensPerTarget) throw new Error(`expected ${config.tokensPerTarget} revoked tokens, got ${revokedTokens}`);
        },
        0,
      ),
    );

    // Purge: each round adds expired rows; after the purge none is left and the live rows are untouched.
    const userIds = (db.prepare('SELECT id FROM users').all() as { id: string }[]).map((row) => row.id);
    const liveTokens = count(db, 'SELECT COUNT(*) AS n FROM tokens');
    const rounds: ScaleResult['purge']['rounds'] = [];
    for (let round_ = 0; round_ < config.purgeRounds; round_++) {
      const at = Date.now();
      const expiredInserted = insertExpired(db, config, data, at, userIds);
      const purgeAt = Date.now();
      const t0 = performance.now();
      const purged = purgeExpired(db, purgeAt);
      const ms = round(performance.now() - t0, 2);
      rounds.push({
        expiredInserted,
        deleted: purged.tokens + purged.grants + purged.sessions + purged.engineRecords,
        ms,
        expiredLeft: expiredRows(db, purgeAt),
        tokensAfter: count(db, 'SELECT COUNT(*) AS n FROM tokens'),
      });
    }
    const bounded = rounds.every((r) => r.expiredLeft === 0 && r.tokensAfter === liveTokens && r.deleted >= r.expiredInserted);
    const medianMs = summarize(rounds.map((r) => r.ms)).p50;
    log(`  purge: ${rounds.map((r) => `${r.deleted} rows in ${r.ms} ms, ${r.expiredLeft} expired left, ${r.tokensAfter} tokens`).join('; ')}`);

    return {
      dataSet: { clients: config.clients, users: config.users, consents: config.consents, liveTokens: data.liveTokens, buildMs, dbSizeMB },
      operations,
      purge: { rounds, liveTokens, bounded, medianMs },
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
