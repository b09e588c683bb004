import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminService } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import { RegistrationSettingsStore } from '../../src/main/store/registration-settings';
import { DEFAULT_REGISTRATION_SETTINGS, type RegistrationSettings } from '../../src/shared/registration';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { DocumentServer, testResolver } from '../helpers/document-server';
import { HttpBrowser, pkcePair } from '../helpers/http-browser';
import { MemoryOAuthClientProvider } from '../helpers/oauth-client-provider';
import { approve, authorizedClient, toolText } from '../helpers/sdk-flow';
import { adminServiceFor, value } from '../helpers/admin';

/**
 * Client ID Metadata Documents (SECURITY_CASES B.11–B.20): a client_id that is
 * an https URL is resolved by fetching it, under every rule of the draft, and
 * never from an address the fetch must not reach.
 */

const CALLBACK = 'http://127.0.0.1:9/callback';
let server: RunningServer & { removeDataDir: () => void };
let documents: DocumentServer;
let admin: AdminService;
let mcpUrl: string;
const resolver = testResolver();

function settings(change: (s: RegistrationSettings) => void): void {
  const store = new RegistrationSettingsStore(server.db);
  const next = store.get();
  change(next);
  store.set(next);
}

beforeAll(async () => {
  documents = await new DocumentServer().start();
  server = await startTestServer({ metadataDocumentFetch: { extraCaPem: documents.caPem, resolver: resolver.resolve } });
  mcpUrl = `http://localhost:${server.port}/mcp`;
  admin = adminServiceFor(server);
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
  await documents?.close();
});

beforeEach(() => {
  // The document server is on this machine: its test host names are allowed to resolve to loopback.
  settings((s) => {
    s.metadataDocuments = { ...DEFAULT_REGISTRATION_SETTINGS.metadataDocuments, privateHostsAllowed: ['localhost', 'docs.allowed.test', 'other.test', 'approval.test'] };
  });
});

/** GET /authorize for a URL client_id, as a browser would, without following redirects. */
async function authorizeWith(clientId: string) {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'st',
    resource: mcpUrl,
  });
  const response = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual', headers: { accept: 'text/html' } });
  return { status: response.status, location: response.headers.get('location'), page: await response.text() };
}

