import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
  UnauthorizedError as UnauthorizedV2,
  auth as authV2,
} from '@modelcontextprotocol/client';
import type { AdminService } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import type { ActivityEvent } from '../../src/shared/events';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { HttpBrowser, authorize, pkcePair } from '../helpers/http-browser';
import { CALLBACK, codeFor, exchangeCode, postForm, registerPublicClient } from '../helpers/oauth';
import { MemoryOAuthClientProvider } from '../helpers/oauth-client-provider';
import { approve, authorizedClient, finish, toolText, tryConnect } from '../helpers/sdk-flow';
import { adminServiceFor, value } from '../helpers/admin';

/**
 * The activity log and what it is for: each step of a client's flow recorded in
 * order, failures with the OAuth error and the reason, no secret anywhere, a
 * protocol report computed from it, and the controls for testing clients.
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

async function eventsOf(clientId: string): Promise<ActivityEvent[]> {
  return value(await admin.listEvents({ clientId, limit: 1000 })).reverse();
}

/** Event types in order, without the MCP traffic whose interleaving depends on the SDK's timing. */
const flowTypes = (events: ActivityEvent[]) => events.filter((e) => !e.type.startsWith('mcp.')).map((e) => e.type);

function databaseText(): string {
  return readdirSync(server.dataDir)
    .filter((name) => name.includes('.sqlite'))
    .map((name) => readFileSync(join(server.dataDir, name)).toString('latin1'))
    .join('\n');
}

