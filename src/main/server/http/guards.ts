import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Who may talk to a loopback server. A web page on any site can make the
 * browser send requests to 127.0.0.1; these checks are what stops it:
 *
 * - Host: only our loopback names with our port (a DNS-rebinding page reaches
 *   us with its own host name in the Host header);
 * - Origin: only loopback origins (`http://localhost:*`, `http://127.0.0.1:*`,
 *   `http://[::1]:*`) may call us from a browser; a missing Origin (a native
 *   client) is fine;
 * - CORS: granted to those loopback origins only, reflected, never `*`.
 */

const LOOPBACK_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** The request's Host header, lower-cased, when it names this server; undefined otherwise. */
export function checkHost(req: IncomingMessage, hosts: Set<string>): string | undefined {
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && hosts.has(host) ? host : undefined;
}

export function isLoopbackOrigin(origin: string): boolean {
  return LOOPBACK_ORIGIN.test(origin);
}

/** Undefined for no Origin header; true/false for an allowed/refused one. */
export function originVerdict(req: IncomingMessage): boolean | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  return isLoopbackOrigin(origin);
}

export interface CorsPolicy {
  methods: string;
  allowHeaders: string;
  exposeHeaders?: string;
}

export const CORS_OAUTH: CorsPolicy = {
  methods: 'GET, POST, OPTIONS',
  allowHeaders: 'Authorization, Content-Type, MCP-Protocol-Version',
  exposeHeaders: 'WWW-Authenticate',
};

export const CORS_MCP: CorsPolicy = {
  methods: 'GET, POST, DELETE, OPTIONS',
  allowHeaders: 'Authorization, Content-Type, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID',
  exposeHeaders: 'WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version',
};

/**
 * The CORS origin granted to each response. The engine's own CORS code would add
 * `*` or echo any origin; the engine middleware removes whatever is not listed here.
 */
export const approvedOrigins = new WeakMap<ServerResponse, string>();

export function setCorsHeaders(res: ServerResponse, origin: string, policy: CorsPolicy): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Vary', 'Origin');
  if (policy.exposeHeaders) res.setHeader('Access-Control-Expose-Headers', policy.exposeHeaders);
}

export function answerPreflight(res: ServerResponse, origin: string, policy: CorsPolicy): void {
  setCorsHeaders(res, origin, policy);
  res.setHeader('Access-Control-Allow-Methods', policy.methods);
  res.setHeader('Access-Control-Allow-Headers', policy.allowHeaders);
  res.setHeader('Access-Control-Max-Age', '600');
  res.statusCode = 204;
  res.end();
}

/** Headers on every response. Pages add their own Content-Security-Policy. */
export function setBaselineHeaders(res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}
