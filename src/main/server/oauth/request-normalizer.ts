import type { McpResource } from './resources';
import { effectiveScopes } from './scopes';

/**
 * What we settle about an OAuth request before the engine sees it, because the
 * engine has no hook early enough:
 *
 * - `scope` at /authorize: unknown scopes are dropped and an empty result gets
 *   the default scopes (MCP clients send `openid profile email`, or nothing);
 * - `resource` anywhere: a trailing-slash variant of our resource is our
 *   resource, so the code, the token and its audience all carry one spelling.
 *
 * A parameter that appears more than once is left alone: the engine refuses
 * duplicates with `invalid_request`, and we must not hide them.
 */

const originals = new WeakMap<object, Record<string, string>>();

/** Keeps what the client actually sent (for the activity log), before we normalise it. */
export function rememberOriginalParams(request: object, search: string): void {
  originals.set(request, Object.fromEntries(new URLSearchParams(search)));
}

export function originalParams(request: object): Record<string, string> | undefined {
  return originals.get(request);
}

function normalizeResources(params: URLSearchParams, resource: McpResource): boolean {
  const values = params.getAll('resource');
  if (values.length !== 1) return false;
  const resolved = resource.resolve(values[0]!);
  if (resolved === undefined || resolved === values[0]) return false;
  params.set('resource', resolved);
  return true;
}

/** Returns the rewritten query string for GET /authorize, or undefined when nothing changes. */
export function normalizeAuthorizationQuery(search: string, resource: McpResource): string | undefined {
  const params = new URLSearchParams(search);
  let changed = normalizeResources(params, resource);
  const scopes = params.getAll('scope');
  if (scopes.length <= 1) {
    const scope = effectiveScopes(scopes[0]).join(' ');
    if (scope !== scopes[0]) {
      params.set('scope', scope);
      changed = true;
    }
  }
  return changed ? params.toString() : undefined;
}

/** Returns the rewritten form body for POST /token, or undefined when nothing changes. */
export function normalizeTokenForm(body: string, resource: McpResource): string | undefined {
  const params = new URLSearchParams(body);
  return normalizeResources(params, resource) ? params.toString() : undefined;
}
