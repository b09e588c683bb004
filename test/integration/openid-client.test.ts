import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import type { RunningServer } from '../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { HttpBrowser } from '../helpers/http-browser';
import { CALLBACK, callWhoami } from '../helpers/oauth';

/**
 * A second, independent OAuth client library (openid-client, by the engine's
 * author but written against the RFCs) drives discovery, DCR, the code flow,
 * refresh rotation with reuse detection, introspection and revocation.
 */

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

const insecure = { execute: [oidc.allowInsecureRequests] };

/** Registers a confidential client with openid-client and returns its configuration. */
async function register(): Promise<oidc.Configuration> {
  return oidc.dynamicClientRegistration(
    new URL(server.issuer),
    {
      client_name: 'openid-client test',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    undefined,
    insecure,
  );
}

/** The code flow with openid-client building and checking the URLs; the sign-in pages are walked by a browser-like client. */
async function signIn(config: oidc.Configuration) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    resource: mcpUrl,
  });
  const browser = new HttpBrowser(server.issuer);
  let step = await browser.follow(url);
  for (let i = 0; i < 3 && step.url.origin === server.issuer; i++) {
    const html = await step.response.text();
    const action = /action="([^"]+)"/.exec(html)![1]!;
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    step = action.endsWith('/login')
      ? await browser.postForm(action, { csrf, username: TEST_USERNAME, password: '', action: 'sign-in' })
      : await browser.postForm(action, { csrf, decision: 'allow' });
  }
  // openid-client checks state and the RFC 9207 iss itself.
  return oidc.authorizationCodeGrant(config, step.url, { pkceCodeVerifier: verifier, expectedState: state });
}

describe('openid-client', () => {
  it('discovers the server with the metadata MCP clients need', async () => {
    const config = await oidc.discovery(new URL(server.issuer), 'unused', undefined, undefined, insecure);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(server.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.registration_endpoint).toBe(`${server.issuer}/register`);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.scopes_supported).toEqual(['mcp:whoami', 'mcp:echo']);
    expect(Object.values(metadata)).not.toContain(null);
  });

  it('registers, signs in, refreshes with rotation, and detects refresh token reuse', async () => {
    const config = await register();
    const tokens = await signIn(config);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect((await callWhoami(mcpUrl, tokens.access_token)).status).toBe(200);

    const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(rotated.refresh_token).toEqual(expect.any(String));
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    expect((await callWhoami(mcpUrl, rotated.access_token)).status).toBe(200);

    // Replaying the rotated-out refresh token revokes the whole grant.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await callWhoami(mcpUrl, rotated.access_token)).status).toBe(401);
    expect((await oidc.tokenIntrospection(config, rotated.access_token)).active).toBe(false);
  });

  it('introspects a live token as active, and as inactive after revocation', async () => {
    const config = await register();
    const tokens = await signIn(config);

    const live = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(live.active).toBe(true);
    expect(live.client_id).toBe(config.clientMetadata().client_id);
    expect([live.aud].flat()).toContain(mcpUrl);
    expect(String(live.scope).split(' ')).toEqual(expect.arrayContaining(['mcp:whoami', 'mcp:echo']));

    await oidc.tokenRevocation(config, tokens.access_token);
    const revoked = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(revoked).toEqual({ active: false });
    expect((await callWhoami(mcpUrl, tokens.access_token)).status).toBe(401);

    // Revoking the refresh token ends the grant: it can no longer be used.
    await oidc.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' });
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
