import { randomBytes } from 'node:crypto';
import type { ClientCredentials, ClientDetail, ClientFlow, ClientPage, ClientSummary, RegistrationType } from '../../shared/dto';
import type { ParsedInput } from '../../shared/contract';
import type { SqliteDatabase } from '../store/database';
import { EngineStore } from '../store/engine-store';
import { hashClientSecret, isHashedClientSecret, randomId } from '../store/hashing';
import { redirectUriProblem } from '../server/oauth/redirect-uris';
import { RESOURCE_SCOPES } from '../server/oauth/scopes';
import type { AuditTrail } from './audit';
import { AdminFailure, notFound } from './failure';

/** Token kinds a client "holds" while they are live. */
const HELD_KINDS = "('AccessToken', 'RefreshToken', 'ClientCredentials')";

interface ClientRow {
  client_id: string;
  registration_type: RegistrationType;
  client_name: string | null;
  metadata: string;
  allowed_scopes: string | null;
  disabled: number;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  access_token_ttl_seconds: number | null;
  refresh_token_ttl_seconds: number | null;
  document_fetched_at: number | null;
  active_tokens: number;
  consent_count: number;
}

type Metadata = Record<string, unknown> & {
  redirect_uris?: string[];
  grant_types?: string[];
  token_endpoint_auth_method?: string;
  client_secret?: string;
};

function flowOf(metadata: Metadata): ClientFlow {
  const grants = metadata.grant_types ?? ['authorization_code'];
  return grants.includes('authorization_code') ? 'authorization_code' : 'client_credentials';
}

function summary(row: ClientRow): ClientSummary {
  const metadata = JSON.parse(row.metadata) as Metadata;
  return {
    clientId: row.client_id,
    name: row.client_name,
    registrationType: row.registration_type,
    flow: flowOf(metadata),
    isPublic: metadata.token_endpoint_auth_method === 'none',
    redirectUris: metadata.redirect_uris ?? [],
    disabled: row.disabled === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    activeTokens: row.active_tokens,
    consentCount: row.consent_count,
    documentFetchedAt: row.document_fetched_at,
  };
}

function detail(row: ClientRow): ClientDetail {
  const metadata = JSON.parse(row.metadata) as Metadata;
  const { client_secret: _secret, ...visible } = metadata;
  return {
    ...summary(row),
    grantTypes: metadata.grant_types ?? ['authorization_code'],
    accessTokenTtlSeconds: row.access_token_ttl_seconds,
    refreshTokenTtlSeconds: row.refresh_token_ttl_seconds,
    tokenEndpointAuthMethod: metadata.token_endpoint_auth_method ?? 'client_secret_basic',
    allowedScopes: row.allowed_scopes === null ? null : row.allowed_scopes.split(' ').filter(Boolean),
    updatedAt: row.updated_at,
    softwareId: typeof metadata.software_id === 'string' ? metadata.software_id : null,
    softwareVersion: typeof metadata.software_version === 'string' ? metadata.software_version : null,
    metadata: visible,
  };
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Checks redirect URIs with the same rules as Dynamic Client Registration. */
function checkRedirectUris(uris: string[]): void {
  const fields: Record<string, string> = {};
  uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri, 'redirect URI');
    if (problem) fields[`redirectUris.${i}`] = problem;
  });
  if (new Set(uris).size !== uris.length) fields.redirectUris = 'the same redirect URI is listed twice';
  if (Object.keys(fields).length) {
    throw new AdminFailure('invalid_input', Object.values(fields)[0]!, fields);
  }
}

function checkScopes(scopes: string[] | null | undefined): string | null {
  if (scopes === null || scopes === undefined) return null;
  const unknown = scopes.filter((scope) => !RESOURCE_SCOPES.includes(scope));
  if (unknown.length) {
    throw new AdminFailure('invalid_input', `unknown scope ${unknown[0]}; known scopes: ${RESOURCE_SCOPES.join(', ')}`, {
      allowedScopes: `unknown scope ${unknown[0]}`,
    });
  }
  if (scopes.length === 0) {
    throw new AdminFailure('invalid_input', 'allow at least one scope, or leave the list unset for all scopes', {
      allowedScopes: 'allow at least one scope',
    });
  }
  return [...new Set(scopes)].join(' ');
}

/** Client operations of the admin service, on the same tables the engine reads. */
export class ClientAdmin {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #store: EngineStore;
  readonly #audit: AuditTrail;

  constructor(db: SqliteDatabase, now: () => number, audit: AuditTrail) {
    this.#db = db;
    this.#now = now;
    this.#store = new EngineStore(db, now);
    this.#audit = audit;
  }