describe('metadata document flow', () => {
  it('an MCP SDK client with clientMetadataUrl completes the whole flow; the admin list shows it with its URL', async () => {
    documents.document('/sdk-client.json');
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    provider.clientMetadataUrl = documents.url('/sdk-client.json');
    const client = await authorizedClient(mcpUrl, server.issuer, provider, TEST_USERNAME);
    expect(provider.clientInfo?.client_id).toBe(provider.clientMetadataUrl); // no registration happened
    const me = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(me.client_id).toBe(provider.clientMetadataUrl);
    await client.close();

    const listed = value(await admin.listClients({ registrationType: 'metadata_document' })).clients;
    expect(listed.map((c) => c.clientId)).toContain(provider.clientMetadataUrl);
    const detail = value(await admin.getClient({ clientId: provider.clientMetadataUrl! }));
    expect(detail).toMatchObject({ registrationType: 'metadata_document', name: 'Metadata document test client' });
    expect(detail.documentFetchedAt).toEqual(expect.any(Number));
    expect(detail.metadata.redirect_uris).toEqual(['http://127.0.0.1/callback', 'http://localhost/callback']);
  });

  it('discovery advertises metadata documents only while they are on', async () => {
    const on = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(on.client_id_metadata_document_supported).toBe(true);
    settings((s) => (s.metadataDocuments.enabled = false));
    const off = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(off).not.toHaveProperty('client_id_metadata_document_supported');
    documents.document('/off.json');
    const before = documents.requestsTo('/off.json');
    expect((await authorizeWith(documents.url('/off.json'))).status).toBe(400);
    expect(documents.requestsTo('/off.json')).toBe(before);
  });

  it('the consent page names the document host and says when every redirect URI is on this computer', async () => {
    documents.document('/consent.json', { client_name: 'Consent page client' });
    const browser = new HttpBrowser(server.issuer);
    const params = new URLSearchParams({
      response_type: 'code', client_id: documents.url('/consent.json'), redirect_uri: CALLBACK,
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    let step = await browser.follow(`/authorize?${params}`);
    let html = await step.response.text();
    if (html.includes('<h1>Sign in</h1>')) {
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
      step = await browser.postForm(/action="([^"]+)"/.exec(html)![1]!, { csrf, username: TEST_USERNAME, password: '', action: 'sign-in' });
      html = await step.response.text();
    }
    expect(html).toContain('Allow access?');
    expect(html).toContain(`metadata document at <strong>localhost:${documents.port}</strong>`);
    expect(html).toContain('on this computer (localhost)');
    expect(html).toContain('127.0.0.1:9'); // where the browser goes back to
  });
});

describe('URL rules (B.11, B.12): refused without any fetch', () => {
  it.each([
    ['http (not https)', (d: DocumentServer) => `http://localhost:${d.port}/c.json`],
    ['a fragment', (d: DocumentServer) => `${d.url('/c.json')}#frag`],
    ['user information', (d: DocumentServer) => `https://user:pass@localhost:${d.port}/c.json`],
    ['a dot segment', (d: DocumentServer) => `https://localhost:${d.port}/a/../c.json`],
    ['an encoded dot segment', (d: DocumentServer) => `https://localhost:${d.port}/a/%2e%2e/c.json`],
    ['no path', (d: DocumentServer) => `https://localhost:${d.port}`],
    ['surrounding whitespace', (d: DocumentServer) => ` ${d.url('/c.json')} `],
  ])('a client_id with %s', async (_name, build) => {
    documents.document('/c.json');
    const before = documents.requests.length;
    const result = await authorizeWith(build(documents));
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
    expect(documents.requests.length).toBe(before);
  });
});

describe('document rules (B.13–B.17)', () => {
  it.each([
    ['a client_id that differs from the URL', { client_id: 'https://elsewhere.example/c.json' }],
    ['a client_id with the default port added', { client_id: 'https://localhost:443/mismatch.json' }],
    ['token_endpoint_auth_method client_secret_basic', { token_endpoint_auth_method: 'client_secret_basic' }],
    ['token_endpoint_auth_method client_secret_post', { token_endpoint_auth_method: 'client_secret_post' }],
    ['token_endpoint_auth_method client_secret_jwt', { token_endpoint_auth_method: 'client_secret_jwt' }],
    ['a client_secret', { client_secret: 'shh' }],
  ])('a document with %s is refused (invalid_client_metadata)', async (name, fields) => {
    const path = `/rule-${name.replace(/\W+/g, '-')}.json`;
    documents.document(path, fields);
    const result = await authorizeWith(documents.url(path));
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
    expect(result.page).toContain('invalid_client_metadata');
  });

  it('a redirect is not followed (invalid_client)', async () => {
    documents.routes.set('/moved.json', { status: 302, headers: { location: documents.url('/target.json') } });
    documents.document('/target.json');
    const result = await authorizeWith(documents.url('/moved.json'));
    expect(result.status).toBe(400);
    expect(result.page).toContain('invalid_client');
    expect(documents.requestsTo('/target.json')).toBe(0);
  });

  it.each([
    ['404', { status: 404, body: '{}' }],
    ['500', { status: 500, body: '{}' }],
    ['a body that is not JSON', { status: 200, body: 'not json' }],
    ['a JSON body with another content type', { status: 200, body: '{}', headers: { 'content-type': 'text/html' } }],
  ])('%s is refused (invalid_client) and not cached: the next request fetches again', async (name, route) => {
    const path = `/bad-${name.replace(/\W+/g, '-')}.json`;
    documents.routes.set(path, route);
    expect((await authorizeWith(documents.url(path))).page).toContain('invalid_client');
    const afterFirst = documents.requestsTo(path);
    expect(afterFirst).toBeGreaterThan(0);
    expect((await authorizeWith(documents.url(path))).status).toBe(400);
    expect(documents.requestsTo(path)).toBeGreaterThan(afterFirst);
  });

  it.each([
    ['a body over 5 KB', { 'x-padding': 'a' }, 'a'.repeat(6000)],
    ['a Content-Length over 5 KB', { 'content-length': '9000' }, ''],
  ])('%s is refused', async (name, headers, padding) => {
    const path = `/big-${name.replace(/\W+/g, '-')}.json`;
    documents.routes.set(path, { headers, body: (url) => JSON.stringify({ client_id: url, redirect_uris: [CALLBACK], padding }) });
    const result = await authorizeWith(documents.url(path));
    expect(result.status).toBe(400);
    expect(result.page).toContain('invalid_client');
  });
});

describe('SSRF (B.18): no connection to a refused address', () => {
  // A document server of its own, so no connection left over from another test is counted.
  let isolated: DocumentServer;
  beforeAll(async () => {
    isolated = await new DocumentServer().start();
  });
  afterAll(() => isolated.close());

  it.each([
    ['a host name resolving to 127.0.0.1', (d: DocumentServer) => d.url('/ssrf.json', 'evil.test')],
    ['the literal 127.0.0.1', (d: DocumentServer) => d.url('/ssrf.json', '127.0.0.1')],
    ['a decimal IP literal (2130706433)', (d: DocumentServer) => d.url('/ssrf.json', '2130706433')],
    ['an octal IP literal (0177.0.0.1)', (d: DocumentServer) => d.url('/ssrf.json', '0177.0.0.1')],
    ['the literal [::1]', (d: DocumentServer) => d.url('/ssrf.json', '[::1]')],
  ])('%s: refused before connecting', async (_name, build) => {
    isolated.document('/ssrf.json');
    const result = await authorizeWith(build(isolated));
    expect(result.status).toBe(400);
    expect(result.page).toContain('a loopback, private or special-use address: not fetched');
    expect(isolated.connections).toBe(0);
  });

  it.each(['10.0.0.1', '169.254.169.254', 'fc00::1', '::ffff:10.0.0.1', '192.168.1.1', '100.64.0.1'])(
    'a host resolving to %s is refused before connecting',
    async (address) => {
      const local = testResolver({ 'internal.test': address });
      const probe = await startTestServer({ metadataDocumentFetch: { extraCaPem: documents.caPem, resolver: local.resolve } });
      try {
        const params = new URLSearchParams({ response_type: 'code', client_id: `https://internal.test:${isolated.port}/c.json`, redirect_uri: CALLBACK, code_challenge: pkcePair().challenge, code_challenge_method: 'S256' });
        const response = await fetch(`${probe.issuer}/authorize?${params}`, { redirect: 'manual', headers: { accept: 'text/html' } });
        expect(response.status).toBe(400);
        expect(await response.text()).toContain(`resolves to ${address}`);
        expect(local.calls.length).toBeGreaterThan(0);
        expect(new Set(local.calls)).toEqual(new Set(['internal.test']));
        expect(isolated.connections).toBe(0);
      } finally {
        await probe.close();
        probe.removeDataDir();
      }
    },
  );

  it('loopback documents are refused unless the admin allowed the host', async () => {
    settings((s) => (s.metadataDocuments.privateHostsAllowed = []));
    isolated.document('/needs-allow.json');
    expect((await authorizeWith(isolated.url('/needs-allow.json'))).status).toBe(400);
    expect(isolated.connections).toBe(0);
  });

  it('the address checked is the address connected to: one lookup per fetch, used by the connection itself', async () => {
    isolated.document('/one-lookup.json');
    const calls = resolver.calls.length;
    expect(isolated.connections).toBe(0);
    const result = await authorizeWith(isolated.url('/one-lookup.json', 'docs.allowed.test'));
    expect(result.status).toBe(303); // resolved and accepted: on to sign-in
    expect(resolver.calls.slice(calls)).toEqual(['docs.allowed.test']);
    expect(isolated.connections).toBe(1);
  });
});

describe('caching (B.19)', () => {
  it('honours Cache-Control (within bounds); the admin Refresh fetches again; new redirect URIs end the consents', async () => {
    documents.document('/cached.json', {}, { 'cache-control': 'max-age=3600' });
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    provider.clientMetadataUrl = documents.url('/cached.json');
    const browser = new HttpBrowser(server.issuer);
    await (await authorizedClient(mcpUrl, server.issuer, provider, TEST_USERNAME, browser)).close();
    const fetched = documents.requestsTo('/cached.json');
    expect(fetched).toBe(1);
    await authorizeWith(provider.clientMetadataUrl!);
    expect(documents.requestsTo('/cached.json')).toBe(1); // served from the cache

    expect(value(await admin.listConsents({ clientId: provider.clientMetadataUrl! }))).toHaveLength(1);
    documents.document('/cached.json', { redirect_uris: ['http://127.0.0.1/other-callback'] }, { 'cache-control': 'max-age=3600' });
    value(await admin.refreshMetadataDocument({ clientId: provider.clientMetadataUrl! }));
    expect(documents.requestsTo('/cached.json')).toBe(2);
    expect(value(await admin.getClient({ clientId: provider.clientMetadataUrl! })).redirectUris).toEqual(['http://127.0.0.1/other-callback']);
    expect(value(await admin.listConsents({ clientId: provider.clientMetadataUrl! }))).toEqual([]);
    const refreshToken = provider.savedTokens!.refresh_token!;
    const refresh = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: provider.clientMetadataUrl! }),
    });
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('concurrent resolutions of one URL share one fetch', async () => {
    documents.document('/coalesced.json', {}, { 'cache-control': 'no-store' });
    await Promise.all(Array.from({ length: 5 }, () => authorizeWith(documents.url('/coalesced.json'))));
    expect(documents.requestsTo('/coalesced.json')).toBe(1);
  });
});

