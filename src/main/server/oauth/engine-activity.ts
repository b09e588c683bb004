import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { EventLog, NewEvent } from '../../store/events';
import { fingerprintOfKey, tokenFingerprint } from '../../store/hashing';
import { knownTokenKey } from '../../store/oidc-adapter';
import { originalParams } from './request-normalizer';
import { splitScope } from './scopes';
import type { ClientAuthThrottle } from './auth-throttle';

/**
 * Turns each engine request into an activity event: what the client asked,
 * what it got, and when it failed, the OAuth error it was sent plus the
 * engine's internal reason. Recorded inside the request's unit of work, so an
 * event never claims a change that was not committed.
 */

type EngineError = { error?: string; error_description?: string; error_detail?: string; message?: string };

const ERROR_EVENTS = [
  'grant.error',
  'authorization.error',
  'registration_create.error',
  'registration_update.error',
  'registration_delete.error',
  'registration_read.error',
  'introspection.error',
  'revocation.error',
  'server_error',
];

/** A token's label; for a token this request issued or looked up, from the storage key it already has. */
const fingerprint = (value: unknown) => {
  if (typeof value !== 'string' || !value) return undefined;
  const known = knownTokenKey(value);
  return known ? fingerprintOfKey(known) : tokenFingerprint(value);
};

function reasonOf(error: EngineError | undefined): string | undefined {
  if (!error) return undefined;
  return error.error_detail || error.error_description || error.message;
}

export function installEngineActivity(provider: Provider, events: EventLog, throttle?: ClientAuthThrottle): void {
  const errors = new WeakMap<object, EngineError>();
  for (const name of ERROR_EVENTS) {
    (provider as unknown as { on(event: string, listener: (ctx: object, error: EngineError) => void): void }).on(name, (ctx, error) =>
      errors.set(ctx, error),
    );
  }

  provider.use(async (ctx, next) => {
    await next();
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    const event = describe(oidcCtx, errors.get(ctx));
    for (const item of event) {
      events.record(item);
      if (item.type === 'client.authentication_failed' && item.clientId) throttle?.failed(item.clientId);
    }
    const clientId = oidcCtx.oidc?.client?.clientId;
    if (clientId && ctx.status < 400 && oidcCtx.oidc.route === 'token') throttle?.succeeded(clientId);
  });
}

function describe(ctx: KoaContextWithOIDC, error: EngineError | undefined): NewEvent[] {
  const route = ctx.oidc?.route;
  if (!route) return [];
  const params = (ctx.oidc.params ?? {}) as Record<string, unknown>;
  const { entities } = ctx.oidc;
  const clientId = (ctx.oidc.client?.clientId ?? (typeof params.client_id === 'string' ? params.client_id : null)) || null;
  const accountId = entities.Account?.accountId ?? entities.Grant?.accountId ?? ctx.oidc.session?.accountId ?? null;
  const body = (ctx.body ?? {}) as Record<string, unknown>;
  const failed = ctx.status >= 400 || error !== undefined;
  const base = { clientId, accountId };
  const failure = (type: NewEvent['type'], summary: string, data: Record<string, unknown> = {}): NewEvent => ({
    ...base,
    type,
    outcome: 'failure',
    summary,
    error: error?.error ?? (typeof body.error === 'string' ? body.error : null),
    reason: reasonOf(error) ?? (typeof body.error_description === 'string' ? body.error_description : null),
    data,
  });

  switch (route) {
    case 'authorization': {
      // What the client sent, before our scope/resource normalisation.
      const sent = originalParams(ctx.req) ?? Object.fromEntries(new URLSearchParams(ctx.querystring));
      const data = {
        redirectUri: sent.redirect_uri ?? null,
        requestedScope: sent.scope ?? null,
        grantedScope: typeof params.scope === 'string' ? params.scope : null,
        resource: sent.resource ?? null,
        pkceMethod: sent.code_challenge ? (sent.code_challenge_method ?? 'plain') : null,
        statePresent: Boolean(sent.state),
        prompt: sent.prompt ?? null,
        responseType: sent.response_type ?? null,
      };
      if (failed) return [failure('authorization.requested', `Authorization request refused: ${error?.error ?? body.error ?? 'error'}`, data)];
      const requested: NewEvent = { ...base, type: 'authorization.requested', outcome: 'info', summary: 'Authorization requested', data };
      const location = String(ctx.response.get('Location') ?? '');
      return location.includes('code=') ? [requested, completed(ctx, base)] : [requested];
    }
    case 'resume': {
      const location = String(ctx.response.get('Location') ?? '');
      // After sign-in the browser may go on to the consent page: nothing to record yet.
      if (!failed && !location.includes('code=') && !location.includes('error=')) return [];
      if (failed || location.includes('error=')) {
        const location = URL.parse(String(ctx.response.get('Location') ?? ''));
        const code = error?.error ?? location?.searchParams.get('error') ?? 'error';
        return [
          {
            ...base,
            type: 'authorization.failed',
            outcome: 'failure',
            summary: `Authorization ended with ${code}`,
            error: code,
            reason: reasonOf(error) ?? location?.searchParams.get('error_description') ?? null,
          },
        ];
      }
      return [completed(ctx, base)];
    }
    case 'token':
      return [tokenEvent(ctx, params, base, error, failed, failure)];
    case 'registration':
      if (failed) return [failure('client.registration_failed', `Registration refused: ${error?.error ?? body.error}`)];
      return [
        {
          ...base,
          clientId: typeof body.client_id === 'string' ? body.client_id : clientId,
          type: 'client.registered',
          outcome: 'success',
          summary: `Registered itself (DCR) as “${String(body.client_name ?? body.client_id)}”`,
          data: {
            method: 'dynamic',
            redirectUris: body.redirect_uris,
            grantTypes: body.grant_types,
            tokenEndpointAuthMethod: body.token_endpoint_auth_method,
            applicationType: body.application_type,
            softwareId: body.software_id ?? null,
            scope: body.scope ?? null,
          },
        },
      ];
    case 'client_update':
      return failed ? [failure('client.updated', 'Registration update refused')] : [{ ...base, type: 'client.updated', outcome: 'success', summary: 'Updated its registration (RFC 7592)' }];
    case 'client_delete':
      return failed ? [] : [{ ...base, type: 'client.deleted', outcome: 'success', summary: 'Deleted its registration (RFC 7592)' }];
    case 'introspection':
      if (failed) return [failure(error?.error === 'invalid_client' ? 'client.authentication_failed' : 'token.introspected', 'Introspection refused')];
      return [
        {
          ...base,
          type: 'token.introspected',
          outcome: 'info',
          summary: `Introspected a token: ${body.active ? 'active' : 'inactive'}`,
          data: { active: Boolean(body.active), token: fingerprint(params.token) },
        },
      ];
    case 'revocation':
      if (failed) return [failure(error?.error === 'invalid_client' ? 'client.authentication_failed' : 'token.revoked', 'Revocation refused')];
      return [
        {
          ...base,
          type: 'token.revoked',
          outcome: 'success',
          summary: 'Revoked a token',
          data: { token: fingerprint(params.token), hint: params.token_type_hint ?? null },
        },
      ];
    default:
      return [];
  }
}

