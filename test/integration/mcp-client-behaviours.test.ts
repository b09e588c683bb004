import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../helpers/http-browser';
import { basic, callWhoami, postForm, registerClient } from '../helpers/oauth';

/**
 * What real MCP clients send (MCP_CLIENTS.md §1, §3) and what they must get back:
 * their registrations, scope and resource habits, and the protected resource's
 * challenges.
 */

let server: RunningServer & { removeDataDir: () => void };
let clock = 0;

beforeAll(async () => {
  // The protected resource reads expiry with this clock, so a test can jump ahead in time.
  server = await startTestServer({ now: () => Date.now() + clock });
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
});

const mcp = (host = 'localhost') => `http://${host}:${server.port}/mcp`;

async function flow(clientId: string, redirectUri: string, params: { scope?: string; resource?: string; sentRedirect?: string } = {}) {
  const { verifier, challenge } = pkcePair();
  const { url } = await authorize(new HttpBrowser(server.issuer), {
    clientId,
    redirectUri: params.sentRedirect ?? redirectUri,
    username: TEST_USERNAME,
    challenge,
    scope: params.scope,
    resource: params.resource,
  });
  return { url, verifier, sentRedirect: params.sentRedirect ?? redirectUri };
}

async function tokensVia(clientId: string, redirectUri: string, params: { scope?: string; resource?: string; sentRedirect?: string } = {}) {
  const { url, verifier, sentRedirect } = await flow(clientId, redirectUri, params);
  const code = url.searchParams.get('code');
  expect(code, `no code in ${url}`).toBeTruthy();
  const result = await postForm(`${server.issuer}/token`, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code: code!,
    code_verifier: verifier,
    redirect_uri: sentRedirect,
    ...(params.resource ? { resource: params.resource } : {}),
  });
  expect(result.status, result.text).toBe(200);
  return result.body as { access_token: string; refresh_token?: string; scope: string; token_type: string; expires_in: number };
}