describe('event log', () => {
  const secrets: string[] = [];

  it('an MCP SDK client flow is recorded step by step, in order', async () => {
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    const browser = new HttpBrowser(server.issuer);
    const client = await authorizedClient(mcpUrl, server.issuer, provider, TEST_USERNAME, browser);
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).username).toBe(TEST_USERNAME);
    await client.close();
    const clientId = provider.clientInfo!.client_id as string;
    secrets.push(provider.savedTokens!.access_token, provider.savedTokens!.refresh_token!, provider.verifier);

    const events = await eventsOf(clientId);
    expect(flowTypes(events)).toEqual([
      'client.registered',
      'authorization.requested',
      'signin.succeeded',
      'consent.granted',
      'authorization.completed',
      'token.issued',
    ]);
    const requested = events.find((e) => e.type === 'authorization.requested')!;
    expect(requested.data).toMatchObject({ pkceMethod: 'S256', statePresent: true, resource: mcpUrl, redirectUri: CALLBACK });
    expect(events.find((e) => e.type === 'signin.succeeded')!.username).toBe(TEST_USERNAME);
    const mcp = events.filter((e) => e.type === 'mcp.accepted').flatMap((e) => e.data.methods as string[]);
    expect(mcp).toEqual(expect.arrayContaining(['initialize', 'tools/call whoami']));
    // The 401 before registration cannot be tied to a client; it is in the log all the same.
    const anonymous = value(await admin.listEvents({ type: 'mcp.refused', limit: 50 }));
    expect(anonymous.some((e) => e.clientId === null && e.data.status === 401)).toBe(true);
  });

  it('a wrong PKCE verifier is recorded with the OAuth error and the internal reason', async () => {
    const { client_id: clientId } = await registerPublicClient(server.issuer);
    const { challenge } = pkcePair();
    const { url } = await authorize(new HttpBrowser(server.issuer), { clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge });
    const code = url.searchParams.get('code')!;
    const wrongVerifier = pkcePair().verifier;
    secrets.push(code, wrongVerifier);
    const result = await exchangeCode(server.issuer, clientId, code, wrongVerifier);
    expect(result.body.error).toBe('invalid_grant');

    const events = await eventsOf(clientId);
    expect(flowTypes(events)).toEqual([
      'client.registered',
      'authorization.requested',
      'signin.succeeded',
      'consent.granted',
      'authorization.completed',
      'token.request_failed',
    ]);
    const failed = events.at(-1)!;
    expect(failed).toMatchObject({ outcome: 'failure', error: 'invalid_grant' });
    expect(failed.reason).toMatch(/code_verifier/);
  });

  it('a reused refresh token is recorded as such, with the grant revoked', async () => {
    const { client_id: clientId } = await registerPublicClient(server.issuer);
    const { verifier, challenge } = pkcePair();
    const { url } = await authorize(new HttpBrowser(server.issuer), { clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge });
    const tokens = await exchangeCode(server.issuer, clientId, url.searchParams.get('code')!, verifier);
    const first = tokens.body.refresh_token as string;
    const refreshed = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: first });
    const replay = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: first });
    expect(replay.body.error).toBe('invalid_grant');
    secrets.push(url.searchParams.get('code')!, tokens.body.access_token as string, first, refreshed.body.access_token as string, refreshed.body.refresh_token as string);

    const events = await eventsOf(clientId);
    expect(flowTypes(events).slice(-3)).toEqual(['token.issued', 'token.refreshed', 'token.refresh_reuse']);
    const issued = events.find((e) => e.type === 'token.issued')!;
    const rotatedFrom = events.find((e) => e.type === 'token.refreshed')!.data.previousRefreshToken;
    expect(rotatedFrom).toBe(issued.data.refreshToken);
    expect(String(rotatedFrom)).toMatch(/^[0-9a-f]{8}$/);
    expect(events.at(-1)!.summary).toMatch(/whole grant was revoked/);
  });

  it('token events name the tokens issued and rotated by their fingerprints (the start of their SHA-256)', async () => {
    const label = (token: unknown) => createHash('sha256').update(String(token)).digest('hex').slice(0, 8);
    const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    const issued = await exchangeCode(server.issuer, clientId, code, verifier);
    expect(issued.status).toBe(200);
    const refreshed = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: issued.body.refresh_token as string });
    expect(refreshed.status).toBe(200);
    const events = await eventsOf(clientId);
    expect(events.find((e) => e.type === 'token.issued')?.data).toMatchObject({
      accessToken: label(issued.body.access_token),
      refreshToken: label(issued.body.refresh_token),
    });
    expect(events.find((e) => e.type === 'token.refreshed')?.data).toMatchObject({
      accessToken: label(refreshed.body.access_token),
      refreshToken: label(refreshed.body.refresh_token),
      previousRefreshToken: label(issued.body.refresh_token),
    });
  });

  it('no token, code, verifier or secret appears in the events table or the export', async () => {
    const { client, clientSecret } = value(await admin.createClient({ name: 'Secret holder' }));
    const token = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${clientSecret}`).toString('base64')}`,
    });
    secrets.push(clientSecret!, token.body.access_token as string);
    expect(secrets.length).toBeGreaterThanOrEqual(10);

    const exported = value(await admin.exportEvents({})).jsonl; // (reading the log writes any queued events first)
    const table = JSON.stringify(server.db.prepare('SELECT * FROM events').all());
    expect(exported.split('\n').filter(Boolean).length).toBeGreaterThan(20);
    expect(table).toContain(client.clientId); // the check can fail: ids are there
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      expect(table.includes(secret)).toBe(false);
      expect(exported.includes(secret)).toBe(false);
      expect(databaseText().includes(secret)).toBe(false);
    }
  });

  it('filters by type family, outcome and user', async () => {
    const tokens = value(await admin.listEvents({ type: 'token', limit: 500 }));
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((e) => e.type.startsWith('token.'))).toBe(true);
    const failures = value(await admin.listEvents({ outcome: 'failure', limit: 500 }));
    expect(failures.every((e) => e.outcome === 'failure')).toBe(true);
    const byUser = value(await admin.listEvents({ username: TEST_USERNAME, limit: 500 }));
    expect(byUser.length).toBeGreaterThan(0);
    expect(byUser.every((e) => e.username === TEST_USERNAME)).toBe(true);
  });
});

