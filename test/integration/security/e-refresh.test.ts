import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../../src/main/admin/service';
import type { RunningServer } from '../../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../../helpers/http-browser';
import { CALLBACK, basic, callWhoami, codeFor, exchangeCode, postForm } from '../../helpers/oauth';
import { adminServiceFor, value } from '../../helpers/admin';
import { withClockAhead } from '../../helpers/clock';

/**
 * SECURITY_CASES E (cases 50–56): refresh tokens, black box against a real server.
 * One test per case, named by its number.
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

type Tokens = { access_token: string; refresh_token: string; scope: string };

/** A public client's first tokens, through sign-in and consent. */
async function publicTokens(scope?: string) {
  const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME, { scope });
  const result = await exchangeCode(server.issuer, clientId, code, verifier);
  if (result.status !== 200) throw new Error(`exchange failed: ${result.text}`);
  return { clientId, tokens: result.body as Tokens };
}

const refresh = (clientId: string, refreshToken: string, extra: Record<string, string> = {}) =>
  postForm(tokenUrl, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken, ...extra });

function expectError(result: Awaited<ReturnType<typeof postForm>>, status: number, error: string, label = '') {
  expect(result.status, `${label} ${result.text}`).toBe(status);
  expect(result.body.error, label).toBe(error);
  expect(result.body).not.toHaveProperty('access_token');
}

const DAY_MS = 24 * 60 * 60 * 1000;

