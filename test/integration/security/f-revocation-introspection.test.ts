import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../../helpers/http-browser';
import { CALLBACK, basic, callWhoami, codeFor, exchangeCode, postForm, registerClient } from '../../helpers/oauth';
import { withClockAhead } from '../../helpers/clock';

/**
 * SECURITY_CASES F (cases 57–62): revocation (RFC 7009) and introspection
 * (RFC 7662), black box against a real server. One test per case, named by its number.
 */

let server: RunningServer & { removeDataDir: () => void };
let revokeUrl: string;
let introspectUrl: string;

beforeAll(async () => {
  // The server's clock reads Date.now at each call, so moving Date.now moves the server and the engine together.
  server = await startTestServer({ now: () => Date.now() });
  revokeUrl = `${server.issuer}/revoke`;
  introspectUrl = `${server.issuer}/introspect`;
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
});

type Client = { clientId: string; secret: string };
type Tokens = { access_token: string; refresh_token: string };

async function confidentialClient(): Promise<Client> {
  const { status, body } = await registerClient(server.issuer, {
    client_name: 'Confidential revocation test client',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  if (status !== 201) throw new Error(`registration failed: ${status} ${JSON.stringify(body)}`);
  return { clientId: body.client_id, secret: body.client_secret! };
}

const auth = (client: Client) => ({ authorization: basic(client.clientId, client.secret) });

async function tokensFor(client: Client): Promise<Tokens> {
  const { verifier, challenge } = pkcePair();
  const { url } = await authorize(new HttpBrowser(server.issuer), { clientId: client.clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge });
  const result = await postForm(
    `${server.issuer}/token`,
    { grant_type: 'authorization_code', code: url.searchParams.get('code')!, code_verifier: verifier, redirect_uri: CALLBACK },
    auth(client),
  );
  if (result.status !== 200) throw new Error(`exchange failed: ${result.text}`);
  return result.body as Tokens;
}

async function publicTokens() {
  const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
  const result = await exchangeCode(server.issuer, clientId, code, verifier);
  if (result.status !== 200) throw new Error(`exchange failed: ${result.text}`);
  return { clientId, tokens: result.body as Tokens };
}

describe('F. Revocation and introspection', () => {
  it('F.57 revoking a garbage or unknown token → 200 with an empty body', async () => {
    const client = await confidentialClient();
    const { clientId: publicId } = await publicTokens();
    for (const token of ['garbage', 'x'.repeat(43), 'not a token at all!']) {
      const confidential = await postForm(revokeUrl, { token }, auth(client));
      expect(confidential.status, token).toBe(200);
      expect(confidential.text, token).toBe('');
      const fromPublic = await postForm(revokeUrl, { token, client_id: publicId });
      expect(fromPublic.status, token).toBe(200);
      expect(fromPublic.text, token).toBe('');
    }
  });

  it('F.58 revoking with bad client credentials → 401 invalid_client', async () => {
    const client = await confidentialClient();
    const tokens = await tokensFor(client);
    const result = await postForm(revokeUrl, { token: tokens.access_token }, { authorization: basic(client.clientId, `${client.secret}-wrong`) });
    expect(result.status).toBe(401);
    expect(result.body.error).toBe('invalid_client');
    const unknown = await postForm(revokeUrl, { token: tokens.access_token }, { authorization: basic('no-such-client', 'x') });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toBe('invalid_client');
    expect((await callWhoami(server.mcpUrl, tokens.access_token)).status).toBe(200); // untouched
  });

  it('F.59 revoking another client\'s token: a confidential caller → 400 invalid_request, token untouched; a public caller → 200, silently ignored', async () => {
    const owner = await confidentialClient();
    const tokens = await tokensFor(owner);

    const other = await confidentialClient();
    const byConfidential = await postForm(revokeUrl, { token: tokens.access_token }, auth(other));
    expect(byConfidential.status).toBe(400);
    expect(byConfidential.body.error).toBe('invalid_request');
    expect((await callWhoami(server.mcpUrl, tokens.access_token)).status).toBe(200);
    expect((await postForm(introspectUrl, { token: tokens.access_token }, auth(owner))).body.active).toBe(true);

    const { clientId: publicId } = await publicTokens();
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const byPublic = await postForm(revokeUrl, { token, client_id: publicId });
      expect(byPublic.status).toBe(200);
      expect(byPublic.text).toBe('');
    }
    expect((await callWhoami(server.mcpUrl, tokens.access_token)).status).toBe(200);
    expect((await postForm(introspectUrl, { token: tokens.refresh_token }, auth(owner))).body.active).toBe(true);
  });

  it('F.60 revoking a refresh token with a wrong token_type_hint → it is revoked anyway, and the access tokens of its grant stop working', async () => {
    const client = await confidentialClient();
    const tokens = await tokensFor(client);
    const result = await postForm(revokeUrl, { token: tokens.refresh_token, token_type_hint: 'access_token' }, auth(client));
    expect(result.status).toBe(200);
    const refresh = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth(client));
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    expect((await postForm(introspectUrl, { token: tokens.access_token }, auth(client))).body).toEqual({ active: false });
    expect((await callWhoami(server.mcpUrl, tokens.access_token)).status).toBe(401);
  });

  it('F.61 introspection without authentication → 401', async () => {
    const client = await confidentialClient();
    const tokens = await tokensFor(client);
    const { clientId: publicId } = await publicTokens();
    const attempts: [string, Record<string, string>][] = [
      ['no client at all', { token: tokens.access_token }],
      ['a public client_id', { token: tokens.access_token, client_id: publicId }],
      ['the confidential client_id without its secret', { token: tokens.access_token, client_id: client.clientId }],
    ];
    for (const [label, form] of attempts) {
      const result = await postForm(introspectUrl, form);
      expect.soft(result.status, `${label}: ${result.text}`).toBe(401);
      expect(result.body.active, label).not.toBe(true);
      expect(result.body, label).not.toHaveProperty('sub');
    }
  });

  it('F.62 introspecting an expired, revoked, consumed, unknown or other-client token → 200 {"active":false} and nothing else, with Cache-Control: no-store', async () => {
    const client = await confidentialClient();
    const other = await confidentialClient();
    const check = async (label: string, token: string, caller: Client = client) => {
      const result = await postForm(introspectUrl, { token }, auth(caller));
      expect(result.status, label).toBe(200);
      expect(result.body, label).toEqual({ active: false });
      expect(result.headers.get('cache-control'), label).toContain('no-store');
    };

    const expiring = await tokensFor(client);
    await withClockAhead(3601 * 1000, () => check('expired access token', expiring.access_token));

    const revoked = await tokensFor(client);
    expect((await postForm(revokeUrl, { token: revoked.access_token }, auth(client))).status).toBe(200);
    await check('revoked access token', revoked.access_token);

    const rotated = await tokensFor(client);
    const refreshed = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', refresh_token: rotated.refresh_token }, auth(client));
    expect(refreshed.status).toBe(200);
    await check('consumed (rotated) refresh token', rotated.refresh_token);

    await check('unknown token', 'x'.repeat(43));

    const others = await tokensFor(other);
    await check('another client\'s access token', others.access_token);
    await check('another client\'s refresh token', others.refresh_token);

    // For contrast: the owner sees its own live token as active.
    const live = await postForm(introspectUrl, { token: others.access_token }, auth(other));
    expect(live.body.active).toBe(true);
    expect(live.headers.get('cache-control')).toContain('no-store');
  });
});