describe('protocol report', () => {
  it('a well-behaved SDK client (v2) passes every rule', async () => {
    // SDK v2, because it re-authorizes for a wider scope after a 403; v1 (1.32) refreshes instead,
    // gets the same scopes back, and gives up: its report shows step-up as failed.
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    const browser = new HttpBrowser(server.issuer);
    const connectV2 = async () => {
      const client = new ClientV2({ name: 'auth-desk-test', version: '1.0.0' });
      await client.connect(new TransportV2(new URL(mcpUrl), { authProvider: provider as never }));
      return client;
    };
    const finishV2 = (callback: URL) => new TransportV2(new URL(mcpUrl), { authProvider: provider as never }).finishAuth(callback.searchParams);
    await expect(connectV2()).rejects.toBeInstanceOf(UnauthorizedV2);
    const clientId = provider.clientInfo!.client_id as string;
    // Start with less than everything (mcp:whoami), so the step-up rule can be observed.
    expect(await authV2(provider as never, { serverUrl: mcpUrl, scope: 'mcp:whoami' })).toBe('REDIRECT');
    await finishV2(await approve(browser, provider.authorizationUrl!, TEST_USERNAME));

    // 403 insufficient_scope for echo → the SDK asks for the missing scope → the person approves.
    let client = await connectV2();
    await expect(client.callTool({ name: 'echo', arguments: { text: 'hi' } })).rejects.toThrow();
    expect(provider.authorizationUrl!.searchParams.get('scope')).toContain('mcp:echo');
    await finishV2(await approve(browser, provider.authorizationUrl!, TEST_USERNAME));
    client = await connectV2();
    expect(toolText(await client.callTool({ name: 'echo', arguments: { text: 'hi' } }))).toBe('hi');

    // Its tokens expire → 401 → the SDK refreshes on its own.
    value(await admin.expireClientTokens({ clientId }));
    expect(JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).client_id).toBe(clientId);
    await client.close();

    const report = value(await admin.getProtocolReport({ clientId }));
    const statuses = Object.fromEntries(report.rules.map((rule) => [rule.id, rule.status]));
    expect(statuses).toEqual({
      'pkce-s256': 'pass',
      state: 'pass',
      resource: 'pass',
      'redirect-uri': 'pass',
      'public-client': 'pass',
      'advertised-scopes': 'pass',
      'recovers-from-401': 'pass',
      'refresh-rotation': 'pass',
      'step-up': 'pass',
    });
    expect(report.rules.every((rule) => rule.specUrl.startsWith('https://'))).toBe(true);
  });

  it('a client that omits resource and state and reuses a refresh token gets warnings and failures', async () => {
    const { client_id: clientId } = await registerPublicClient(server.issuer);
    const { verifier, challenge } = pkcePair();
    const browser = new HttpBrowser(server.issuer);
    const params = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: CALLBACK, code_challenge: challenge, code_challenge_method: 'S256' });
    const callback = await approve(browser, new URL(`${server.issuer}/authorize?${params}`), TEST_USERNAME);
    const tokens = await exchangeCode(server.issuer, clientId, callback.searchParams.get('code')!, verifier);
    const refreshToken = tokens.body.refresh_token as string;
    await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
    await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });

    const report = value(await admin.getProtocolReport({ clientId }));
    const byId = Object.fromEntries(report.rules.map((rule) => [rule.id, rule]));
    expect(byId.resource!.status).toBe('fail');
    expect(byId.state!.status).toBe('warning');
    expect(byId['refresh-rotation']!.status).toBe('fail');
    expect(byId['pkce-s256']!.status).toBe('pass');
    expect(byId['step-up']!.status).toBe('not_observed');
    expect(byId['refresh-rotation']!.evidence.length).toBe(1);
  });
});

