import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { EngineStore } from '../../store/engine-store';
import { isHashedClientSecret } from '../../store/hashing';
import type { EventLog } from '../../store/events';
import type { RegistrationSettingsStore } from '../../store/registration-settings';
import { outcomeOfStatus, withUnitOfWork } from '../../store/oidc-adapter';
import { approvedOrigins } from '../http/guards';
import type { Engine } from './engine';
import { RESOURCE_SCOPES } from './scopes';

/**
 * Koa middleware around every engine request:
 * - runs it in a unit of work, so that what one request writes lands in one
 *   transaction (or not at all when it failed with a 5xx or lost a race);
 * - shapes the discovery document for MCP clients;
 * - keeps stored secret hashes out of RFC 7592 responses.
 */
export function installEngineMiddleware(
  provider: Provider,
  deps: { store: EngineStore; errors: Engine['errors']; events: EventLog; registration: RegistrationSettingsStore },
): void {
  const { store, events } = deps;

  provider.use(async (ctx, next) => {
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    const { conflict } = await withUnitOfWork(store, () => next() as Promise<void>, () => outcomeOfStatus(ctx.status));
    if (!conflict) return;
    // Another request consumed the same code or refresh token first, or the grant was
    // revoked meanwhile. Treat it as a replay: nothing of this request was written,
    // and the grant is revoked so that no token of the contested chain stays usable.
    const { AuthorizationCode, RotatedRefreshToken, RefreshToken } = oidcCtx.oidc.entities ?? {};
    const source = AuthorizationCode ?? RotatedRefreshToken ?? RefreshToken;
    const grantId = source?.grantId;
    if (grantId) store.revokeGrant(grantId);
    const isRefresh = !AuthorizationCode;
    events.record({
      type: isRefresh ? 'token.refresh_reuse' : 'token.code_reuse',
      outcome: 'failure',
      clientId: oidcCtx.oidc.client?.clientId ?? null,
      accountId: source?.accountId ?? null,
      summary: isRefresh
        ? 'The same refresh token was used by concurrent requests: the grant was revoked'
        : 'The same authorization code was redeemed by concurrent requests: its grant was revoked',
      error: 'invalid_grant',
      reason: conflict === 'consumed' ? 'lost the race to consume a single-use credential' : 'the grant was revoked while the request ran',
    });
    ctx.status = 400;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      error: 'invalid_grant',
      error_description:
        conflict === 'consumed' ? 'grant request is invalid (already used)' : 'grant request is invalid (grant revoked)',
    };
  });

  provider.use(async (ctx, next) => {
    await next();
    // CORS is decided before the engine (http/guards.ts); drop any grant the engine made itself.
    const granted = ctx.response.get('Access-Control-Allow-Origin');
    if (granted && granted !== approvedOrigins.get(ctx.res)) {
      ctx.remove('Access-Control-Allow-Origin');
      ctx.remove('Access-Control-Expose-Headers');
      ctx.remove('Access-Control-Allow-Methods');
      ctx.remove('Access-Control-Allow-Headers');
      ctx.remove('Access-Control-Max-Age');
    }
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    const route = oidc?.route;
    const body = ctx.body as Record<string, unknown> | undefined;
    // RFC 7636 §4.6: a code_verifier that fails the check, malformed included, is invalid_grant.
    if (route === 'token' && ctx.status === 400 && body?.error === 'invalid_request' && /^code_verifier /.test(String(body.error_description))) {
      body.error = 'invalid_grant';
    }
    // RFC 6749 §5.2 / RFC 7662 §2.1: no client authentication at all is invalid_client (401), not a malformed request.
    if (
      (route === 'token' || route === 'introspection' || route === 'revocation') &&
      body?.error === 'invalid_request' &&
      body.error_description === 'no client authentication mechanism provided'
    ) {
      ctx.status = 401;
      body.error = 'invalid_client';
      body.error_description = 'client authentication failed: no client credentials were sent';
      ctx.set('WWW-Authenticate', 'Basic realm="MCP Auth Desk"');
    }
    // RFC 6749 §5.2: a grant type the client did not register is `unauthorized_client`
    // (the engine says invalid_request).
    if (route === 'token' && ctx.status === 400 && body?.error === 'invalid_request' && oidc.client) {
      const grantType = oidc.params?.grant_type;
      if (typeof grantType === 'string' && !oidc.client.grantTypeAllowed(grantType)) body.error = 'unauthorized_client';
    }
    if (!body || typeof body !== 'object' || ctx.status >= 300) return;
    if (route === 'discovery') {
      shapeDiscovery(body);
      // Advertise only what the admin left on: clients fall back from CIMD to DCR, and from DCR to asking the user.
      const policy = deps.registration.get();
      if (!policy.metadataDocuments.enabled) delete body.client_id_metadata_document_supported;
      if (!policy.dynamicRegistration.enabled) delete body.registration_endpoint;
    }
    if ((route === 'client' || route === 'client_update') && isHashedClientSecret(body.client_secret)) {
      delete body.client_secret;
      delete body.client_secret_expires_at;
    }
  });
}

/**
 * The engine is an OpenID Provider first; MCP clients need an OAuth server's view:
 * the MCP scopes (not `openid`/`offline_access`, which we accept but ignore), query
 * responses only, and nothing that is not served.
 */
function shapeDiscovery(body: Record<string, unknown>): void {
  body.scopes_supported = [...RESOURCE_SCOPES];
  body.response_modes_supported = ['query'];
  body.code_challenge_methods_supported = ['S256'];
  body.authorization_response_iss_parameter_supported = true;
  body.revocation_endpoint_auth_methods_supported = body.token_endpoint_auth_methods_supported;
  body.introspection_endpoint_auth_methods_supported = ['client_secret_basic', 'client_secret_post'];
  delete body.claims_parameter_supported;
  delete body.claim_types_supported;
  delete body.request_parameter_supported;
  delete body.request_uri_parameter_supported;
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) delete body[key];
  }
}
