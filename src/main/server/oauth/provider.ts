import { randomBytes } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC, Provider as ProviderType } from 'oidc-provider';
import { clientSecretMatches, constantTimeEqual, isHashedClientSecret, randomId } from '../../store/hashing';
import type { EngineStore } from '../../store/engine-store';
import type { EventLog } from '../../store/events';
import type { KeyMaterial } from '../../store/key-files';
import { clientRowsOf } from '../../store/client-rows';
import { createAdapterClass } from '../../store/oidc-adapter';
import type { UserStore } from '../../store/users';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  AUTHORIZATION_CODE_TTL_SECONDS,
  CLIENT_CREDENTIALS_TTL_SECONDS,
  GRANT_TTL_SECONDS,
  INTERACTION_TTL_SECONDS,
  REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS,
  REFRESH_TOKEN_IDLE_TTL_SECONDS,
  SESSION_TTL_SECONDS,
} from '../defaults';
import { renderEngineError } from '../interaction/pages';
import type { Engine } from './engine';
import { installEngineMiddleware } from './engine-middleware';
import type { MetadataDocumentFetcher } from './cimd/document-fetcher';
import { createMetadataDocumentPolicy } from './cimd/policy';
import type { ClientAuthThrottle } from './auth-throttle';
import { installEngineActivity } from './engine-activity';
import { installTimePrefixedTokenIds } from './token-ids';
import { redirectUriMatches, redirectUriProblem } from './redirect-uris';
import type { McpResource } from './resources';
import { RESOURCE_SCOPES, isResourceScope, splitScope } from './scopes';

export interface AuthorizationServerDeps {
  engine: Engine;
  issuer: string;
  port: number;
  resource: McpResource;
  store: EngineStore;
  users: UserStore;
  keys: KeyMaterial;
  events: EventLog;
  fetcher: MetadataDocumentFetcher;
  authThrottle: ClientAuthThrottle;
  /**
   * Bench-only, never used by the app (see BenchmarkEngine): keep the engine's
   * records in its in-memory development adapter instead of SQLite, and with
   * 'alone' leave out our middleware too (unit of work, activity log).
   */
  benchmarkEngine?: BenchmarkEngine;
}

/**
 * The benchmark's engine baselines, with this server's configuration:
 * - 'memory-adapter': this server, with the engine's records in oidc-provider's in-memory adapter;
 * - 'alone': oidc-provider by itself on its in-memory adapter, none of our middleware
 *   (create-server.ts also hands it every request directly, without our router).
 */
export type BenchmarkEngine = 'memory-adapter' | 'alone';

/** The engine's route paths. The MCP 2025-03-26 fallback paths (/authorize, /token, /register) are the real ones. */
export const ROUTES = {
  authorization: '/authorize',
  token: '/token',
  registration: '/register',
  revocation: '/revoke',
  introspection: '/introspect',
  jwks: '/jwks',
} as const;

/** More redirect URIs than any real client needs: refusing them keeps one registration small. */
const MAX_REDIRECT_URIS = 20;

/** DCR routes: metadata validation on these is a self-registration, with stricter rules. */
const SELF_REGISTRATION_ROUTES = new Set(['registration', 'client_update']);

// A standard grant that VS Code asks for when listed; we do not offer it, so it is dropped rather than refused.
const IGNORED_GRANT_TYPES = new Set(['urn:ietf:params:oauth:grant-type:device_code']);

type ClientLike = {
  clientId: string;
  redirectUris: string[];
  redirectUriAllowed(value: string): boolean;
};