describe('controls for testing clients', () => {
  it('a 10-second access-token lifetime makes the SDK client refresh on its own and keep calling whoami', async () => {
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    const client = await authorizedClient(mcpUrl, server.issuer, provider, TEST_USERNAME);
    const clientId = provider.clientInfo!.client_id as string;
    expect(value(await admin.setClientTokenLifetimes({ clientId, accessTokenTtlSeconds: 10, refreshTokenTtlSeconds: null })).accessTokenTtlSeconds).toBe(10);
    // Tokens issued from now on live 10 s: refresh once to get one.
    expect(await auth(provider as never, { serverUrl: mcpUrl })).toBe('AUTHORIZED');
    const shortLived = provider.savedTokens!.access_token;
    expect(provider.savedTokens!.expires_in).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const me = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(me.client_id).toBe(clientId);
    expect(provider.savedTokens!.access_token).not.toBe(shortLived);
    await client.close();
    const types = (await eventsOf(clientId)).map((e) => e.type);
    expect(types.slice(types.lastIndexOf('mcp.refused'))).toEqual(expect.arrayContaining(['mcp.refused', 'token.refreshed', 'mcp.accepted']));
  }, 30_000);

  it('the token inspector shows what a token carries, never its value', async () => {
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    await (await authorizedClient(mcpUrl, server.issuer, provider, TEST_USERNAME)).close();
    const clientId = provider.clientInfo!.client_id as string;
    const listed = value(await admin.listClientTokens({ clientId }));
    expect(listed.map((t) => t.kind).sort()).toEqual(['AccessToken', 'RefreshToken']);
    expect(JSON.stringify(listed)).not.toContain(provider.savedTokens!.access_token);

    const pasted = value(await admin.inspectToken({ token: provider.savedTokens!.access_token }));
    expect(pasted).toMatchObject({ kind: 'AccessToken', status: 'active', clientId, username: TEST_USERNAME, format: 'opaque' });
    expect(pasted.audience).toEqual([mcpUrl]);
    expect(JSON.stringify(pasted)).not.toContain(provider.savedTokens!.access_token);
    const byRef = value(await admin.inspectToken({ ref: pasted.ref }));
    expect(byRef.fingerprint).toBe(pasted.fingerprint);
    const missing = await admin.inspectToken({ token: 'not-a-token' });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('not_found');

    value(await admin.expireClientTokens({ clientId, includeRefreshTokens: true }));
    expect(value(await admin.inspectToken({ ref: pasted.ref })).status).toBe('expired');
    const introspection = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: provider.savedTokens!.refresh_token! });
    expect(introspection.body.error).toBe('invalid_grant');
  });
});

describe('live activity (browser mode stream)', () => {
  it('pushes events as they happen to a stream opened with the admin token', async () => {
    const withUi = await startTestServer({ adminUi: { dir: undefined } });
    try {
      const token = withUi.adminUrl!.split('#token=')[1]!;
      const refused = await fetch(`${withUi.issuer}/admin/activity-stream`);
      expect(refused.status).toBe(401);
      const controller = new AbortController();
      const stream = await fetch(`${withUi.issuer}/admin/activity-stream`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      expect(stream.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = stream.body!.getReader();
      await registerPublicClient(withUi.issuer, { client_name: 'Streamed client' });
      let text = '';
      while (!text.includes('Streamed client')) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toMatch(/event: activity\ndata: \{.*"type":"client.registered"/);
      controller.abort();
    } finally {
      await withUi.close();
      withUi.removeDataDir();
    }
  });
});

describe('auto-approve (headless client tests)', () => {
  it('with --auto-approve the SDK client completes the flow with no browser; without it the same walk stops at sign-in', async () => {
    const auto = await startTestServer({ autoApproveUsername: TEST_USERNAME });
    const autoMcp = `http://localhost:${auto.port}/mcp`;
    try {
      const provider = new MemoryOAuthClientProvider(CALLBACK);
      expect(await tryConnect(autoMcp, provider)).toBe(false);
      // No pages, no forms: plain redirects all the way to the client's callback.
      const walk = await new HttpBrowser(auto.issuer).follow(provider.authorizationUrl!);
      expect(walk.url.origin + walk.url.pathname).toBe(CALLBACK);
      await finish(autoMcp, provider, walk.url);
      const client = await tryConnect(autoMcp, provider);
      expect(JSON.parse(toolText(await (client as Exclude<typeof client, false>).callTool({ name: 'whoami', arguments: {} }))).username).toBe(TEST_USERNAME);
      const types = auto.events.list({ limit: 100 }).map((e) => e.summary);
      expect(types.some((summary) => summary.includes('(auto-approve)'))).toBe(true);
    } finally {
      await auto.close();
      auto.removeDataDir();
    }

    const provider = new MemoryOAuthClientProvider(CALLBACK);
    expect(await tryConnect(mcpUrl, provider)).toBe(false);
    const walk = await new HttpBrowser(server.issuer).follow(provider.authorizationUrl!);
    expect(walk.url.origin).toBe(server.issuer);
    expect(await walk.response.text()).toContain('<h1>Sign in</h1>');
  });

  it('refuses to start for a user that does not exist', async () => {
    await expect(startTestServer({ autoApproveUsername: 'nobody-here' })).rejects.toThrowError(/--auto-approve nobody-here/);
  });
});