describe('trust policies', () => {
  it('only listed domains: a listed domain is fetched, another is refused without a fetch', async () => {
    settings((s) => {
      s.metadataDocuments.trust = 'listed';
      s.metadataDocuments.allowedDomains = ['allowed.test'];
    });
    documents.document('/listed.json');
    expect((await authorizeWith(documents.url('/listed.json', 'docs.allowed.test'))).status).toBe(303);
    const before = documents.requests.length;
    const other = await authorizeWith(documents.url('/listed.json', 'other.test'));
    expect(other.status).toBe(400);
    expect(other.page).toContain('not one of the domains allowed');
    expect(documents.requests.length).toBe(before);
  });

  it('a blocked domain and a blocked client_id are refused', async () => {
    settings((s) => (s.metadataDocuments.blockedDomains = ['other.test']));
    documents.document('/blocked.json');
    expect((await authorizeWith(documents.url('/blocked.json', 'other.test'))).page).toContain('is blocked');
    value(await admin.decideApproval({ clientId: documents.url('/blocked.json', 'docs.allowed.test'), decision: 'blocked' }));
    expect((await authorizeWith(documents.url('/blocked.json', 'docs.allowed.test'))).page).toContain('blocked by the administrator');
  });

  it('approval required: the browser waits, the request shows up for the admin, and the flow completes once approved', async () => {
    settings((s) => (s.metadataDocuments.trust = 'approval'));
    documents.document('/approval.json', { client_name: 'Needs approval' });
    const provider = new MemoryOAuthClientProvider(CALLBACK);
    provider.clientMetadataUrl = documents.url('/approval.json', 'approval.test');
    const browser = new HttpBrowser(server.issuer);
    const { tryConnect } = await import('../helpers/sdk-flow');
    expect(await tryConnect(mcpUrl, provider)).toBe(false);

    const waiting = await browser.follow(provider.authorizationUrl!);
    expect(waiting.response.status).toBe(403);
    const page = await waiting.response.text();
    expect(page).toContain('Waiting for administrator approval');
    expect(page).toContain('http-equiv="refresh"');
    const pending = value(await admin.listApprovals({ decision: 'pending' }));
    expect(pending).toEqual([expect.objectContaining({ clientId: provider.clientMetadataUrl, host: `approval.test:${documents.port}`, clientName: 'Needs approval' })]);

    value(await admin.decideApproval({ clientId: provider.clientMetadataUrl!, decision: 'approved' }));
    // The waiting page reloads the same authorization request: now it goes through.
    const callback = await approve(browser, provider.authorizationUrl!, TEST_USERNAME);
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(value(await admin.listApprovals({ decision: 'approved' })).map((a) => a.clientId)).toContain(provider.clientMetadataUrl);
  });
});
