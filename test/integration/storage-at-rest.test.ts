import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TEST_USERNAME } from '../helpers/server';
import { useTestServer, type TestServer } from '../helpers/use-test-server';
import { HttpBrowser, authorize, pkcePair } from '../helpers/http-browser';
import { CALLBACK, basic, exchangeCode, postForm, registerClient } from '../helpers/oauth';

/**
 * SECURITY_CASES I.75: after a full flow, the database files (main file and WAL)
 * contain none of the secrets that went over the wire: client secret, code,
 * access token, refresh token, registration access token, session cookie.
 */

let server: TestServer;
useTestServer((started) => (server = started));

function databaseBytes(): string {
  return readdirSync(server.dataDir)
    .filter((name) => name.includes('.sqlite'))
    .map((name) => readFileSync(join(server.dataDir, name)).toString('latin1'))
    .join('\n');
}

it('stores no plaintext client secret, code, access token, refresh token or session id', async () => {
  const registration = await registerClient(server.issuer, {
    client_name: 'Confidential test client',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
  });
  expect(registration.status).toBe(201);
  const { client_id: clientId, client_secret: secret, registration_access_token: rat } = registration.body;
  expect(secret).toEqual(expect.any(String));

  const { verifier, challenge } = pkcePair();
  const browser = new HttpBrowser(server.issuer);
  const { url } = await authorize(browser, { clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge });
  const code = url.searchParams.get('code')!;
  const tokens = await exchangeCode(server.issuer, clientId, code, verifier, {}).then(async (unauthenticated) => {
    // A confidential client must authenticate: without its secret the exchange fails...
    expect(unauthenticated.body.error).toBe('invalid_client');
    return postForm(
      `${server.issuer}/token`,
      { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK },
      { authorization: basic(clientId, secret!) },
    );
  });
  expect(tokens.status).toBe(200);
  const refreshed = await postForm(
    `${server.issuer}/token`,
    { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string },
    { authorization: basic(clientId, secret!) },
  );
  expect(refreshed.status).toBe(200);

  const secrets: Record<string, string> = {
    client_secret: secret!,
    registration_access_token: rat as string,
    code,
    access_token: tokens.body.access_token as string,
    refresh_token: tokens.body.refresh_token as string,
    refreshed_access_token: refreshed.body.access_token as string,
    refreshed_refresh_token: refreshed.body.refresh_token as string,
    ...Object.fromEntries([...browser.cookies].filter(([name]) => !name.endsWith('.sig')).map(([name, value]) => [`cookie ${name}`, value])),
  };
  const bytes = databaseBytes();
  expect(bytes.length).toBeGreaterThan(0);
  // The check can fail: the client id is stored in clear and must be found.
  expect(bytes).toContain(clientId);
  for (const [name, value] of Object.entries(secrets)) {
    expect(value.length, name).toBeGreaterThan(20);
    expect(bytes.includes(value), `${name} found in the database`).toBe(false);
  }
});
