import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AccessTokenLookup, StoredAccessToken } from '../../store/access-tokens';
import type { EventLog } from '../../store/events';
import { tokenFingerprint } from '../../store/hashing';
import { HttpError, readBody, sendJson } from '../http/body';
import type { McpResource } from '../oauth/resources';
import { DEFAULT_SCOPES } from '../oauth/scopes';
import { protectedResourceMetadataUrl } from './resource-metadata';
import { TOOL_SCOPES, type CallerIdentity } from './tool-scopes';
import { loadMcpRuntime } from './tools';

/** JSON-RPC bodies may carry tool arguments; allow more than OAuth forms need. */
const MAX_MCP_BODY_BYTES = 1024 * 1024;

export interface McpEndpointDeps {
  tokens: AccessTokenLookup;
  events: EventLog;
  resource: McpResource;
  now: () => number;
  /** Bench-only: serve /mcp without authentication, to measure what authentication costs. */
  authenticationDisabled?: boolean;
}

interface Verified {
  token: string;
  stored: StoredAccessToken;
  audience: string;
}

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** "tools/call whoami", "initialize"... for each JSON-RPC message of the body. */
function methodsOf(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages
    .map((message) => {
      const m = message as { method?: unknown; params?: { name?: unknown } } | null;
      if (typeof m?.method !== 'string') return '';
      return m.method === 'tools/call' && typeof m.params?.name === 'string' ? `tools/call ${m.params.name}` : m.method;
    })
    .filter(Boolean)
    .slice(0, 10);
}