describe('registrations as real clients send them (MCP_CLIENTS.md §3)', () => {
  it('mcp-remote: localhost callback, scope "openid email profile", no application_type', async () => {
    const reg = await registerClient(server.issuer, {
      client_name: 'MCP CLI Client',
      redirect_uris: ['http://localhost:3334/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: 'openid email profile',
    });
    expect(reg.status).toBe(201);
    expect(reg.body.redirect_uris).toEqual(['http://localhost:3334/oauth/callback']);
    expect(typeof reg.body.client_id_issued_at).toBe('number');
    expect(Object.values(reg.body)).not.toContain(null);
    // It asks for the scopes it registered (all unknown here): it gets the defaults.
    const tokens = await tokensVia(reg.body.client_id, 'http://localhost:3334/oauth/callback', { scope: 'openid email profile' });
    expect(tokens.scope.split(' ').sort()).toEqual(['mcp:echo', 'mcp:whoami']);
    expect(tokens.token_type).toBe('Bearer');
    expect(typeof tokens.expires_in).toBe('number');
  });

  it('Cursor: a private-use scheme redirect URI is accepted (with a loopback one beside it)', async () => {
    const reg = await registerClient(server.issuer, {
      client_name: 'Cursor',
      redirect_uris: ['cursor://anysphere.cursor-mcp/oauth/callback', 'http://localhost:8787/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    });
    expect(reg.status).toBe(201);
    const { url } = await flow(reg.body.client_id, 'cursor://anysphere.cursor-mcp/oauth/callback');
    expect(url.protocol).toBe('cursor:');
    expect(url.searchParams.get('code')).toBeTruthy();
  });

  it('VS Code: native, port-less 127.0.0.1 redirect matches a random port; device_code grant dropped', async () => {
    const reg = await registerClient(server.issuer, {
      client_name: 'Visual Studio Code',
      redirect_uris: ['https://insiders.vscode.dev/redirect', 'https://vscode.dev/redirect', 'http://127.0.0.1/', 'http://127.0.0.1:33418/'],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    });
    expect(reg.status).toBe(201);
    expect(reg.body.grant_types).toEqual(['authorization_code', 'refresh_token']);
    const tokens = await tokensVia(reg.body.client_id, 'http://127.0.0.1/', { sentRedirect: 'http://127.0.0.1:51004/' });
    expect(tokens.access_token).toBeTruthy();
  });

  it('a registered port-less loopback URI does not admit another host or path', async () => {
    const reg = await registerClient(server.issuer, {
      redirect_uris: ['http://localhost/callback'],
      token_endpoint_auth_method: 'none',
    });
    for (const wrong of ['http://127.0.0.1:5000/callback', 'http://localhost:5000/other']) {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: reg.body.client_id,
        redirect_uri: wrong,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      const response = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  });

  it.each([
    ['http://rp.example.com/cb', 'invalid_redirect_uri'],
    ['https://a.example/cb#frag', 'invalid_redirect_uri'],
    ['javascript:alert(1)', 'invalid_redirect_uri'],
  ])('refuses redirect URI %s with %s', async (uri, error) => {
    const reg = await registerClient(server.issuer, { redirect_uris: [uri], token_endpoint_auth_method: 'none' });
    expect(reg.status).toBe(400);
    expect(reg.body.error).toBe(error);
  });
});

describe('scopes and resources', () => {
  let clientId: string;
  const callback = 'http://127.0.0.1:4000/cb';

  beforeAll(async () => {
    const reg = await registerClient(server.issuer, {
      redirect_uris: [callback],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    clientId = reg.body.client_id;
  });

  it('no scope and no resource: the default scopes, for the MCP endpoint', async () => {
    const tokens = await tokensVia(clientId, callback);
    expect(tokens.scope.split(' ').sort()).toEqual(['mcp:echo', 'mcp:whoami']);
    expect((await callWhoami(mcp(), tokens.access_token)).status).toBe(200);
  });

  it('refresh tokens are issued without offline_access and without prompt=consent', async () => {
    const tokens = await tokensVia(clientId, callback, { scope: 'mcp:whoami' });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('a trailing-slash resource is the same resource, and the audience is its canonical spelling', async () => {
    const tokens = await tokensVia(clientId, callback, { resource: `${mcp('127.0.0.1')}/` });
    const whoami = await callWhoami(mcp('127.0.0.1'), tokens.access_token);
    expect(whoami.status).toBe(200);
    expect(whoami.text).toContain(`\\"aud\\":\\"${mcp('127.0.0.1')}\\"`);
  });

  it('an unknown resource gets invalid_target', async () => {
    const { url } = await flow(clientId, callback, { resource: 'https://api.example.com/mcp' });
    expect(url.searchParams.get('error')).toBe('invalid_target');
  });

  it('a token without a tool scope gets 403 insufficient_scope naming the scope to ask for', async () => {
    const tokens = await tokensVia(clientId, callback, { scope: 'mcp:whoami' });
    expect(tokens.scope).toBe('mcp:whoami');
    const response = await fetch(mcp(), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hi' } } }),
    });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp:whoami mcp:echo"');
    expect(challenge).toContain(`resource_metadata="http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp"`);
    expect((await callWhoami(mcp(), tokens.access_token)).status).toBe(200);
  });
});

describe('the protected resource', () => {
  it('answers 401 with a resource_metadata challenge for the host the client used', async () => {
    for (const host of ['localhost', '127.0.0.1']) {
      const response = await fetch(mcp(host), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="http://${host}:${server.port}/.well-known/oauth-protected-resource/mcp", scope="mcp:whoami mcp:echo"`,
      );
      const prm = (await (await fetch(`http://${host}:${server.port}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
      expect(prm.resource).toBe(mcp(host));
      expect(prm.authorization_servers).toEqual([server.issuer]);
    }
  });

  it('an unknown token gets 401 invalid_token', async () => {
    const result = await callWhoami(mcp(), 'not-a-real-token');
    expect(result.status).toBe(401);
    expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('an expired token gets 401 invalid_token, so the client refreshes', async () => {
    const reg = await registerClient(server.issuer, { redirect_uris: ['http://127.0.0.1:4001/cb'], token_endpoint_auth_method: 'none' });
    const tokens = await tokensVia(reg.body.client_id, 'http://127.0.0.1:4001/cb');
    expect((await callWhoami(mcp(), tokens.access_token)).status).toBe(200);
    clock = (tokens.expires_in + 1) * 1000;
    try {
      const result = await callWhoami(mcp(), tokens.access_token);
      expect(result.status).toBe(401);
      expect(result.headers.get('www-authenticate')).toContain('error="invalid_token"');
    } finally {
      clock = 0;
    }
  });

  it('unserved well-known paths are 404, never 5xx (the SDK moves on only on 4xx)', async () => {
    const response = await fetch(`${server.issuer}/.well-known/oauth-authorization-server/mcp`);
    expect(response.status).toBe(404);
  });
});

describe('client credentials (machine-to-machine)', () => {
  const secret = 'a-long-random-secret-for-the-machine-client-0123456789';

  beforeAll(() => {
    // Pre-registered by an administrator (the admin service will do exactly this).
    server.store.upsert(
      'Client',
      'machine-1',
      {
        client_id: 'machine-1',
        client_name: 'Nightly job',
        client_secret: secret,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      undefined,
      'manual',
    );
  });

  it('a confidential client gets a token that whoami reports as client_credentials', async () => {
    const result = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic('machine-1', secret) });
    expect(result.status).toBe(200);
    expect(result.headers.get('cache-control')).toBe('no-store');
    const whoami = await callWhoami(mcp(), result.body.access_token as string);
    expect(whoami.status).toBe(200);
    expect(whoami.text).toContain('client_credentials');
    expect(whoami.text).toContain('machine-1');
  });

  it('a wrong secret gets 401 invalid_client', async () => {
    const result = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic('machine-1', 'wrong') });
    expect(result.status).toBe(401);
    expect(result.body.error).toBe('invalid_client');
  });

  it('a scope the client may not have gets invalid_scope', async () => {
    const result = await postForm(
      `${server.issuer}/token`,
      { grant_type: 'client_credentials', scope: 'mcp:admin' },
      { authorization: basic('machine-1', secret) },
    );
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_scope');
  });

  it('a public client cannot use client_credentials', async () => {
    const reg = await registerClient(server.issuer, { redirect_uris: ['http://127.0.0.1:4002/cb'], token_endpoint_auth_method: 'none' });
    const result = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials', client_id: reg.body.client_id });
    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(['unauthorized_client', 'invalid_client']).toContain(result.body.error);
  });
});
