/**
 * Our redirect URI rules, the same for every client whatever `application_type`
 * it declares (the engine has different rules for `web` and `native`, and most
 * MCP clients declare neither):
 *
 * - registration: http only on a loopback host; https anywhere; private-use
 *   schemes such as `cursor://`; never a fragment or a scheme that runs code or
 *   reads local data (RFC 8252 §7, RFC 9700 §2.6, SECURITY_CASES A.2–A.4);
 * - authorization: exact string match, except that a loopback http URI matches
 *   a registered one on any port, and a registered port-less loopback URI
 *   matches every port (RFC 8252 §7.3). Host, path and query must match
 *   exactly: `127.0.0.1`, `localhost` and `[::1]` are different hosts.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'vbscript:', 'data:', 'blob:', 'file:', 'about:']);

/** Why a redirect URI cannot be registered, or undefined when it can. Messages start with the field name. */
export function redirectUriProblem(uri: unknown, label = 'redirect_uris'): string | undefined {
  if (typeof uri !== 'string' || uri.length === 0) return `${label} must only contain non-empty strings`;
  if (uri !== uri.trim()) return `${label} must not have leading or trailing whitespace`;
  const parsed = URL.parse(uri);
  if (!parsed) return `${label} must only contain valid absolute URIs`;
  if (uri.includes('#')) return `${label} must not contain fragments`;
  if (FORBIDDEN_SCHEMES.has(parsed.protocol)) return `${label} must not use the ${parsed.protocol.slice(0, -1)} scheme`;
  if (parsed.protocol === 'http:' && !LOOPBACK_HOSTS.has(parsed.hostname)) {
    return `${label} using http must be on a loopback host (127.0.0.1, [::1] or localhost); use https otherwise`;
  }
  if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && (parsed.username || parsed.password)) {
    return `${label} must not contain user information`;
  }
  return undefined;
}

/**
 * The URI with the port of its loopback authority removed, compared as raw text
 * so that `HTTP://`, `127.000.000.001` or a changed host never match. Undefined
 * when the URI is not an http loopback URI.
 */
export function withoutLoopbackPort(uri: string): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed || parsed.protocol !== 'http:' || !LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  if (!uri.startsWith('http://')) return undefined;
  const authorityStart = 'http://'.length;
  const rest = uri.slice(authorityStart);
  const authorityLength = rest.search(/[/?#]/);
  const authority = authorityLength === -1 ? rest : rest.slice(0, authorityLength);
  const tail = authorityLength === -1 ? '' : rest.slice(authorityLength);
  if (authority.includes('@')) return undefined;
  let host = authority;
  if (authority.startsWith('[')) {
    const end = authority.indexOf(']');
    if (end === -1) return undefined;
    host = authority.slice(0, end + 1);
    if (authority.length > end + 1 && !/^:\d*$/.test(authority.slice(end + 1))) return undefined;
  } else {
    const colon = authority.indexOf(':');
    if (colon !== -1) {
      if (!/^\d*$/.test(authority.slice(colon + 1))) return undefined;
      host = authority.slice(0, colon);
    }
  }
  return `http://${host}${tail}`;
}

export function redirectUriMatches(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  const requestedBase = withoutLoopbackPort(requested);
  if (requestedBase === undefined) return false;
  return registered.some((uri) => withoutLoopbackPort(uri) === requestedBase);
}

export function isLoopbackRedirectUri(uri: string): boolean {
  return withoutLoopbackPort(uri) !== undefined;
}
