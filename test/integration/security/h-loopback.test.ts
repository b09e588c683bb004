import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { CALLBACK, callWhoami, codeFor, exchangeCode, postForm, registerClient } from '../../helpers/oauth';

/**
 * SECURITY_CASES H (cases 70–74): a local server against DNS rebinding and foreign
 * pages (Host, Origin, CORS), black box against a real server. One test per case,
 * named by its number.
 */

let server: RunningServer & { removeDataDir: () => void };
let accessToken: string;

beforeAll(async () => {
  server = await startTestServer();
  const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
  const tokens = await exchangeCode(server.issuer, clientId, code, verifier);
  if (tokens.status !== 200) throw new Error(tokens.text);
  accessToken = tokens.body.access_token as string;
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
});

/** Tries a TCP connection; resolves with the remote address when connected, or the error code. */
function tryConnect(host: string, port: number): Promise<{ connected: true; remoteAddress: string } | { connected: false; code: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(3000);
    socket.once('connect', () => {
      const remoteAddress = socket.remoteAddress ?? '';
      socket.destroy();
      resolve({ connected: true, remoteAddress });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ connected: false, code: 'TIMEOUT' });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ connected: false, code: error.code ?? error.message }));
  });
}

/** A raw HTTP request to 127.0.0.1 with any Host header (fetch does not let a caller set Host). */
function rawRequest(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: import('node:http').IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ROUTES: [string, string][] = [
  ['GET', '/.well-known/oauth-authorization-server'],
  ['GET', '/.well-known/openid-configuration'],
  ['GET', '/.well-known/oauth-protected-resource'],
  ['GET', '/.well-known/oauth-protected-resource/mcp'],
  ['GET', '/.well-known/unknown'],
  ['POST', '/register'],
  ['GET', '/register/some-client'],
  ['POST', '/token'],
  ['GET', '/authorize'],
  ['POST', '/revoke'],
  ['POST', '/introspect'],
  ['GET', '/jwks'],
  ['POST', '/mcp'],
  ['GET', '/mcp'],
  ['GET', '/interaction/abc'],
  ['POST', '/interaction/abc/consent'],
  ['GET', '/static/pages.css'],
  ['GET', '/admin'],
  ['GET', '/'],
  ['GET', '/no-such-page'],
  ['OPTIONS', '/token'],
];

describe('H. Local server: DNS rebinding, Host, Origin', () => {
  it('H.70 the server is bound to 127.0.0.1, not 0.0.0.0: a connection to 127.0.0.1 lands there, one to a LAN address of this machine is refused', async () => {
    const loopback = await tryConnect('127.0.0.1', server.port);
    expect(loopback).toEqual({ connected: true, remoteAddress: '127.0.0.1' });
    expect(new URL(server.issuer).hostname).toBe('127.0.0.1');

    const lanAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((info) => info !== undefined && !info.internal && !(info.family === 'IPv6' && info.address.startsWith('fe80')))
      .map((info) => info!.address);
    // On Linux the whole of 127/8 is this machine: a wildcard listener would answer on 127.0.0.2 too.
    const others = [...lanAddresses, ...(process.platform === 'linux' ? ['127.0.0.2'] : [])];
    expect(others.length).toBeGreaterThan(0);
    for (const address of others) {
      const attempt = await tryConnect(address, server.port);
      expect(attempt.connected, `${address}: ${JSON.stringify(attempt)}`).toBe(false);
    }
  });

  it('H.71 Host: evil.example.com on every route → 403', async () => {
    for (const [method, path] of ROUTES) {
      for (const host of ['evil.example.com', `evil.example.com:${server.port}`, '127.0.0.1.nip.io', `localhost:${server.port + 1}`]) {
        const result = await rawRequest(method, path, { host, 'content-type': 'application/json' }, method === 'POST' ? '{}' : undefined);
        expect(result.status, `${method} ${path} with Host ${host}`).toBe(403);
      }
    }
  });

  it('H.72 Host 127.0.0.1:PORT, localhost:PORT or [::1]:PORT → accepted', async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, `LOCALHOST:${server.port}`]) {
      const metadata = await rawRequest('GET', '/.well-known/oauth-authorization-server', { host });
      expect(metadata.status, host).toBe(200);
      expect(JSON.parse(metadata.text).issuer, host).toBe(server.issuer);
      const resource = await rawRequest('GET', '/.well-known/oauth-protected-resource/mcp', { host });
      expect(resource.status, host).toBe(200);
      const mcp = await rawRequest('POST', '/mcp', { host, authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }));
      expect(mcp.status, host).toBe(200);
    }
  });

  it('H.73 an Origin not on the allowlist → 403 (on /mcp and every POST); a missing Origin (native clients) → allowed', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example', 'http://127.0.0.1.nip.io:6274']) {
      const mcp = await callWhoami(server.mcpUrl, accessToken, { origin });
      expect(mcp.status, `POST /mcp, Origin ${origin}`).toBe(403);
      expect(mcp.text, origin).not.toContain('"result"');
      const mcpGet = await fetch(server.mcpUrl, { headers: { origin, authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' } });
      expect(mcpGet.status, `GET /mcp, Origin ${origin}`).toBe(403);
      for (const path of ['/token', '/register', '/revoke', '/introspect']) {
        const response = await fetch(`${server.issuer}${path}`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{}' });
        expect(response.status, `POST ${path}, Origin ${origin}`).toBe(403);
      }
    }
    expect((await callWhoami(server.mcpUrl, accessToken)).status).toBe(200); // no Origin: a native client
    expect((await callWhoami(server.mcpUrl, accessToken, { origin: 'http://localhost:6274' })).status).toBe(200); // a loopback page
  });

  it('H.74 no Access-Control-Allow-Origin: * on any endpoint that returns a token or a secret', async () => {
    const origins: (string | undefined)[] = [undefined, 'http://localhost:6274', 'https://evil.example'];
    for (const origin of origins) {
      const headers: Record<string, string> = origin ? { origin } : {};
      const label = origin ?? 'no Origin';

      const registration = await registerClient(server.issuer, { redirect_uris: [CALLBACK], token_endpoint_auth_method: 'client_secret_basic' }, headers);
      const registerCors = await fetch(`${server.issuer}/register`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }),
      });
      const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
      const token = await postForm(`${server.issuer}/token`, { grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CALLBACK }, headers);
      const introspection = await postForm(`${server.issuer}/introspect`, { token: accessToken }, headers);
      const revocation = await postForm(`${server.issuer}/revoke`, { token: 'unknown', client_id: clientId }, headers);
      const mcp = await callWhoami(server.mcpUrl, accessToken, headers);
      const preflight = await fetch(`${server.issuer}/token`, { method: 'OPTIONS', headers: { ...headers, 'access-control-request-method': 'POST' } });

      const answers: [string, Headers][] = [
        ['/register', registerCors.headers],
        ['/token', token.headers],
        ['/introspect', introspection.headers],
        ['/revoke', revocation.headers],
        ['/mcp', mcp.headers],
        ['OPTIONS /token', preflight.headers],
      ];
      for (const [name, answer] of answers) {
        const allowed = answer.get('access-control-allow-origin');
        expect(allowed, `${name}, ${label}`).not.toBe('*');
        // Granted only to the loopback page that asked, never to another origin or to nobody.
        expect(allowed, `${name}, ${label}`).toBe(origin === 'http://localhost:6274' ? origin : null);
      }
      if (origin !== 'https://evil.example') {
        expect(registration.status, label).toBe(201);
        expect(token.status, label).toBe(200);
      }
    }
  });
});
