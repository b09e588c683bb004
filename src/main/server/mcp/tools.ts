import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallerIdentity } from './tool-scopes';
import { SERVER_VERSION } from '../defaults';

export const SERVER_INFO = { name: 'mcp-auth-desk', version: SERVER_VERSION } as const;

export interface McpRuntime {
  createMcpServer(): McpServer;
  createTransport(): StreamableHTTPServerTransport;
}

let loading: Promise<McpRuntime> | undefined;

/**
 * The MCP SDK takes about a third of a second to load. It is loaded on first use
 * (or shortly after start), not at start, so the authorization server answers
 * at once.
 */
export function loadMcpRuntime(): Promise<McpRuntime> {
  loading ??= (async () => {
    const [{ McpServer }, { StreamableHTTPServerTransport }, { AjvJsonSchemaValidator }, { z }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/mcp.js'),
      import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
      import('@modelcontextprotocol/sdk/validation/ajv'),
      import('zod'),
    ]);
    // One JSON Schema validator for every per-request server: each McpServer
    // would otherwise build its own Ajv instance, a third of a request's CPU.
    const options = { ...serverOptions, jsonSchemaValidator: new AjvJsonSchemaValidator() };
    return {
      createMcpServer: () => registerTools(new McpServer(SERVER_INFO, options), z),
      createTransport: () => new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true }),
    };
  })();
  return loading;
}

const serverOptions = {
  capabilities: { tools: {} },
  instructions: 'Test tools of MCP Auth Desk: whoami shows what your access token says; echo returns its text.',
};

function identityOf(authInfo: AuthInfo | undefined): CallerIdentity {
  const identity = authInfo?.extra?.identity as CallerIdentity | undefined;
  if (!identity) throw new Error('no verified caller on this request');
  return identity;
}

/**
 * The tools, on a fresh MCP server per request (the endpoint is stateless, so any
 * instance can answer any request, before and after a restart).
 */
function registerTools(server: McpServer, z: typeof import('zod').z): McpServer {
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description: 'Describe the caller as the access token presents it: user, client, scopes and audience.',
      inputSchema: {},
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (_args, extra) => {
      const identity = identityOf(extra.authInfo);
      return {
        content: [
          {
            type: 'text',
            text: JSON.stringify({
              username: identity.username,
              display_name: identity.displayName,
              account_id: identity.accountId,
              client_id: identity.clientId,
              scopes: identity.scopes,
              aud: identity.aud,
              grant_type: identity.grantType,
              expires_at: new Date(identity.expiresAt).toISOString(),
            }),
          },
        ],
      };
    },
  );
  server.registerTool(
    'echo',
    {
      title: 'Echo',
      description: 'Return the given text unchanged.',
      inputSchema: { text: z.string().max(10_000).describe('Text to send back') },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}