function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/** The protected MCP endpoint: bearer token check, per-tool scope check, then the MCP SDK's Streamable HTTP transport. */
export function createMcpEndpoint(deps: McpEndpointDeps) {
  const { tokens, resource } = deps;
  // Load the MCP SDK in the background once start-up is done (see loadMcpRuntime).
  setTimeout(() => void loadMcpRuntime(), 300).unref();

  function challenge(host: string, error?: { code: string; description: string; scope?: string }): string {
    const parts = [`resource_metadata="${protectedResourceMetadataUrl(host)}"`];
    if (error) parts.push(`error="${error.code}"`, `error_description="${error.description}"`);
    parts.push(`scope="${error?.scope ?? DEFAULT_SCOPES.join(' ')}"`);
    return `Bearer ${parts.join(', ')}`;
  }

  function unauthorized(res: ServerResponse, host: string, description?: string, token?: string): void {
    const owner = token ? tokens.owner(token) : undefined;
    const expired = owner?.expiresAt !== null && owner?.expiresAt !== undefined && owner.expiresAt <= deps.now();
    deps.events.record({
      type: 'mcp.refused',
      outcome: 'failure',
      clientId: owner?.clientId ?? null,
      accountId: owner?.accountId ?? null,
      summary: `401 from /mcp: ${description ?? 'no access token'}`,
      error: description ? 'invalid_token' : null,
      reason: token ? (owner ? (expired ? 'the access token expired' : 'the token is not valid here') : 'no such token (never issued, revoked, or purged)') : 'no Authorization header',
      data: { status: 401, token: token ? tokenFingerprint(token) : null },
    });
    const header = description ? challenge(host, { code: 'invalid_token', description }) : challenge(host);
    sendJson(res, 401, jsonRpcError(-32001, description ? `Unauthorized: ${description}` : 'Unauthorized: an access token is required'), {
      'WWW-Authenticate': header,
    });
  }

  function verify(req: IncomingMessage, res: ServerResponse, host: string): Verified | undefined {
    const header = req.headers.authorization;
    if (!header) {
      unauthorized(res, host);
      return undefined;
    }
    const match = BEARER.exec(header);
    if (!match) {
      unauthorized(res, host, 'the Authorization header is not a Bearer token');
      return undefined;
    }
    const token = match[1]!;
    const stored = tokens.find(token, deps.now());
    if (!stored) {
      unauthorized(res, host, 'the access token is invalid, expired or revoked', token);
      return undefined;
    }
    const audience = stored.audience.find((aud) => resource.resolve(aud) !== undefined);
    if (!audience) {
      unauthorized(res, host, 'the access token was not issued for this resource', token);
      return undefined;
    }
    return { token, stored, audience };
  }

  function identity(verified: Verified): CallerIdentity {
    const { stored } = verified;
    return {
      username: stored.username,
      displayName: stored.displayName,
      accountId: stored.accountId,
      clientId: stored.clientId,
      scopes: stored.scopes,
      aud: verified.audience,
      expiresAt: stored.expiresAt,
      grantType: stored.kind === 'ClientCredentials' ? 'client_credentials' : 'authorization_code',
    };
  }

  /** The first tool call in the message(s) whose scope the token lacks. */
  function missingScope(body: unknown, scopes: readonly string[]): string | undefined {
    const messages = Array.isArray(body) ? body : [body];
    for (const message of messages) {
      const m = message as { method?: unknown; params?: { name?: unknown } } | null;
      if (m?.method !== 'tools/call' || typeof m.params?.name !== 'string') continue;
      const required = TOOL_SCOPES[m.params.name];
      if (required && !scopes.includes(required)) return required;
    }
    return undefined;
  }

  return async function handleMcp(req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
    let verified: Verified | undefined;
    if (!deps.authenticationDisabled) {
      verified = verify(req, res, host);
      if (!verified) return;
    }
    if (req.method !== 'POST') {
      // Stateless endpoint: no standalone SSE stream (GET) and no session to end (DELETE).
      sendJson(res, 405, jsonRpcError(-32000, 'Method not allowed: this endpoint is stateless; send JSON-RPC with POST'), {
        Allow: 'POST, OPTIONS',
      });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, MAX_MCP_BODY_BYTES)).toString('utf8'));
    } catch (error) {
      if (error instanceof HttpError) sendJson(res, error.status, jsonRpcError(-32600, error.message));
      else sendJson(res, 400, jsonRpcError(-32700, 'Parse error: the body is not JSON'));
      return;
    }
    if (verified) {
      const required = missingScope(body, verified.stored.scopes);
      if (required) {
        const scope = [...new Set([...verified.stored.scopes, required])].join(' ');
        deps.events.record({
          type: 'mcp.refused',
          outcome: 'failure',
          clientId: verified.stored.clientId,
          accountId: verified.stored.accountId,
          summary: `403 from /mcp: the token lacks ${required}`,
          error: 'insufficient_scope',
          reason: `tools/call needs ${required}; the token has ${verified.stored.scopes.join(' ') || 'no scope'}`,
          data: { status: 403, requiredScope: required, tokenScopes: verified.stored.scopes, methods: methodsOf(body) },
        });
        sendJson(res, 403, jsonRpcError(-32003, `Forbidden: this tool needs the ${required} scope`), {
          'WWW-Authenticate': challenge(host, {
            code: 'insufficient_scope',
            description: `this tool needs the ${required} scope`,
            scope,
          }),
        });
        return;
      }
      const authInfo: AuthInfo = {
        token: verified.token,
        clientId: verified.stored.clientId,
        scopes: verified.stored.scopes,
        expiresAt: Math.floor(verified.stored.expiresAt / 1000),
        resource: new URL(verified.audience),
        extra: { identity: identity(verified) },
      };
      (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfo;
    } else {
      (req as IncomingMessage & { auth?: AuthInfo }).auth = {
        token: '',
        clientId: 'anonymous',
        scopes: [...DEFAULT_SCOPES],
        extra: {
          identity: {
            username: null, displayName: null, accountId: null, clientId: 'anonymous',
            scopes: [...DEFAULT_SCOPES], aud: resource.forHost(host), expiresAt: deps.now(), grantType: 'client_credentials',
          } satisfies CallerIdentity,
        },
      };
    }
    const runtime = await loadMcpRuntime();
    const server = runtime.createMcpServer();
    const transport = runtime.createTransport();
    // Closing the server closes its transport too (each close builds an error for pending requests: once is enough).
    res.on('close', () => void server.close());
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    if (verified) {
      const methods = methodsOf(body);
      deps.events.record({
        type: 'mcp.accepted',
        outcome: res.statusCode < 400 ? 'success' : 'failure',
        clientId: verified.stored.clientId,
        accountId: verified.stored.accountId,
        summary: `${methods.join(', ') || 'request'} → ${res.statusCode}`,
        data: { status: res.statusCode, methods, token: verified.stored.fingerprint },
      });
    }
  };
}