  #select(where: string): string {
    return `
      SELECT c.*,
        (SELECT COUNT(*) FROM tokens t WHERE t.client_id = c.client_id AND t.kind IN ${HELD_KINDS}
           AND t.expires_at > @now AND t.consumed_at IS NULL) AS active_tokens,
        (SELECT COUNT(*) FROM grants g WHERE g.client_id = c.client_id
           AND (g.expires_at IS NULL OR g.expires_at > @now)) AS consent_count
      FROM clients c ${where}`;
  }

  #row(clientId: string): ClientRow {
    const row = this.#db.prepare(this.#select('WHERE c.client_id = @clientId')).get({ clientId, now: this.#now() }) as ClientRow | undefined;
    if (!row) throw notFound(`Client ${clientId}`);
    return row;
  }

  list(input: ParsedInput<'listClients'>): ClientPage {
    const type = input.registrationType && input.registrationType !== 'all' ? input.registrationType : null;
    const pattern = input.search ? `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const where = `WHERE (@type IS NULL OR c.registration_type = @type)
      AND (@pattern IS NULL OR c.client_id LIKE @pattern ESCAPE '\\' OR c.client_name LIKE @pattern ESCAPE '\\')`;
    const params = { type, pattern, now: this.#now(), limit: input.limit ?? 50, offset: input.offset ?? 0 };
    const rows = this.#db
      .prepare(`${this.#select(where)} ORDER BY c.created_at DESC, c.client_id LIMIT @limit OFFSET @offset`)
      .all(params) as ClientRow[];
    const { total } = this.#db.prepare(`SELECT COUNT(*) AS total FROM clients c ${where}`).get(params) as { total: number };
    return { clients: rows.map(summary), total };
  }

  get(clientId: string): ClientDetail {
    return detail(this.#row(clientId));
  }

  /**
   * Pre-registration. No redirect URI: a machine-to-machine client (client
   * credentials, always confidential). One or more: an authorization-code client
   * that acts for users, confidential unless `isPublic`.
   */
  create(input: ParsedInput<'createClient'>): ClientCredentials {
    const redirectUris = input.redirectUris ?? [];
    checkRedirectUris(redirectUris);
    const allowedScopes = checkScopes(input.allowedScopes);
    const machine = redirectUris.length === 0;
    if (machine && input.isPublic) {
      throw new AdminFailure(
        'invalid_input',
        'a client without redirect URIs uses the client credentials flow, which needs a secret: it cannot be public',
        { isPublic: 'not possible without redirect URIs' },
      );
    }
    const clientId = randomId(16);
    const secret = input.isPublic ? null : newSecret();
    const metadata: Metadata = machine
      ? {
          client_id: clientId,
          client_name: input.name,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
        }
      : {
          client_id: clientId,
          client_name: input.name,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          redirect_uris: redirectUris,
          token_endpoint_auth_method: input.isPublic ? 'none' : 'client_secret_basic',
        };
    if (secret) {
      metadata.client_secret = secret;
      metadata.client_secret_expires_at = 0;
    }
    metadata.client_id_issued_at = Math.floor(this.#now() / 1000);
    this.#db.transaction(() => {
      this.#store.upsert('Client', clientId, metadata, undefined, 'manual');
      this.#db.prepare('UPDATE clients SET allowed_scopes = ? WHERE client_id = ?').run(allowedScopes, clientId);
      this.#audit.record({
        type: 'client.registered',
        outcome: 'success',
        clientId,
        summary: `Pre-registered “${input.name}” (${machine ? 'client credentials' : input.isPublic ? 'authorization code, public' : 'authorization code'})`,
        data: { method: 'manual', redirectUris, grantTypes: metadata.grant_types, tokenEndpointAuthMethod: metadata.token_endpoint_auth_method },
      });
    })();
    return { client: this.get(clientId), clientSecret: secret };
  }

  update(input: ParsedInput<'updateClient'>): ClientDetail {
    const row = this.#row(input.clientId);
    const metadata = JSON.parse(row.metadata) as Metadata;
    if (input.redirectUris !== undefined) {
      if (flowOf(metadata) === 'client_credentials') {
        if (input.redirectUris.length > 0) {
          throw new AdminFailure('invalid_input', 'a client credentials client has no redirect URIs; create an authorization-code client instead', {
            redirectUris: 'not used by the client credentials flow',
          });
        }
      } else {
        if (input.redirectUris.length === 0) {
          throw new AdminFailure('invalid_input', 'an authorization-code client needs at least one redirect URI', {
            redirectUris: 'at least one is required',
          });
        }
        checkRedirectUris(input.redirectUris);
        metadata.redirect_uris = input.redirectUris;
      }
    }
    if (input.name !== undefined) metadata.client_name = input.name;
    const allowedScopes = input.allowedScopes === undefined ? row.allowed_scopes : checkScopes(input.allowedScopes);
    this.#db.transaction(() => {
      this.#db
        .prepare('UPDATE clients SET metadata = ?, client_name = ?, allowed_scopes = ?, updated_at = ? WHERE client_id = ?')
        .run(JSON.stringify(metadata), (metadata.client_name as string | undefined) ?? null, allowedScopes, this.#now(), input.clientId);
      const changed = ['name', 'redirectUris', 'allowedScopes'].filter((key) => input[key as keyof typeof input] !== undefined);
      this.#audit.record({
        type: 'client.updated',
        outcome: 'success',
        clientId: input.clientId,
        summary: `Edited by ${this.#audit.actor}: ${changed.join(', ') || 'nothing'}`,
        data: { changed, redirectUris: metadata.redirect_uris, allowedScopes },
      });
    })();
    return this.get(input.clientId);
  }

  rotateSecret(clientId: string): ClientCredentials {
    const row = this.#row(clientId);
    const metadata = JSON.parse(row.metadata) as Metadata;
    if (metadata.token_endpoint_auth_method === 'none' || !isHashedClientSecret(metadata.client_secret)) {
      throw new AdminFailure('conflict', 'this client is public: it has no secret to rotate');
    }
    const secret = newSecret();
    metadata.client_secret = hashClientSecret(secret);
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE clients SET metadata = ?, updated_at = ? WHERE client_id = ?').run(JSON.stringify(metadata), this.#now(), clientId);
      this.#audit.record({ type: 'client.secret_rotated', outcome: 'success', clientId, summary: `Secret rotated by ${this.#audit.actor}; the old one no longer works` });
    })();
    return { client: this.get(clientId), clientSecret: secret };
  }

  setDisabled(clientId: string, disabled: boolean): ClientDetail {
    this.#row(clientId);
    this.#db.transaction(() => {
      this.#db.prepare('UPDATE clients SET disabled = ?, updated_at = ? WHERE client_id = ?').run(disabled ? 1 : 0, this.#now(), clientId);
      this.#audit.record({
        type: disabled ? 'client.disabled' : 'client.enabled',
        outcome: 'success',
        clientId,
        summary: disabled ? `Disabled by ${this.#audit.actor}: no authorization, no tokens` : `Enabled by ${this.#audit.actor}`,
      });
    })();
    return this.get(clientId);
  }

  /** Revokes every grant and token of the client, then deletes it, in one transaction. */
  delete(clientId: string): { deleted: true; revokedConsents: number; revokedTokens: number } {
    const row = this.#row(clientId);
    this.#db.transaction(() => {
      this.#store.destroy('Client', clientId);
      this.#audit.record({
        type: 'client.deleted',
        outcome: 'success',
        clientId,
        summary: `“${row.client_name ?? clientId}” deleted by ${this.#audit.actor}; ${row.consent_count} consent(s) and ${row.active_tokens} token(s) revoked`,
        data: { name: row.client_name, revokedConsents: row.consent_count, revokedTokens: row.active_tokens },
      });
    })();
    return { deleted: true, revokedConsents: row.consent_count, revokedTokens: row.active_tokens };
  }

  /** Testing controls: lifetimes for tokens issued from now on (null: the server default). */
  setTokenLifetimes(clientId: string, accessTokenTtlSeconds: number | null, refreshTokenTtlSeconds: number | null): ClientDetail {
    this.#row(clientId);
    this.#db.transaction(() => {
      this.#db
        .prepare('UPDATE clients SET access_token_ttl_seconds = ?, refresh_token_ttl_seconds = ?, updated_at = ? WHERE client_id = ?')
        .run(accessTokenTtlSeconds, refreshTokenTtlSeconds, this.#now(), clientId);
      const describe = (ttl: number | null) => (ttl === null ? 'default' : `${ttl} s`);
      this.#audit.record({
        type: 'client.updated',
        outcome: 'success',
        clientId,
        summary: `Token lifetimes set by ${this.#audit.actor}: access ${describe(accessTokenTtlSeconds)}, refresh ${describe(refreshTokenTtlSeconds)}`,
        data: { changed: ['tokenLifetimes'], accessTokenTtlSeconds, refreshTokenTtlSeconds },
      });
    })();
    return this.get(clientId);
  }

  counts(): { clients: number } {
    return this.#db.prepare('SELECT COUNT(*) AS clients FROM clients').get() as { clients: number };
  }
}