function completed(ctx: KoaContextWithOIDC, base: { clientId: string | null; accountId: string | null }): NewEvent {
  const code = ctx.oidc.entities.AuthorizationCode as { scope?: string } | undefined;
  return {
    ...base,
    accountId: ctx.oidc.session?.accountId ?? base.accountId,
    type: 'authorization.completed',
    outcome: 'success',
    summary: 'Authorization code issued',
    data: { scopes: splitScope(code?.scope) },
  };
}

function tokenEvent(
  ctx: KoaContextWithOIDC,
  params: Record<string, unknown>,
  base: { clientId: string | null; accountId: string | null },
  error: EngineError | undefined,
  failed: boolean,
  failure: (type: NewEvent['type'], summary: string, data?: Record<string, unknown>) => NewEvent,
): NewEvent {
  const grantType = typeof params.grant_type === 'string' ? params.grant_type : null;
  if (failed) {
    const detail = reasonOf(error) ?? '';
    if (error?.error === 'invalid_client') return failure('client.authentication_failed', 'Client authentication failed at the token endpoint', { grantType });
    if (/refresh token already used/.test(detail)) {
      return failure('token.refresh_reuse', 'A rotated refresh token was used again: the whole grant was revoked', {
        grantType,
        refreshToken: fingerprint(params.refresh_token),
      });
    }
    if (/already consumed/.test(detail)) {
      return failure('token.code_reuse', 'An authorization code was used twice: its tokens were revoked', { grantType });
    }
    return failure('token.request_failed', `Token request refused: ${error?.error ?? 'error'}`, { grantType });
  }
  const { entities } = ctx.oidc;
  const access = (entities.AccessToken ?? entities.ClientCredentials) as { jti?: string; scope?: string; expiration?: number } | undefined;
  const refresh = entities.RefreshToken as { jti?: string } | undefined;
  const rotated = entities.RotatedRefreshToken as { jti?: string } | undefined;
  const data = {
    grantType,
    scopes: splitScope(access?.scope),
    accessToken: fingerprint(access?.jti),
    refreshToken: fingerprint(refresh?.jti),
    expiresIn: access?.expiration ?? null,
    resource: typeof params.resource === 'string' ? params.resource : null,
  };
  if (grantType === 'refresh_token') {
    return {
      ...base,
      type: 'token.refreshed',
      outcome: 'success',
      summary: 'Refreshed: new access token, refresh token rotated',
      data: { ...data, previousRefreshToken: fingerprint(rotated?.jti) },
    };
  }
  return {
    ...base,
    type: 'token.issued',
    outcome: 'success',
    summary: grantType === 'client_credentials' ? 'Access token issued (client credentials)' : 'Tokens issued for an authorization code',
    data,
  };
}
