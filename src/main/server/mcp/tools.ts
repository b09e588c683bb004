import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { z } from 'zod';
import { SCOPES } from '../oauth/scopes';

export const SERVER_INFO = { name: 'mcp-auth-desk', version: '0.1.0' } as const;

/** The scope each tool needs; a token without it gets 403 insufficient_scope before the tool runs. */
export const TOOL_SCOPES: Readonly<Record<string, string>> = {
  whoami: SCOPES.whoami,
  echo: SCOPES.echo,
};

/** Facts about the caller that `whoami` reports, taken from the token the request carried. */
export interface CallerIdentity {
  username: string | null;
  displayName: string | null;
  accountId: string | null;
  clientId: string;
  scopes: string[];
  aud: string;
  expiresAt: number;
  grantType: 'authorization_code' | 'client_credentials';
}

function identityOf(authInfo: AuthInfo | undefined): CallerIdentity {
  const identity = authInfo?.extra?.identity as CallerIdentity | undefined;
  if (!identity) throw new Error('no verified caller on this request');
  return identity;
}

/**
 * A fresh MCP server per request (the endpoint is stateless, so any instance can
 * answer any request, before and after a restart).
 */
export function createMcpServer(): McpServer {
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: 'Test tools of MCP Auth Desk: whoami shows what your access token says; echo returns its text.',
  });
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
