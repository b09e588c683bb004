import type { ServerResponse } from 'node:http';
import { sendJson } from '../http/body';
import type { McpResource } from '../oauth/resources';
import { RESOURCE_SCOPES } from '../oauth/scopes';
import { MCP_PATH } from '../defaults';

export const PRM_PATH = `/.well-known/oauth-protected-resource${MCP_PATH}`;
export const PRM_ROOT_PATH = '/.well-known/oauth-protected-resource';

export function protectedResourceMetadataUrl(host: string): string {
  return `http://${host}${PRM_PATH}`;
}

/**
 * RFC 9728 Protected Resource Metadata. `resource` is the MCP URL with the host
 * the client used, so clients that compare it strictly with the URL they were
 * given (VS Code, the SDKs) accept it under every loopback alias.
 * `authorization_servers[0]` is byte-identical to the issuer.
 */
export function sendProtectedResourceMetadata(res: ServerResponse, host: string, resource: McpResource, issuer: string): void {
  sendJson(
    res,
    200,
    {
      resource: resource.forHost(host),
      authorization_servers: [issuer],
      scopes_supported: [...RESOURCE_SCOPES],
      bearer_methods_supported: ['header'],
      resource_name: 'MCP Auth Desk test server',
      resource_documentation: `http://${host}/`,
    },
    { 'Cache-Control': 'max-age=60' },
  );
}
