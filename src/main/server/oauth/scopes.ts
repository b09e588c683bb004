/**
 * Scopes of the built-in MCP resource and the policy for requested scopes.
 *
 * MCP clients ask for scopes we do not know (`openid profile email`, mcp-remote's
 * fallback; `offline_access`, SDK v2), or for none at all. Neither should fail
 * the request: unknown scopes are dropped, and a request left with no known
 * scope gets the resource's default scopes.
 */

export const SCOPES = {
  whoami: 'mcp:whoami',
  echo: 'mcp:echo',
} as const;

export const RESOURCE_SCOPES: readonly string[] = [SCOPES.whoami, SCOPES.echo];
export const DEFAULT_SCOPES: readonly string[] = RESOURCE_SCOPES;

const KNOWN = new Set(RESOURCE_SCOPES);

export function splitScope(scope: string | null | undefined): string[] {
  return scope ? scope.split(' ').filter(Boolean) : [];
}

/** Known scopes of `requested` in request order, or the default scopes when none is known. */
export function effectiveScopes(requested: string | null | undefined): string[] {
  const known = [...new Set(splitScope(requested).filter((scope) => KNOWN.has(scope)))];
  return known.length > 0 ? known : [...DEFAULT_SCOPES];
}

export function isResourceScope(scope: string): boolean {
  return KNOWN.has(scope);
}