describe('E. Refresh', () => {
  it('E.50 a refresh token used once gets a new one; replaying the old one → 400 invalid_grant and the whole grant is revoked', async () => {
    const { clientId, tokens } = await publicTokens();
    const rotated = await refresh(clientId, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const next = rotated.body as Tokens;
    expect(next.refresh_token).toEqual(expect.any(String));
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await callWhoami(server.mcpUrl, next.access_token)).status).toBe(200);

    expectError(await refresh(clientId, tokens.refresh_token), 400, 'invalid_grant', 'replay');

    expectError(await refresh(clientId, next.refresh_token), 400, 'invalid_grant', 'the new refresh token');
    expect((await callWhoami(server.mcpUrl, next.access_token)).status).toBe(401);
    expect((await callWhoami(server.mcpUrl, tokens.access_token)).status).toBe(401);
  });

  it('E.51 two parallel refreshes with one refresh token → one succeeds and the grant is revoked', async () => {
    const { clientId, tokens } = await publicTokens();
    const results = await Promise.all([refresh(clientId, tokens.refresh_token), refresh(clientId, tokens.refresh_token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    const loser = results.find((r) => r.status === 400)!;
    expect(loser.body.error).toBe('invalid_grant');
    const winner = results.find((r) => r.status === 200)!.body as Tokens;
    expectError(await refresh(clientId, winner.refresh_token), 400, 'invalid_grant', 'the winner\'s refresh token');
    expect((await callWhoami(server.mcpUrl, winner.access_token)).status).toBe(401);
  });

  it('E.52 client A presenting client B\'s refresh token → invalid_grant', async () => {
    const a = await publicTokens();
    const b = await publicTokens();
    expectError(await refresh(a.clientId, b.tokens.refresh_token), 400, 'invalid_grant');
  });

  it('E.53 a confidential client refreshing without authenticating → 401 invalid_client', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'Confidential refresher', redirectUris: [CALLBACK] }));
    const { verifier, challenge } = pkcePair();
    const { url } = await authorize(new HttpBrowser(server.issuer), { clientId: client.clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge });
    const tokens = await postForm(
      tokenUrl,
      { grant_type: 'authorization_code', code: url.searchParams.get('code')!, code_verifier: verifier, redirect_uri: CALLBACK },
      { authorization: basic(client.clientId, clientSecret!) },
    );
    expect(tokens.status, tokens.text).toBe(200);
    const refreshToken = tokens.body.refresh_token as string;
    expectError(await refresh(client.clientId, refreshToken), 401, 'invalid_client', 'client_id only');
    // Nothing identifying the client either (RFC 6749 §5.2: "no client authentication included" is invalid_client).
    const anonymous = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect.soft(anonymous.status, `no client at all: ${anonymous.text}`).toBe(401);
    expect.soft(anonymous.body.error, 'no client at all').toBe('invalid_client');
    expect(anonymous.body).not.toHaveProperty('access_token');
    // The refused attempts did not spend it.
    const proper = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: basic(client.clientId, clientSecret!) });
    expect(proper.status, proper.text).toBe(200);
  });

  it('E.54 a refresh asking for a wider scope → invalid_scope; a narrower one works and the new refresh token keeps the original scope', async () => {
    const narrow = await publicTokens('mcp:whoami');
    expect(narrow.tokens.scope).toBe('mcp:whoami');
    expectError(await refresh(narrow.clientId, narrow.tokens.refresh_token, { scope: 'mcp:whoami mcp:echo' }), 400, 'invalid_scope', 'wider');

    const full = await publicTokens('mcp:whoami mcp:echo');
    const narrowed = await refresh(full.clientId, full.tokens.refresh_token, { scope: 'mcp:whoami' });
    expect(narrowed.status, narrowed.text).toBe(200);
    expect(narrowed.body.scope).toBe('mcp:whoami');
    const next = await refresh(full.clientId, narrowed.body.refresh_token as string);
    expect(next.status, next.text).toBe(200);
    expect(String(next.body.scope).split(' ').sort()).toEqual(['mcp:echo', 'mcp:whoami']);
  });

  it('E.55 a refresh token past its idle (30 days) or absolute (90 days) lifetime → invalid_grant', async () => {
    const idle = await publicTokens();
    expectError(await withClockAhead(31 * DAY_MS, () => refresh(idle.clientId, idle.tokens.refresh_token)), 400, 'invalid_grant', 'idle');

    // Used every 25 days it never idles out, but the chain ends 90 days after the sign-in.
    const chain = await publicTokens();
    let current = chain.tokens.refresh_token;
    for (const day of [25, 50, 75]) {
      const result = await withClockAhead(day * DAY_MS, () => refresh(chain.clientId, current));
      expect(result.status, `day ${day}: ${result.text}`).toBe(200);
      current = result.body.refresh_token as string;
    }
    expectError(await withClockAhead(91 * DAY_MS, () => refresh(chain.clientId, current)), 400, 'invalid_grant', 'absolute');
  });

  it('E.56 the admin revokes the consent (admin service revokeConsent, what the IPC handler calls) → the refresh token gets invalid_grant and the access token introspects active:false at once', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'Revoked by admin', redirectUris: [CALLBACK] }));
    const auth = { authorization: basic(client.clientId, clientSecret!) };
    const { verifier, challenge } = pkcePair();
    const { url } = await authorize(new HttpBrowser(server.issuer), { clientId: client.clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge });
    const tokens = await postForm(tokenUrl, { grant_type: 'authorization_code', code: url.searchParams.get('code')!, code_verifier: verifier, redirect_uri: CALLBACK }, auth);
    expect(tokens.status, tokens.text).toBe(200);
    const { access_token: accessToken, refresh_token: refreshToken } = tokens.body as Tokens;
    expect((await postForm(`${server.issuer}/introspect`, { token: accessToken }, auth)).body.active).toBe(true);

    expect(value(await admin.revokeConsent({ clientId: client.clientId, username: TEST_USERNAME })).revokedTokens).toBeGreaterThanOrEqual(2);

    expectError(await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: refreshToken }, auth), 400, 'invalid_grant');
    expect((await postForm(`${server.issuer}/introspect`, { token: accessToken }, auth)).body).toEqual({ active: false });
    expect((await callWhoami(server.mcpUrl, accessToken)).status).toBe(401);
  });
});