export function createAuthorizationServer(deps: AuthorizationServerDeps): ProviderType {
  const { engine, store, users, resource } = deps;
  const { errors, interactionPolicy } = engine;
  const epochNow = () => Math.floor(store.now() / 1000);

  const clientRows = clientRowsOf(store.db);
  /** What an administrator set for a client: narrowed scopes, testing token lifetimes. */
  const settingsOf = (clientId: string) => clientRows.get(clientId);

  /** The resource scopes a client may receive: all of them unless an administrator narrowed the list. */
  function allowedScopes(clientId: string): string[] {
    const narrowedTo = settingsOf(clientId)?.allowedScopes;
    if (!narrowedTo) return [...RESOURCE_SCOPES];
    const narrowed = new Set(splitScope(narrowedTo));
    return RESOURCE_SCOPES.filter((scope) => narrowed.has(scope));
  }

  // The consent prompt minus the engine's "native clients always prompt" check: a
  // consent is remembered per user, client and scopes, whatever the client type.
  const metadataPolicy = createMetadataDocumentPolicy({ db: store.db, errors, events: deps.events, fetcher: deps.fetcher, now: store.now.bind(store) });
  const policy = interactionPolicy.base();
  policy.get('consent')!.checks.remove('native_client_prompt');

  const configuration: Configuration = {
    ...(deps.benchmarkEngine ? {} : { adapter: createAdapterClass(store) as unknown as Configuration['adapter'] }),
    jwks: deps.keys.signingKeys as Configuration['jwks'],
    cookies: {
      keys: deps.keys.cookieKeys,
      // Cookies ignore ports: name them per port so two instances on one machine do not overwrite each other.
      names: {
        session: `_mad_session_${deps.port}`,
        interaction: `_mad_interaction_${deps.port}`,
        resume: `_mad_resume_${deps.port}`,
      },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    routes: ROUTES,
    // CORS is decided for every route before the engine runs (http/guards.ts).
    clientBasedCORS: () => true,
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'ES256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['ES256'],
      clientAuthSigningAlgValues: [],
      requestObjectSigningAlgValues: [],
    },
    scopes: ['openid', 'offline_access'],
    claims: { openid: ['sub'] },
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // RFC 7662 §2.1: only an authenticated (confidential) client may ask, and only about its own tokens.
        async allowedPolicy(_ctx, client, token) {
          if (client.clientAuthMethod === 'none') {
            throw new errors.InvalidClientAuth('introspection requires client authentication with a secret');
          }
          return token.clientId === client.clientId;
        },
      },
      revocation: {
        enabled: true,
        // A client revokes its own tokens. Another client's token is left alone: a confidential
        // client is told so; a public one gets the usual 200 (RFC 7009 §2.2, SECURITY_CASES F.59).
        async allowedPolicy(_ctx, client, token) {
          if (token.clientId === client.clientId) return true;
          if (client.clientAuthMethod === 'none') return false;
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      registration: {
        enabled: true,
        idFactory: () => randomId(16),
        secretFactory: () => randomBytes(32).toString('base64url'),
        issueRegistrationAccessToken: true,
      },
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
      clientIdMetadataDocument: {
        enabled: true,
        ack: 'draft-02',
        allowFetch: metadataPolicy.allowFetch,
        allowClient: metadataPolicy.allowClient as never,
        // Our fetcher caches (only accepted documents, clearable by the admin); the engine's cache stays off.
        cacheDuration: { min: 0, max: 0 },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => (oneOf ? oneOf[0] : resource.canonical) as string,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, indicator, client) => {
          const audience = resource.resolve(indicator);
          if (!audience) throw new errors.InvalidTarget(`${indicator} is not a resource of this server`);
          const allowed = allowedScopes(client.clientId);
          if (ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials') {
            const requested = splitScope(ctx.oidc.params.scope as string | undefined);
            for (const scope of requested) {
              if (!isResourceScope(scope) || !allowed.includes(scope)) {
                throw new errors.InvalidScope('requested scope is not allowed for this client', scope);
              }
            }
            // A machine client that names no scope gets every scope it is allowed.
            if (requested.length === 0) ctx.oidc.params.scope = allowed.join(' ');
          }
          return {
            scope: allowed.join(' '),
            audience,
            accessTokenFormat: 'opaque',
            accessTokenTTL: settingsOf(client.clientId)?.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS,
          };
        },
      },
    },
    extraClientMetadata: {
      properties: ['software_id', 'software_version'],
      validator(ctx, key, value, metadata) {
        if (value !== undefined && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata(`${key} must be a string`);
        }
        if (key !== 'software_id') return; // the checks below run once per client
        const uris = (metadata as { redirect_uris?: unknown }).redirect_uris;
        if (Array.isArray(uris)) {
          if (uris.length > MAX_REDIRECT_URIS) {
            throw new errors.InvalidClientMetadata(`a client may register at most ${MAX_REDIRECT_URIS} redirect_uris (got ${uris.length})`);
          }
          // Checked here, first: some of the engine's checks parse these URIs before validating them.
          for (const uri of uris) {
            const problem = redirectUriProblem(uri);
            if (problem) throw new errors.InvalidClientMetadata(problem);
          }
        }
        const grantTypes = (metadata as { grant_types?: unknown }).grant_types;
        if (Array.isArray(grantTypes)) {
          (metadata as unknown as { grant_types: unknown[] }).grant_types = grantTypes.filter(
            (type) => !(typeof type === 'string' && IGNORED_GRANT_TYPES.has(type)),
          );
        }
        const route = (ctx as KoaContextWithOIDC | undefined)?.oidc?.route;
        if (route && SELF_REGISTRATION_ROUTES.has(route) && Array.isArray(grantTypes) && grantTypes.includes('client_credentials')) {
          throw new errors.InvalidClientMetadata(
            'grant_types: client_credentials is not available to self-registered clients, because no user consents to it; an administrator can create a machine-to-machine client instead',
          );
        }
      },
    },
    ttl: {
      AccessToken: (_ctx, _token, client) => settingsOf(client.clientId)?.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: (_ctx, _token, client) =>
        settingsOf(client.clientId)?.accessTokenTtlSeconds ?? CLIENT_CREDENTIALS_TTL_SECONDS,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      Grant: GRANT_TTL_SECONDS,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: SESSION_TTL_SECONDS,
      RefreshToken(_ctx, token, client) {
        const firstIssuedAt = (token as { iiat?: number }).iiat ?? epochNow();
        const untilAbsoluteEnd = firstIssuedAt + REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS - epochNow();
        const idle = settingsOf(client.clientId)?.refreshTokenTtlSeconds ?? REFRESH_TOKEN_IDLE_TTL_SECONDS;
        return Math.max(1, Math.min(idle, untilAbsoluteEnd));
      },
    },
    // MCP clients never ask for offline_access; a client that registered the refresh_token grant gets one.
    issueRefreshToken: async (_ctx, client) =>
      client.grantTypeAllowed('refresh_token') && client.grantTypeAllowed('authorization_code'),
    // Rotate on every use, public and confidential clients alike (RFC 9700 §4.14.2).
    rotateRefreshToken: () => true,
    // Tokens live by their own lifetimes, not by the browser sign-in on our pages.
    expiresWithSession: async () => false,
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const clientId = oidc.client!.clientId;
      const accountId = oidc.session!.accountId;
      const grantId =
        oidc.result?.consent?.grantId ??
        oidc.session!.grantIdFor(clientId) ??
        (accountId ? store.latestGrantId(accountId, clientId) : undefined);
      if (!grantId) return undefined;
      const grant = await oidc.provider.Grant.find(grantId);
      // A grant from another account (the browser signed in as someone else) is not this user's consent.
      return grant && grant.accountId === accountId ? grant : undefined;
    },
    async findAccount(_ctx, sub) {
      const user = users.findById(sub);
      if (!user || user.disabled) return undefined;
      return {
        accountId: user.id,
        claims: async () => ({ sub: user.id, preferred_username: user.username, name: user.displayName }),
      };
    },
    interactions: {
      policy,
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    renderError: async (ctx, out, error) => renderEngineError(ctx, out, error),
    fetch: deps.fetcher.fetch as Configuration['fetch'],
  };

  const provider = new engine.Provider(deps.issuer, configuration);
  provider.proxy = false;

  // Engine extension points that the configuration object does not cover.
  const ClientClass = provider.Client as unknown as {
    prototype: ClientLike & { compareClientSecret(actual: string): Promise<boolean>; clientSecret?: string };
    Schema: { prototype: { redirectUris(uris?: string[], label?: string): void; invalidate(message: string): never; redirect_uris: string[] } };
  };
  // Secrets are stored as SHA-256 hashes; compare the hash of what the client sent.
  ClientClass.prototype.compareClientSecret = async function compareClientSecret(actual: string) {
    const stored = this.clientSecret ?? '';
    return isHashedClientSecret(stored) ? clientSecretMatches(stored, actual) : constantTimeEqual(stored, actual);
  };
  // One redirect URI rule for every client, whatever application_type it declared (redirect-uris.ts).
  ClientClass.prototype.redirectUriAllowed = function redirectUriAllowed(value: string) {
    return typeof value === 'string' && redirectUriMatches(value, this.redirectUris);
  };
  type Schema = (typeof ClientClass.Schema)['prototype'];
  ClientClass.Schema.prototype.redirectUris = function redirectUris(this: Schema, uris = this.redirect_uris, label = 'redirect_uris') {
    for (const uri of uris) {
      const problem = redirectUriProblem(uri, label);
      if (problem) this.invalidate(problem);
    }
  };

  // A client may register any `scope` (mcp-remote sends `openid email profile`): keep the
  // scopes we know and drop the rest, instead of refusing the registration.
  const SchemaProto = ClientClass.Schema.prototype as unknown as { scope?: string; scopes(): void };
  SchemaProto.scopes = function scopes(this: { scope?: string }) {
    if (typeof this.scope !== 'string') return;
    const known = [...new Set(splitScope(this.scope))].filter(isResourceScope);
    if (known.length > 0) this.scope = known.join(' ');
    else delete this.scope;
  };

  if (deps.benchmarkEngine === 'alone') return provider;
  installTimePrefixedTokenIds(provider);
  installEngineMiddleware(provider, { store, errors, events: deps.events, registration: metadataPolicy.settings });
  // Inside the unit of work (registered after it), so events commit with the request's changes.
  installEngineActivity(provider, deps.events, deps.authThrottle);
  return provider;
}
