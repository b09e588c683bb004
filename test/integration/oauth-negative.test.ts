import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../helpers/http-browser';
import { CALLBACK, callWhoami, codeFor, exchangeCode, postForm, registerClient, registerPublicClient } from '../helpers/oauth';

/** Black-box refusals of the authorization server core, each named after the rule it checks. */

let server: RunningServer & { removeDataDir: () => void };
let mcpUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  mcpUrl = `http://localhost:${server.port}/mcp`;
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
});

describe('authorization code (OAuth 2.1 §4.1)', () => {
  it('a code used twice fails the second time and the tokens of the first exchange stop working', async () => {
    const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    const first = await exchangeCode(server.issuer, clientId, code, verifier);
    expect(first.status).toBe(200);
    const accessToken = first.body.access_token as string;
    expect((await callWhoami(mcpUrl, accessToken)).status).toBe(200);

    const second = await exchangeCode(server.issuer, clientId, code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');

    expect((await callWhoami(mcpUrl, accessToken)).status).toBe(401);
    const refresh = await postForm(`${server.issuer}/token`, {
      grant_type: 'refresh_token',
      client_id: clientId,
      refresh_token: first.body.refresh_token as string,
    });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('PKCE is required: a request without code_challenge is answered invalid_request at the redirect URI', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const { url } = await authorize(new HttpBrowser(server.issuer), { clientId: client_id, redirectUri: CALLBACK, username: TEST_USERNAME });
    expect(url.origin + url.pathname).toBe(CALLBACK);
    expect(url.searchParams.get('error')).toBe('invalid_request');
    expect(url.searchParams.get('iss')).toBe(server.issuer);
  });

  it('PKCE method plain is refused with invalid_request', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const { url } = await authorize(new HttpBrowser(server.issuer), {
      clientId: client_id,
      redirectUri: CALLBACK,
      username: TEST_USERNAME,
      challenge: 'a'.repeat(43),
      extra: { code_challenge_method: 'plain' },
    });
    expect(url.searchParams.get('error')).toBe('invalid_request');
    expect(url.searchParams.get('code')).toBeNull();
  });

  it('a wrong code_verifier gets invalid_grant', async () => {
    const { clientId, code } = await codeFor(server.issuer, TEST_USERNAME);
    const result = await exchangeCode(server.issuer, clientId, code, pkcePair().verifier);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_grant');
  });

  it('an unregistered redirect_uri gets an error page and no redirect', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const params = new URLSearchParams({
      response_type: 'code',
      client_id,
      redirect_uri: 'http://127.0.0.1:9/elsewhere',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      state: 'xyz',
    });
    const response = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const page = await response.text();
    expect(page).toContain('invalid_redirect_uri');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('token endpoint', () => {
  it('an unknown grant type gets unsupported_grant_type', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const result = await postForm(`${server.issuer}/token`, { grant_type: 'urn:example:unknown', client_id });
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('unsupported_grant_type');
  });

  it('the password grant is not offered', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const result = await postForm(`${server.issuer}/token`, { grant_type: 'password', client_id, username: 'a', password: 'b' });
    expect(result.body.error).toBe('unsupported_grant_type');
  });
});

describe('dynamic client registration (RFC 7591)', () => {
  it('a self-registered client cannot have the client_credentials grant', async () => {
    const { status, body } = await registerClient(server.issuer, {
      client_name: 'greedy',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client_metadata');
    expect(String(body.error_description)).toContain('client_credentials');
  });

  it('a client with only client_credentials is refused too', async () => {
    const { status, body } = await registerClient(server.issuer, {
      client_name: 'machine',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_client_metadata');
  });
});

describe('loopback safety (DNS rebinding, cross-origin requests)', () => {
  const routes: [string, string][] = [
    ['GET', '/.well-known/oauth-authorization-server'],
    ['GET', '/.well-known/openid-configuration'],
    ['GET', '/.well-known/oauth-protected-resource/mcp'],
    ['GET', '/.well-known/oauth-protected-resource'],
    ['POST', '/register'],
    ['POST', '/token'],
    ['POST', '/revoke'],
    ['POST', '/introspect'],
    ['GET', '/authorize'],
    ['POST', '/mcp'],
    ['GET', '/interaction/abc'],
    ['GET', '/'],
  ];

  it.each(routes)('a foreign Host header gets 403 on %s %s', async (method, path) => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path, method, headers: { host: 'evil.example.com' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it.each(['/token', '/register', '/revoke', '/introspect', '/mcp'])('a foreign Origin gets 403 on POST %s', async (path) => {
    const response = await fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a loopback Origin (MCP Inspector) gets CORS with the challenge header exposed on /mcp', async () => {
    const origin = 'http://localhost:6274';
    const preflight = await fetch(mcpUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    const response = await fetch(mcpUrl, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/WWW-Authenticate/i);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  it('no endpoint answers with Access-Control-Allow-Origin: *', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/jwks', '/.well-known/oauth-protected-resource/mcp']) {
      const response = await fetch(`${server.issuer}${path}`);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const foreign = await fetch(`${server.issuer}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});
