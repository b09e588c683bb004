import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import type { Result } from '../../src/shared/dto';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../helpers/http-browser';
import { basic, callWhoami, postForm, registerPublicClient } from '../helpers/oauth';
import { adminServiceFor, value } from '../helpers/admin';

/**
 * The admin service against a running server and its real SQLite file: every
 * operation, its validation, and that what it changes takes effect on the
 * OAuth and MCP endpoints at once.
 */

let server: RunningServer & { removeDataDir: () => void };
let admin: AdminService;
let mcpUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  mcpUrl = `http://localhost:${server.port}/mcp`;
  admin = adminServiceFor(server);
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
});

function failure<T>(result: Result<T>) {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

async function clientCredentialsToken(clientId: string, secret: string, scope?: string) {
  return postForm(`${server.issuer}/token`, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, { authorization: basic(clientId, secret) });
}

/** alice signs in and consents for `clientId` in her own browser; returns her tokens. */
async function aliceTokens(clientId: string, secret: string, redirectUri: string, browser = new HttpBrowser(server.issuer)) {
  const { verifier, challenge } = pkcePair();
  const { url, response } = await authorize(browser, { clientId, redirectUri, username: 'alice', password: 'alice-password', challenge });
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code (${response.status}) at ${url}`);
  const tokens = await postForm(
    `${server.issuer}/token`,
    { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri },
    { authorization: basic(clientId, secret) },
  );
  expect(tokens.status, tokens.text).toBe(200);
  return { ...(tokens.body as { access_token: string; refresh_token: string }), browser };
}

describe('server status', () => {
  it('reports the running server and counts', async () => {
    const status = value(await admin.getServerStatus({}));
    expect(status).toMatchObject({ state: 'running', issuer: server.issuer, transport: 'ipc', scopes: ['mcp:whoami', 'mcp:echo'] });
    expect(status.counts.users).toBeGreaterThanOrEqual(1);
  });

  it('cannot restart the server when no restart is wired (browser mode, CLI)', async () => {
    expect(failure(await admin.restartServer({ port: 9000 })).code).toBe('unavailable');
  });
});

describe('input validation', () => {
  it.each([
    ['createClient', {}, 'name'],
    ['createClient', { name: 'x', extra: 1 }, 'input'],
    ['createClient', { name: 'x', redirectUris: 'http://localhost/cb' }, 'redirectUris'],
    ['createClient', { name: 'x', redirectUris: ['http://rp.example.com/cb'] }, 'redirectUris.0'],
    ['createClient', { name: 'x', redirectUris: ['https://a.example/cb#f'] }, 'redirectUris.0'],
    ['createClient', { name: 'x', isPublic: true }, 'isPublic'],
    ['createClient', { name: 'x', allowedScopes: ['mcp:admin'] }, 'allowedScopes'],
    ['addUser', { username: 'has space' }, 'username'],
    ['addUser', { username: 'bob', password: 'short' }, 'password'],
    ['getClient', { clientId: 42 }, 'clientId'],
    ['listClients', { limit: 0 }, 'limit'],
    ['restartServer', { port: 80 }, 'port'],
  ] as const)('%s %j is refused with invalid_input on %s', async (operation, input, field) => {
    const error = failure(await (admin[operation] as (input: unknown) => Promise<Result<unknown>>)(input));
    expect(error.code).toBe('invalid_input');
    expect(error.message.length).toBeGreaterThan(5);
    if (field !== 'input') expect(Object.keys(error.fields ?? {})).toContain(field);
  });

  it('unknown clients and users are not_found', async () => {
    expect(failure(await admin.getClient({ clientId: 'nope' })).code).toBe('not_found');
    expect(failure(await admin.deleteUser({ username: 'nobody' })).code).toBe('not_found');
  });
});

describe('machine-to-machine clients (no redirect URI)', () => {
  it('create shows the secret once, the engine accepts it, and the list shows when it was last used', async () => {
    const created = value(await admin.createClient({ name: 'Nightly job' }));
    expect(created.client).toMatchObject({ flow: 'client_credentials', registrationType: 'manual', isPublic: false, lastUsedAt: null });
    expect(created.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(value(await admin.getClient({ clientId: created.client.clientId })))).not.toContain(created.clientSecret);

    const token = await clientCredentialsToken(created.client.clientId, created.clientSecret!);
    expect(token.status).toBe(200);
    expect((await callWhoami(mcpUrl, token.body.access_token as string)).status).toBe(200);

    const listed = value(await admin.listClients({ search: 'Nightly' })).clients.find((c) => c.clientId === created.client.clientId);
    expect(listed?.lastUsedAt).toEqual(expect.any(Number));
    expect(listed?.activeTokens).toBe(1);
  });

  it('rotating the secret invalidates the old one at once', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'Rotating job' }));
    const rotated = value(await admin.rotateClientSecret({ clientId: client.clientId }));
    expect(rotated.clientSecret).not.toBe(clientSecret);
    expect((await clientCredentialsToken(client.clientId, clientSecret!)).status).toBe(401);
    expect((await clientCredentialsToken(client.clientId, rotated.clientSecret!)).status).toBe(200);
  });

  it('narrowing the allowed scopes narrows new tokens, and refuses a scope outside them', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'Narrow job' }));
    value(await admin.updateClient({ clientId: client.clientId, allowedScopes: ['mcp:whoami'] }));
    const token = await clientCredentialsToken(client.clientId, clientSecret!);
    expect(token.body.scope).toBe('mcp:whoami');
    expect((await clientCredentialsToken(client.clientId, clientSecret!, 'mcp:echo')).body.error).toBe('invalid_scope');
  });

  it('a disabled client gets no tokens and its tokens stop working; enabling restores it', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'Disabled job' }));
    const token = (await clientCredentialsToken(client.clientId, clientSecret!)).body.access_token as string;
    expect(value(await admin.setClientDisabled({ clientId: client.clientId, disabled: true })).disabled).toBe(true);
    expect((await callWhoami(mcpUrl, token)).status).toBe(401);
    expect((await clientCredentialsToken(client.clientId, clientSecret!)).body.error).toBe('invalid_client');
    value(await admin.setClientDisabled({ clientId: client.clientId, disabled: false }));
    expect((await callWhoami(mcpUrl, token)).status).toBe(200);
  });

  it('a public client without redirect URIs is refused, and a public client has no secret to rotate', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'CLI app', redirectUris: ['http://127.0.0.1/callback'], isPublic: true }));
    expect(clientSecret).toBeNull();
    expect(client.tokenEndpointAuthMethod).toBe('none');
    expect(failure(await admin.rotateClientSecret({ clientId: client.clientId })).code).toBe('conflict');
  });
});

describe('clients that act for users, and consents', () => {
  const redirectUri = 'http://127.0.0.1:4200/callback';
  let clientId: string;
  let secret: string;

  beforeAll(async () => {
    value(await admin.addUser({ username: 'alice', displayName: 'Alice', password: 'alice-password' }));
    const created = value(await admin.createClient({ name: 'Team web app', redirectUris: [redirectUri] }));
    clientId = created.client.clientId;
    secret = created.clientSecret!;
    expect(created.client).toMatchObject({ flow: 'authorization_code', isPublic: false, redirectUris: [redirectUri] });
  });

  it('lists alice after she consents, with her scopes and live tokens', async () => {
    await aliceTokens(clientId, secret, redirectUri);
    const consents = value(await admin.listConsents({ clientId }));
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ username: 'alice', displayName: 'Alice', clientId, scopes: ['mcp:echo', 'mcp:whoami'] });
    expect(consents[0]!.activeTokens).toBeGreaterThanOrEqual(2);
    expect(value(await admin.listConsents({ username: 'alice' })).map((c) => c.clientId)).toContain(clientId);
    expect(value(await admin.getClient({ clientId })).consentCount).toBe(1);
  });

  it('revoking alice\'s consent kills her access and refresh tokens at once and asks for consent again', async () => {
    const { access_token, refresh_token, browser } = await aliceTokens(clientId, secret, redirectUri);
    expect((await callWhoami(mcpUrl, access_token)).status).toBe(200);

    const revoked = value(await admin.revokeConsent({ clientId, username: 'alice' }));
    expect(revoked.revokedTokens).toBeGreaterThanOrEqual(2);

    expect((await callWhoami(mcpUrl, access_token)).status).toBe(401);
    const refresh = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', refresh_token }, { authorization: basic(clientId, secret) });
    expect(refresh.body.error).toBe('invalid_grant');
    expect((await postForm(`${server.issuer}/introspect`, { token: access_token }, { authorization: basic(clientId, secret) })).body).toEqual({
      active: false,
    });

    // Same browser, still signed in: the consent page comes back.
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const page = await browser.follow(`/authorize?${params}`);
    expect(await page.response.text()).toContain('Allow access?');
    expect(value(await admin.listConsents({ clientId }))).toHaveLength(0);
    expect(failure(await admin.revokeConsent({ clientId, username: 'alice' })).code).toBe('not_found');
  });

  it('revoke all removes every consent of the client', async () => {
    await aliceTokens(clientId, secret, redirectUri);
    const result = value(await admin.revokeAllConsents({ clientId }));
    expect(result.revokedConsents).toBe(1);
    expect(value(await admin.listConsents({ clientId }))).toEqual([]);
  });

  it('a disabled client cannot start an authorization', async () => {
    value(await admin.setClientDisabled({ clientId, disabled: true }));
    try {
      const params = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
      const response = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    } finally {
      value(await admin.setClientDisabled({ clientId, disabled: false }));
    }
  });

  it('editing redirect URIs takes effect; an auth-code client keeps at least one', async () => {
    const updated = value(await admin.updateClient({ clientId, name: 'Team web app (renamed)', redirectUris: [redirectUri, 'https://app.example/cb'] }));
    expect(updated).toMatchObject({ name: 'Team web app (renamed)', redirectUris: [redirectUri, 'https://app.example/cb'] });
    expect(failure(await admin.updateClient({ clientId, redirectUris: [] })).code).toBe('invalid_input');
  });

  it('deleting the client revokes its consents and tokens first', async () => {
    const { access_token } = await aliceTokens(clientId, secret, redirectUri);
    const result = value(await admin.deleteClient({ clientId }));
    expect(result.revokedConsents).toBe(1);
    expect((await callWhoami(mcpUrl, access_token)).status).toBe(401);
    expect(failure(await admin.getClient({ clientId })).code).toBe('not_found');
  });
});

describe('self-registered clients in the list', () => {
  it('shows a DCR client as dynamic, and filters and searches', async () => {
    const reg = await registerPublicClient(server.issuer, { client_name: 'Registered by itself' });
    const dynamic = value(await admin.listClients({ registrationType: 'dynamic' })).clients;
    expect(dynamic.map((c) => c.clientId)).toContain(reg.client_id);
    expect(dynamic.every((c) => c.registrationType === 'dynamic')).toBe(true);
    const manual = value(await admin.listClients({ registrationType: 'manual' })).clients;
    expect(manual.map((c) => c.clientId)).not.toContain(reg.client_id);
    const found = value(await admin.listClients({ search: 'by itself' }));
    expect(found.clients.map((c) => c.clientId)).toEqual([reg.client_id]);
    expect(value(await admin.listClients({ search: '%' })).total).toBe(0); // LIKE wildcards are literal
  });

  it('pages through the list', async () => {
    const all = value(await admin.listClients({ limit: 500 }));
    const first = value(await admin.listClients({ limit: 2, offset: 0 }));
    const second = value(await admin.listClients({ limit: 2, offset: 2 }));
    expect(first.total).toBe(all.total);
    expect([...first.clients, ...second.clients].map((c) => c.clientId)).toEqual(all.clients.slice(0, 4).map((c) => c.clientId));
  });
});

describe('users', () => {
  it('adds, refuses a duplicate, disables (no sign-in, tokens stop) and deletes (consents go)', async () => {
    value(await admin.addUser({ username: 'bob', password: 'bob-password' }));
    expect(failure(await admin.addUser({ username: 'bob' })).code).toBe('conflict');

    const { client, clientSecret } = value(await admin.createClient({ name: 'Bob app', redirectUris: ['http://127.0.0.1:4300/cb'] }));
    const { verifier, challenge } = pkcePair();
    const flow = await authorize(new HttpBrowser(server.issuer), {
      clientId: client.clientId,
      redirectUri: 'http://127.0.0.1:4300/cb',
      username: 'bob',
      password: 'bob-password',
      challenge,
    });
    const tokens = await postForm(
      `${server.issuer}/token`,
      { grant_type: 'authorization_code', code: flow.url.searchParams.get('code')!, code_verifier: verifier, redirect_uri: 'http://127.0.0.1:4300/cb' },
      { authorization: basic(client.clientId, clientSecret!) },
    );
    const accessToken = tokens.body.access_token as string;
    expect((await callWhoami(mcpUrl, accessToken)).status).toBe(200);

    const disabled = value(await admin.setUserDisabled({ username: 'bob', disabled: true }));
    expect(disabled.disabled).toBe(true);
    expect((await callWhoami(mcpUrl, accessToken)).status).toBe(401);
    const signIn = await authorize(new HttpBrowser(server.issuer), {
      clientId: client.clientId,
      redirectUri: 'http://127.0.0.1:4300/cb',
      username: 'bob',
      password: 'bob-password',
      challenge: pkcePair().challenge,
    });
    expect(signIn.response.status).toBe(401);

    value(await admin.setUserDisabled({ username: 'bob', disabled: false }));
    const users = value(await admin.listUsers({}));
    expect(users.find((u) => u.username === 'bob')).toMatchObject({ hasPassword: true, disabled: false, consentCount: 1 });
    expect(users.find((u) => u.username === TEST_USERNAME)).toMatchObject({ hasPassword: false });

    expect(value(await admin.deleteUser({ username: 'bob' })).revokedConsents).toBe(1);
    expect((await callWhoami(mcpUrl, accessToken)).status).toBe(401);
    expect(value(await admin.listConsents({ clientId: client.clientId }))).toEqual([]);
  });
});
