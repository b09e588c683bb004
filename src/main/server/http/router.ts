import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { MCP_PATH } from '../defaults';
import { PAGES_CSS, sendPage } from '../interaction/html';
import { errorPage } from '../interaction/pages';
import { landingPage } from './landing';
import { ROUTES } from '../oauth/provider';
import { normalizeAuthorizationQuery, normalizeTokenForm, rememberOriginalParams } from '../oauth/request-normalizer';
import type { McpResource } from '../oauth/resources';
import { metadataShapeProblem, type DcrPolicy, type DcrRefusal } from '../oauth/dcr-policy';
import { requestingClientId, type ClientAuthThrottle } from '../oauth/auth-throttle';
import { PRM_PATH, PRM_ROOT_PATH, sendProtectedResourceMetadata } from '../mcp/resource-metadata';
import { HttpError, mediaType, readBody, replayRequest, sendJson, sendText } from './body';
import {
  CORS_MCP,
  CORS_OAUTH,
  answerPreflight,
  checkHost,
  originVerdict,
  setBaselineHeaders,
  approvedOrigins,
  setCorsHeaders,
  type CorsPolicy,
} from './guards';

/**
 * The one request handler of the server. Every request passes the Host and
 * Origin checks and gets its CORS answer here, before any route (the engine's
 * own CORS would admit any origin). Then it goes to the protected-resource
 * metadata, the MCP endpoint, the sign-in/consent pages, or the engine.
 */

export interface RouterDeps {
  provider: Provider;
  issuer: string;
  resource: McpResource;
  hosts: Set<string>;
  handleMcp: (req: IncomingMessage, res: ServerResponse, host: string) => Promise<void>;
  handleInteraction: (req: IncomingMessage, res: ServerResponse, path: string, host: string) => Promise<boolean>;
  /** The admin's policy for self-registration, checked before the engine. */
  dcrPolicy: DcrPolicy;
  /** Refuses clients that failed authentication too often (fed by the engine's client_auth failures). */
  authThrottle: ClientAuthThrottle;
  /** The admin UI and its HTTP bridge (browser mode); absent in the desktop app. */
  handleAdmin?: (req: IncomingMessage, res: ServerResponse, path: string, host: string) => Promise<boolean>;
  onError: (error: unknown) => void;
  /** For the activity log: a registration our policy refused before the engine saw it. */
  onRegistrationRefused?: (refusal: DcrRefusal) => void;
  /** For the activity log: an authorization request refused before the engine saw it. */
  onAuthorizationRefused?: (reason: string, clientId: string | null) => void;
}


const ENGINE_PATHS = new Set<string>([
  ROUTES.token,
  ROUTES.registration,
  ROUTES.revocation,
  ROUTES.introspection,
  ROUTES.jwks,
  '/.well-known/oauth-authorization-server',
  '/.well-known/openid-configuration',
]);

type Route =
  | { kind: 'prm' }
  | { kind: 'mcp' }
  | { kind: 'engine'; cors: boolean }
  | { kind: 'interaction' }
  | { kind: 'static' }
  | { kind: 'landing' }
  | { kind: 'admin' }
  | { kind: 'well-known-missing' }
  | { kind: 'not-found' };

function classify(path: string): Route {
  if (path === PRM_PATH || path === PRM_ROOT_PATH) return { kind: 'prm' };
  if (path === MCP_PATH) return { kind: 'mcp' };
  if (ENGINE_PATHS.has(path) || path.startsWith(`${ROUTES.registration}/`)) return { kind: 'engine', cors: true };
  if (path === ROUTES.authorization || path.startsWith(`${ROUTES.authorization}/`)) return { kind: 'engine', cors: false };
  if (path.startsWith('/interaction/')) return { kind: 'interaction' };
  if (path === '/static/pages.css') return { kind: 'static' };
  if (path === '/') return { kind: 'landing' };
  if (path === '/admin' || path.startsWith('/admin/')) return { kind: 'admin' };
  if (path.startsWith('/.well-known/')) return { kind: 'well-known-missing' };
  return { kind: 'not-found' };
}

/** Endpoints where a client authenticates. */
const CLIENT_AUTH_PATHS = new Set<string>([ROUTES.token, ROUTES.introspection, ROUTES.revocation]);

/** Authorization parameters that must appear at most once (`resource` may repeat, RFC 8707). */
const SINGLE_VALUED = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'prompt', 'nonce', 'response_mode', 'max_age', 'login_hint'];

function repeatedParameter(query: string): string | undefined {
  const params = new URLSearchParams(query);
  return SINGLE_VALUED.find((name) => params.getAll(name).length > 1);
}

function corsPolicy(route: Route): CorsPolicy | undefined {
  switch (route.kind) {
    case 'mcp':
      return CORS_MCP;
    case 'prm':
    case 'well-known-missing':
      return CORS_OAUTH;
    case 'engine':
      return route.cors ? CORS_OAUTH : undefined;
    default:
      return undefined;
  }
}

