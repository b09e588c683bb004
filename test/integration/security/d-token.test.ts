import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../../src/main/admin/service';
import type { RunningServer } from '../../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../../helpers/http-browser';
import { CALLBACK, basic, callWhoami, codeFor, exchangeCode, postForm, registerClient, registerPublicClient } from '../../helpers/oauth';
import { adminServiceFor, value } from '../../helpers/admin';
import { withClockAhead } from '../../helpers/clock';

/**
 * SECURITY_CASES D (cases 34–49): the token endpoint, black box against a real
 * server. One test per case, named by its number.
 */

let server: RunningServer & { removeDataDir: () => void };
let admin: AdminService;
let tokenUrl: string;

beforeAll(async () => {
  // The server's clock reads Date.now at each call, so moving Date.now moves the server and the engine together.
  server = await startTestServer({ now: () => Date.now() });
  tokenUrl = `${server.issuer}/token`;
  admin = adminServiceFor(server);
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
});

/** A confidential DCR client (client_secret_basic) for the code flow. */
async function confidentialClient(extra: Record<string, unknown> = {}) {
  const { status, body } = await registerClient(server.issuer, {
    client_name: 'Confidential token test client',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...extra,
  });
  if (status !== 201) throw new Error(`registration failed: ${status} ${JSON.stringify(body)}`);
  return { clientId: body.client_id, secret: body.client_secret! };
}

/** Signs in and consents for `clientId` with PKCE; returns the code and its verifier. */
async function codeForClient(clientId: string, options: { challenge?: string | null } = {}) {
  const { verifier, challenge } = pkcePair();
  const { url } = await authorize(new HttpBrowser(server.issuer), {
    clientId,
    redirectUri: CALLBACK,
    username: TEST_USERNAME,
    challenge: options.challenge === null ? undefined : (options.challenge ?? challenge),
  });
  return { code: url.searchParams.get('code'), verifier, callback: url };
}

function exchangeConfidential(client: { clientId: string; secret: string }, code: string, verifier: string, extra: Record<string, string> = {}) {
  return postForm(
    tokenUrl,
    { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK, ...extra },
    { authorization: basic(client.clientId, client.secret) },
  );
}

function introspect(client: { clientId: string; secret: string }, token: string) {
  return postForm(`${server.issuer}/introspect`, { token }, { authorization: basic(client.clientId, client.secret) });
}

function expectError(result: Awaited<ReturnType<typeof postForm>>, status: number, error: string, label = '') {
  expect(result.status, `${label} ${result.text}`).toBe(status);
  expect(result.body.error, label).toBe(error);
  expect(result.body).not.toHaveProperty('access_token');
}

