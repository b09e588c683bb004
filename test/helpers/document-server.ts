import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A loopback HTTPS server that serves Client ID Metadata Documents, with a
 * certificate from a throwaway CA that only the tests trust (the server under
 * test is given the CA's PEM; nothing else on the machine trusts it). It counts
 * TCP connections and requests, so tests can prove a refused fetch never
 * connected.
 */

export const TEST_HOSTS = ['localhost', 'docs.allowed.test', 'other.test', 'evil.test', 'approval.test'];

export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | ((url: string) => string);
}

let authority: { caPem: string; key: string; cert: string } | undefined;

/** One CA and leaf certificate per test process (openssl, a second or so). */
function testAuthority() {
  if (authority) return authority;
  const dir = mkdtempSync(join(tmpdir(), 'mad-ca-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=MCP Auth Desk test CA');
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${[...TEST_HOSTS.map((h) => `DNS:${h}`), 'IP:127.0.0.1'].join(',')}\n`);
    run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf');
    authority = {
      caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
      key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
      cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
    };
    return authority;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export class DocumentServer {
  readonly caPem: string;
  readonly #server: Server;
  readonly routes = new Map<string, Route>();
  connections = 0;
  readonly requests: string[] = [];
  port = 0;

  constructor() {
    const { caPem, key, cert } = testAuthority();
    this.caPem = caPem;
    this.#server = createServer({ key, cert }, (req, res) => {
      const url = `https://${req.headers.host}${req.url}`;
      this.requests.push(url);
      const route = this.routes.get(req.url ?? '') ?? { status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } };
      res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers });
      res.end(typeof route.body === 'function' ? route.body(url) : (route.body ?? ''));
    });
    this.#server.on('secureConnection', () => undefined);
    this.#server.on('connection', () => {
      this.connections += 1;
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path: string, host = 'localhost'): string {
    return `https://${host}:${this.port}${path}`;
  }

  /** Serves a metadata document at `path` whose client_id is its own URL (as the client requested it). */
  document(path: string, fields: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
    this.routes.set(path, {
      headers,
      body: (url) =>
        JSON.stringify({
          client_id: url,
          client_name: 'Metadata document test client',
          redirect_uris: ['http://127.0.0.1/callback', 'http://localhost/callback'],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          ...fields,
        }),
    });
  }

  requestsTo(path: string): number {
    return this.requests.filter((url) => new URL(url).pathname === path).length;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A resolver for the server under test: the test host names all point at this machine. */
export function testResolver(overrides: Record<string, string> = {}) {
  const calls: string[] = [];
  const resolve = (hostname: string, callback: (error: Error | null, addresses: { address: string; family: number }[]) => void) => {
    calls.push(hostname);
    const address = overrides[hostname] ?? (TEST_HOSTS.includes(hostname) ? '127.0.0.1' : undefined);
    if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  };
  return { resolve, calls };
}