export function createRouter(deps: RouterDeps) {
  const engine = deps.provider.callback();

  async function toEngine(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let request = req;
    if (req.method === 'GET' && path === ROUTES.authorization) {
      const queryStart = req.url!.indexOf('?');
      const query = queryStart === -1 ? '' : req.url!.slice(queryStart + 1);
      const repeated = repeatedParameter(query);
      if (repeated) {
        // With two redirect_uris (or states...) there is no single place to send the error, nor
        // a state to echo: say it on a page (RFC 9700, SECURITY_CASES C.26).
        sendPage(res, 400, 'Invalid request', errorPage('Invalid request', `The parameter ${repeated} was given more than once.`, 'OAuth error: invalid_request'));
        deps.onAuthorizationRefused?.(`the parameter ${repeated} was given more than once`, new URLSearchParams(query).get('client_id'));
        return;
      }
      rememberOriginalParams(req, query);
      const normalized = normalizeAuthorizationQuery(query, deps.resource);
      if (normalized !== undefined) req.url = `${path}?${normalized}`;
    } else if (req.method === 'POST' && CLIENT_AUTH_PATHS.has(path) && mediaType(req) === 'application/x-www-form-urlencoded') {
      const body = await readBody(req);
      const clientId = requestingClientId(req.headers.authorization, () => new URLSearchParams(body.toString('utf8')));
      const retryAfter = clientId ? deps.authThrottle.retryAfter(clientId) : 0;
      if (retryAfter > 0) {
        sendJson(
          res,
          429,
          { error: 'temporarily_unavailable', error_description: `too many failed client authentications; try again in ${retryAfter} s` },
          { 'Retry-After': String(retryAfter), 'Cache-Control': 'no-store' },
        );
        return;
      }
      const normalized = path === ROUTES.token ? normalizeTokenForm(body.toString('utf8'), deps.resource) : undefined;
      request = replayRequest(req, normalized === undefined ? body : Buffer.from(normalized, 'utf8'));
    } else if (req.method !== 'POST' && CLIENT_AUTH_PATHS.has(path)) {
      // RFC 6749 §3.2: the token endpoint (and its siblings) take POST only.
      sendJson(res, 400, { error: 'invalid_request', error_description: `${path} accepts POST only` }, { 'Cache-Control': 'no-store', Allow: 'POST' });
      return;
    } else if (req.method === 'POST' && path === ROUTES.registration) {
      const body = await readBody(req);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined; // the engine answers a body that is not JSON
      }
      const refusal = deps.dcrPolicy.check(parsed);
      if (refusal) {
        sendJson(res, refusal.status, { error: refusal.error, error_description: refusal.description }, {
          'Cache-Control': 'no-store',
          ...refusal.headers,
        });
        deps.onRegistrationRefused?.(refusal);
        return;
      }
      request = replayRequest(req, body);
    } else if (req.method === 'PUT' && path.startsWith(`${ROUTES.registration}/`) && mediaType(req) === 'application/json') {
      // RFC 7592 updates carry the same metadata: the same shape check.
      const body = await readBody(req);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const refusal = metadataShapeProblem(parsed);
      if (refusal) {
        sendJson(res, refusal.status, { error: refusal.error, error_description: refusal.description }, { 'Cache-Control': 'no-store' });
        return;
      }
      request = replayRequest(req, body);
    }
    await engine(request, res);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setBaselineHeaders(res);
    const host = checkHost(req, deps.hosts);
    if (!host) {
      // DNS rebinding: a page on another name resolved to 127.0.0.1.
      sendText(res, 403, 'Forbidden: this server answers only to its loopback names (Host header refused).\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const target = classify(path);
    const policy = corsPolicy(target);
    const originOk = originVerdict(req);
    const origin = req.headers.origin;

    if (req.method === 'OPTIONS') {
      if (policy && originOk === true) answerPreflight(res, origin!, policy);
      else sendText(res, 403, 'Forbidden: cross-origin requests are accepted only from loopback origins.\n');
      return;
    }
    const unsafeMethod = req.method !== 'GET' && req.method !== 'HEAD';
    if (originOk === false && (unsafeMethod || target.kind === 'mcp')) {
      sendJson(res, 403, { error: 'access_denied', error_description: `requests from origin ${origin} are not accepted` });
      return;
    }
    if (policy && originOk === true) {
      setCorsHeaders(res, origin!, policy);
      approvedOrigins.set(res, origin!);
    }

    switch (target.kind) {
      case 'prm':
        if (unsafeMethod) return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET, HEAD, OPTIONS' });
        return sendProtectedResourceMetadata(res, host, deps.resource, deps.issuer);
      case 'mcp':
        return deps.handleMcp(req, res, host);
      case 'engine':
        return toEngine(req, res, path);
      case 'interaction':
        if (await deps.handleInteraction(req, res, path, host)) return;
        break;
      case 'static':
        res.setHeader('Content-Type', 'text/css; charset=utf-8');
        res.setHeader('Cache-Control', 'max-age=3600');
        res.end(PAGES_CSS);
        return;
      case 'landing':
        return landingPage(res, host, deps.resource, deps.issuer);
      case 'admin':
        if (deps.handleAdmin && (await deps.handleAdmin(req, res, path, host))) return;
        break;
      case 'well-known-missing':
        // 404, never 5xx: the MCP SDK moves on to the next discovery URL only on a 4xx.
        return sendJson(res, 404, { error: 'not_found', error_description: `${path} is not served here` });
      default:
        break;
    }
    sendPage(res, 404, 'Not found', errorPage('Not found', `Nothing is served at ${path}.`));
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    route(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        if (!res.headersSent) sendJson(res, error.status, { error: error.code, error_description: error.message });
        else res.destroy();
        return;
      }
      deps.onError(error);
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error', error_description: 'an unexpected error occurred' });
      else res.destroy();
    });
  };
}