describe('D. Token endpoint', () => {
  it('D.34 the same code exchanged twice → the second call gets 400 invalid_grant and the first exchange\'s tokens introspect active:false', async () => {
    const client = await confidentialClient();
    const { code, verifier } = await codeForClient(client.clientId);
    const first = await exchangeConfidential(client, code!, verifier);
    expect(first.status).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = first.body as { access_token: string; refresh_token: string };
    expect((await introspect(client, accessToken)).body.active).toBe(true);

    expectError(await exchangeConfidential(client, code!, verifier), 400, 'invalid_grant');

    expect((await introspect(client, accessToken)).body).toEqual({ active: false });
    expect((await introspect(client, refreshToken)).body).toEqual({ active: false });
    expect((await callWhoami(server.mcpUrl, accessToken)).status).toBe(401);
  });

  it('D.35 two parallel redemptions of one code → exactly one 200', async () => {
    const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    const results = await Promise.all([
      exchangeCode(server.issuer, clientId, code, verifier),
      exchangeCode(server.issuer, clientId, code, verifier),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)!.body.error).toBe('invalid_grant');
  });

  it('D.36 a code older than its lifetime (60 s here) → invalid_grant', async () => {
    const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    const late = await withClockAhead(61_000, () => exchangeCode(server.issuer, clientId, code, verifier));
    expectError(late, 400, 'invalid_grant');
  });

  it('D.37 client B (valid credentials) redeeming client A\'s code → invalid_grant, and A\'s tokens are not revoked', async () => {
    const b = await confidentialClient();
    const { clientId: a, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    // B first: refused, and the code is not spent.
    expectError(await exchangeConfidential(b, code, verifier), 400, 'invalid_grant', 'B before A');
    const mine = await exchangeCode(server.issuer, a, code, verifier);
    expect(mine.status, mine.text).toBe(200);
    // B replays the (now used) code: refused, and A's tokens keep working.
    expectError(await exchangeConfidential(b, code, verifier), 400, 'invalid_grant', 'B after A');
    expect((await callWhoami(server.mcpUrl, mine.body.access_token as string)).status).toBe(200);
    const refreshed = await postForm(tokenUrl, { grant_type: 'refresh_token', client_id: a, refresh_token: mine.body.refresh_token as string });
    expect(refreshed.status, refreshed.text).toBe(200);
  });

  it('D.38 code_verifier missing for a code issued with a challenge → invalid_grant', async () => {
    const { clientId, code } = await codeFor(server.issuer, TEST_USERNAME);
    const result = await postForm(tokenUrl, { grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: CALLBACK });
    expectError(result, 400, 'invalid_grant');
  });

  it('D.39 a wrong code_verifier, or one of 42 or 129 characters → invalid_grant', async () => {
    const variants: [string, string][] = [
      ['a wrong verifier', pkcePair().verifier],
      ['42 characters', 'a'.repeat(42)],
      ['129 characters', 'a'.repeat(129)],
    ];
    for (const [label, verifier] of variants) {
      const { clientId, code } = await codeFor(server.issuer, TEST_USERNAME);
      const result = await exchangeCode(server.issuer, clientId, code, verifier);
      // Soft, so that every variant is reported.
      expect.soft(result.status, `${label}: ${result.text}`).toBe(400);
      expect.soft(result.body.error, `${label}: ${result.text}`).toBe('invalid_grant');
      expect(result.body).not.toHaveProperty('access_token');
    }
  });

  it('D.40 PKCE downgrade: (project) every client must use PKCE, so no code is ever issued without a challenge to send a verifier for', async () => {
    // Adapted: the case sends a code_verifier for a code issued without a challenge and expects
    // 400 invalid_request. Here PKCE S256 is required for every client (README), so such a code
    // cannot exist: the authorization request without code_challenge is refused, for a public
    // DCR client and for an administrator's confidential client alike, and no code is issued.
    const publicClient = (await registerPublicClient(server.issuer)).client_id;
    const confidential = value(await admin.createClient({ name: 'Confidential (admin)', redirectUris: [CALLBACK] })).client.clientId;
    for (const clientId of [publicClient, confidential]) {
      const { code, callback } = await codeForClient(clientId, { challenge: null });
      expect(code, clientId).toBeNull();
      expect(callback.origin + callback.pathname).toBe(CALLBACK);
      expect(callback.searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('D.41 a token request whose redirect_uri differs from the authorization request\'s → invalid_grant', async () => {
    for (const redirectUri of ['http://127.0.0.1:10/callback', 'http://127.0.0.1:9/other']) {
      const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
      const result = await exchangeCode(server.issuer, clientId, code, verifier, { redirect_uri: redirectUri });
      expectError(result, 400, 'invalid_grant', redirectUri);
    }
  });

  it('D.42 a wrong secret via HTTP Basic → 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const client = await confidentialClient();
    const { code, verifier } = await codeForClient(client.clientId);
    const result = await exchangeConfidential({ clientId: client.clientId, secret: `${client.secret}x` }, code!, verifier);
    expectError(result, 401, 'invalid_client');
    expect(result.headers.get('www-authenticate')).toMatch(/^Basic\b/i);
  });

  it('D.43 an HTTP Basic header and client_secret in the body together → 400 invalid_request', async () => {
    const client = await confidentialClient();
    const { code, verifier } = await codeForClient(client.clientId);
    const result = await exchangeConfidential(client, code!, verifier, { client_id: client.clientId, client_secret: client.secret });
    expectError(result, 400, 'invalid_request');
  });

  it('D.44 a confidential client sending only client_id → 401 invalid_client; a client_secret in the query string → rejected', async () => {
    const client = await confidentialClient();
    const { code, verifier } = await codeForClient(client.clientId);
    const form = { grant_type: 'authorization_code', code: code!, code_verifier: verifier, redirect_uri: CALLBACK, client_id: client.clientId };
    expectError(await postForm(tokenUrl, form), 401, 'invalid_client', 'client_id only');

    const query = new URLSearchParams({ client_id: client.clientId, client_secret: client.secret });
    const inQuery = await postForm(`${tokenUrl}?${query}`, form);
    expect(inQuery.status, inQuery.text).toBeGreaterThanOrEqual(400);
    expect(inQuery.status).toBeLessThan(500);
    expect(['invalid_request', 'invalid_client']).toContain(inQuery.body.error);
    expect(inQuery.body).not.toHaveProperty('access_token');
    // The code was not spent by the refused request: the proper request still works.
    expect((await exchangeConfidential(client, code!, verifier)).status).toBe(200);
  });

  it('D.46 client_credentials: from a public client → 401 invalid_client or 400 unauthorized_client; a scope the client is not allowed → 400 invalid_scope', async () => {
    const { client_id: publicId } = await registerPublicClient(server.issuer);
    const fromPublic = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: publicId });
    expect([`401 invalid_client`, `400 unauthorized_client`]).toContain(`${fromPublic.status} ${String(fromPublic.body.error)}`);
    expect(fromPublic.body).not.toHaveProperty('access_token');

    const machine = value(await admin.createClient({ name: 'Narrow machine', allowedScopes: ['mcp:whoami'] }));
    const auth = { authorization: basic(machine.client.clientId, machine.clientSecret!) };
    expect((await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'mcp:whoami' }, auth)).status).toBe(200);
    expectError(await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'mcp:echo' }, auth), 400, 'invalid_scope', 'mcp:echo');
    expectError(await postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'mcp:admin' }, auth), 400, 'invalid_scope', 'mcp:admin');
  });

  it('D.47 grant_type=password or an unknown grant → 400 unsupported_grant_type; a grant the client did not register → unauthorized_client', async () => {
    const { client_id } = await registerPublicClient(server.issuer, { grant_types: ['authorization_code'] });
    expectError(await postForm(tokenUrl, { grant_type: 'password', client_id, username: TEST_USERNAME, password: '' }), 400, 'unsupported_grant_type', 'password');
    expectError(await postForm(tokenUrl, { grant_type: 'urn:example:unknown', client_id }), 400, 'unsupported_grant_type', 'unknown');
    expectError(await postForm(tokenUrl, { grant_type: 'refresh_token', client_id, refresh_token: 'x'.repeat(43) }), 400, 'unauthorized_client', 'refresh_token');

    const machine = value(await admin.createClient({ name: 'Machine only' }));
    const auth = { authorization: basic(machine.client.clientId, machine.clientSecret!) };
    const code = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x'.repeat(43), code_verifier: 'y'.repeat(43), redirect_uri: CALLBACK }, auth);
    expectError(code, 400, 'unauthorized_client', 'authorization_code by a machine client');
  });

  it('D.48 GET /token or a JSON body → 400 invalid_request; every token response carries Cache-Control: no-store', async () => {
    const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    const query = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CALLBACK });

    const get = await fetch(`${tokenUrl}?${query}`);
    const getBody = (await get.json().catch(() => ({}))) as Record<string, unknown>;
    expect.soft(get.status, 'GET /token').toBe(400);
    expect.soft(getBody.error, 'GET /token').toBe('invalid_request');
    expect.soft(get.headers.get('cache-control') ?? '(none)', 'GET /token').toContain('no-store');

    const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(query)) });
    const jsonBody = (await json.json().catch(() => ({}))) as Record<string, unknown>;
    expect.soft(json.status, 'JSON body').toBe(400);
    expect.soft(jsonBody.error, 'JSON body').toBe('invalid_request');
    expect.soft(json.headers.get('cache-control') ?? '(none)', 'JSON body').toContain('no-store');

    const success = await exchangeCode(server.issuer, clientId, code, verifier);
    expect(success.status).toBe(200);
    expect(success.headers.get('cache-control')).toContain('no-store');
    const failure = await exchangeCode(server.issuer, clientId, code, verifier);
    expect(failure.status).toBe(400);
    expect(failure.headers.get('cache-control')).toContain('no-store');
    const refreshed = await postForm(tokenUrl, { grant_type: 'refresh_token', client_id: clientId, refresh_token: 'unknown' });
    expect(refreshed.headers.get('cache-control')).toContain('no-store');
  });

  it('D.49 codes and tokens carry at least 128 bits of randomness (base64url, ≥ 22 characters, never repeated)', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
      const tokens = await exchangeCode(server.issuer, clientId, code, verifier);
      expect(tokens.status).toBe(200);
      for (const value of [code, tokens.body.access_token as string, tokens.body.refresh_token as string]) {
        expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(value.length * 6).toBeGreaterThanOrEqual(128);
        expect(seen.has(value)).toBe(false);
        seen.add(value);
      }
    }
    const machine = value(await admin.createClient({ name: 'Entropy machine' }));
    const cc = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic(machine.client.clientId, machine.clientSecret!) });
    expect(cc.body.access_token as string).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  });

  // Last in the file: if the server throttles by address, the earlier tests are not affected.
  it('D.45 50 wrong secrets in a row → throttled (429 with Retry-After)', async () => {
    const client = await confidentialClient();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 50; i++) {
      const result = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x'.repeat(43), code_verifier: 'y'.repeat(43), redirect_uri: CALLBACK }, {
        authorization: basic(client.clientId, `wrong-secret-${i}`),
      });
      statuses.push(result.status);
      expect(result.body).not.toHaveProperty('access_token');
      if (result.status === 429) retryAfter ??= result.headers.get('retry-after');
    }
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('D.45 the same with the client named in the form (client_secret_post) instead of a Basic header', async () => {
    const client = await confidentialClient();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const result = await postForm(tokenUrl, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: `wrong-secret-${i}` });
      statuses.push(result.status);
      expect(result.body).not.toHaveProperty('access_token');
    }
    expect(statuses.filter((s) => s !== 401 && s !== 400 && s !== 429)).toEqual([]);
    expect(statuses).toContain(429);
  });
});
