import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminService } from '../../../src/main/admin/service';
import type { RunningServer } from '../../../src/main/server/create-server';
import { RegistrationSettingsStore } from '../../../src/main/store/registration-settings';
import { DEFAULT_REGISTRATION_SETTINGS } from '../../../src/shared/registration';
import { DocumentServer } from '../../helpers/document-server';
import { HttpBrowser, authorize, pkcePair } from '../../helpers/http-browser';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { adminServiceFor, value } from '../../helpers/admin';

/**
 * SECURITY_CASES B (cases 11–20): Client ID Metadata Documents, the server fetching
 * the client_id URL. The documents come from a local HTTPS server with a test-only
 * CA; host names are answered by a resolver this file controls, so no test touches
 * the network. One test per case, named by its number.
 */

const CALLBACK = 'http://127.0.0.1:9/callback';
let server: RunningServer & { removeDataDir: () => void };
let documents: DocumentServer;
let admin: AdminService;
/** Added to the server's own clock (the document cache follows it); the engine keeps real time. */
let clockOffset = 0;

/** What each test host name resolves to; a function answers per call (a DNS answer that changes). */
const answers = new Map<string, string | (() => string)>();
const lookups: string[] = [];
function resolver(hostname: string, callback: (error: Error | null, addresses: { address: string; family: number }[]) => void) {
  lookups.push(hostname);
  const answer = answers.get(hostname);
  const address = typeof answer === 'function' ? answer() : answer;
  if (!address) return callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
  callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
}

beforeAll(async () => {
  documents = await new DocumentServer().start();
  server = await startTestServer({
    now: () => Date.now() + clockOffset,
    metadataDocumentFetch: { extraCaPem: documents.caPem, resolver },
  });
  admin = adminServiceFor(server);
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
  await documents?.close();
});

beforeEach(() => {
  answers.clear();
  for (const host of ['localhost', 'docs.allowed.test', 'other.test', 'evil.test', 'approval.test']) answers.set(host, '127.0.0.1');
  // The document server runs on this machine: these names may resolve to loopback (the admin's
  // "allow this host for local testing"); every other name gets the SSRF rules.
  const store = new RegistrationSettingsStore(server.db);
  store.set({
    ...structuredClone(DEFAULT_REGISTRATION_SETTINGS),
    metadataDocuments: { ...DEFAULT_REGISTRATION_SETTINGS.metadataDocuments, privateHostsAllowed: ['localhost', 'docs.allowed.test', 'approval.test'] },
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
  });
  const response = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual', headers: { accept: 'text/html' } });
  return { status: response.status, location: response.headers.get('location'), page: await response.text() };
}

/** A unique path per call, so one test's document is never another's cache entry. */
let pathCounter = 0;
const uniquePath = (name: string) => `/${name}-${++pathCounter}.json`;

describe('B. Registration — CIMD', () => {
  it('B.11 an http (not https) client_id URL → not fetched; 400 error page, no redirect', async () => {
    const path = uniquePath('http');
    documents.document(path);
    const before = { connections: documents.connections, requests: documents.requests.length };
    const result = await authorizeWith(`http://localhost:${documents.port}${path}`);
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
    expect(result.page).toContain('<!doctype html>');
    expect(documents.connections).toBe(before.connections);
    expect(documents.requests.length).toBe(before.requests);
  });

  it('B.12 malformed client_id URLs (fragment, user:pass@, . / .. / %2e segments, no path, surrounding whitespace) → rejected with no network fetch', async () => {
    const path = uniquePath('malformed');
    documents.document(path);
    const origin = `https://localhost:${documents.port}`;
    const malformed = [
      `${origin}${path}#frag`,
      `https://user:pass@localhost:${documents.port}${path}`,
      `${origin}/a/..${path}`,
      `${origin}/a/.${path}`,
      `${origin}/./c.json`,
      `${origin}/a/%2e%2e${path}`,
      `${origin}/a/%2E${path}`,
      origin,
      `${origin}/`,
      ` ${origin}${path}`,
      `${origin}${path} `,
    ];
    for (const clientId of malformed) {
      const before = { connections: documents.connections, requests: documents.requests.length };
      const result = await authorizeWith(clientId);
      expect(result.status, clientId).toBe(400);
      expect(result.location, clientId).toBeNull();
      expect(documents.connections, clientId).toBe(before.connections);
      expect(documents.requests.length, clientId).toBe(before.requests);
    }
  });

  it('B.13 the document\'s client_id differs from the URL (another URL, an added :443, another letter case) → 400 invalid_client_metadata, compared without normalisation', async () => {
    for (const variant of [
      () => 'https://elsewhere.example/c.json',
      // (The document server cannot listen on 443, so "https://h:443/c versus https://h/c" is tried as another explicit port.)
      (url: string) => url.replace(`localhost:${documents.port}`, 'localhost:443'),
      (url: string) => url.replace('https://localhost', 'https://LOCALHOST'),
      (url: string) => `${url}?`,
    ]) {
      const path = uniquePath('mismatch');
      documents.routes.set(path, {
        body: (url) =>
          JSON.stringify({ client_id: variant(url), client_name: 'Mismatch', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none' }),
      });
      const result = await authorizeWith(documents.url(path));
      expect(result.status, path).toBe(400);
      expect(result.location, path).toBeNull();
      expect(result.page, path).toContain('invalid_client_metadata');
    }
  });

  it('B.14 the metadata host answers 302 → the redirect is not followed; 400 invalid_client', async () => {
    const moved = uniquePath('moved');
    const target = uniquePath('target');
    documents.routes.set(moved, { status: 302, headers: { location: documents.url(target) } });
    documents.document(target);
    const result = await authorizeWith(documents.url(moved));
    expect(result.status).toBe(400);
    expect(result.location).toBeNull();
    expect(result.page).toContain('OAuth error: invalid_client<');
    expect(documents.requestsTo(target)).toBe(0);
  });

  it('B.15 404, 500 or a body that is not JSON → 400 invalid_client, not cached: the next request fetches again', async () => {
    const routes = [
      { status: 404, body: '{}' },
      { status: 500, body: '{}' },
      { status: 200, body: 'not json' },
      { status: 200, body: '{"client_id":', headers: { 'content-type': 'application/json' } },
      { status: 200, body: '{}', headers: { 'content-type': 'text/html' } },
    ];
    for (const route of routes) {
      const path = uniquePath('broken');
      documents.routes.set(path, route);
      const first = await authorizeWith(documents.url(path));
      expect(first.status, JSON.stringify(route)).toBe(400);
      expect(first.page, JSON.stringify(route)).toContain('OAuth error: invalid_client<');
      // (The engine looks the client up a second time to render its error page: one or two fetches.)
      const afterFirst = documents.requestsTo(path);
      expect(afterFirst).toBeGreaterThan(0);
      const second = await authorizeWith(documents.url(path));
      expect(second.status).toBe(400);
      expect(documents.requestsTo(path), `${JSON.stringify(route)}: fetched again`).toBeGreaterThan(afterFirst);
    }
  });

  it('B.16 a body over 5 KB, or a Content-Length over 5 KB → refused (the latter on the header, before the body is read)', async () => {
    const big = uniquePath('big-body');
    // No Content-Length (chunked): the size is only known while reading.
    documents.routes.set(big, {
      headers: { 'transfer-encoding': 'chunked' },
      body: (url) => JSON.stringify({ client_id: url, redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none', padding: 'a'.repeat(6000) }),
    });
    const overBody = await authorizeWith(documents.url(big));
    expect(overBody.status).toBe(400);
    expect(overBody.location).toBeNull();
    expect(overBody.page).toContain('OAuth error: invalid_client<');
    expect(overBody.page).toContain('larger than 5120 bytes');

    const declared = uniquePath('big-header');
    documents.routes.set(declared, { headers: { 'content-length': '9000' }, body: 'x'.repeat(9000) });
    const overHeader = await authorizeWith(documents.url(declared));
    expect(overHeader.status).toBe(400);
    expect(overHeader.page).toContain('OAuth error: invalid_client<');
    expect(overHeader.page).toContain('(Content-Length 9000)'); // decided on the header
  });

  it('B.17 a document with token_endpoint_auth_method client_secret_basic/post/jwt, or with a client_secret → 400 invalid_client_metadata', async () => {
    const fieldsList: Record<string, unknown>[] = [
      { token_endpoint_auth_method: 'client_secret_basic' },
      { token_endpoint_auth_method: 'client_secret_post' },
      { token_endpoint_auth_method: 'client_secret_jwt' },
      { client_secret: 'shh' },
    ];
    for (const fields of fieldsList) {
      const path = uniquePath('secret');
      documents.document(path, fields);
      const result = await authorizeWith(documents.url(path));
      expect(result.status, JSON.stringify(fields)).toBe(400);
      expect(result.location).toBeNull();
      expect(result.page, JSON.stringify(fields)).toContain('invalid_client_metadata');
    }
  });

  describe('B.18', () => {
    // A document server of its own, so that any connection at all to it is seen.
    let isolated: DocumentServer;
    beforeAll(async () => {
      isolated = await new DocumentServer().start();
    });
    afterAll(() => isolated.close());

    it('B.18 SSRF: a client_id host resolving to (or written as) a blocked address → 400 without a TCP connection; the address checked is the one connected to', async () => {
      const path = '/ssrf.json';
      isolated.document(path);
      const port = isolated.port;
      const refused = (result: { status: number; page: string }, label: string) => {
        expect(result.status, label).toBe(400);
        expect(result.page, label).toContain('a loopback, private or special-use address: not fetched');
        expect(isolated.connections, label).toBe(0);
      };

      // Host names whose DNS answer is a blocked address.
      for (const address of ['127.0.0.1', '::1', '10.0.0.1', '169.254.169.254', 'fc00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
        answers.set('internal.test', address);
        refused(await authorizeWith(`https://internal.test:${port}${path}`), `internal.test → ${address}`);
      }
      // IP literals, including decimal and octal spellings of 127.0.0.1 and a mapped IPv6 address.
      for (const host of ['127.0.0.1', '[::1]', '10.0.0.1', '169.254.169.254', '[fc00::1]', '[::ffff:10.0.0.1]', '2130706433', '0177.0.0.1', '0x7f.1']) {
        refused(await authorizeWith(`https://${host}:${port}${path}`), host);
      }

      // A DNS answer that flips between lookups: blocked first, loopback (where the document is) next.
      let calls = 0;
      answers.set('flip.test', () => (++calls === 1 ? '10.0.0.1' : '127.0.0.1'));
      refused(await authorizeWith(`https://flip.test:${port}${path}`), 'flip.test');

      // And the other way round, for a host the admin allowed on loopback: the one answer the check
      // saw is the one the socket connects to (a second lookup would get an address nothing listens on).
      let allowedCalls = 0;
      answers.set('approval.test', () => (++allowedCalls === 1 ? '127.0.0.1' : '127.0.0.2'));
      const before = lookups.length;
      const accepted = await authorizeWith(`https://approval.test:${port}${path}`);
      expect(accepted.status).toBe(303); // fetched and accepted: on to sign-in
      expect(lookups.slice(before)).toEqual(['approval.test']);
      expect(isolated.connections).toBe(1);
    });
  });

  it('B.19 caching honours Cache-Control within the server\'s bounds; a refetch with changed redirect_uris ends the consent and the user is asked again', async () => {
    const path = uniquePath('cached');
    documents.document(path, {}, { 'cache-control': 'max-age=3600' });
    const clientId = documents.url(path);
    const browser = new HttpBrowser(server.issuer);
    const first = await authorize(browser, { clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge: pkcePair().challenge });
    expect(first.url.searchParams.get('code')).toBeTruthy();
    const fetched = documents.requestsTo(path);
    expect(value(await admin.listConsents({ clientId }))).toHaveLength(1);

    clockOffset += 3000 * 1000; // within max-age: from the cache
    await authorizeWith(clientId);
    expect(documents.requestsTo(path)).toBe(fetched);

    // Past max-age, the document now lists other redirect URIs: fetched again, the consent is gone.
    documents.document(path, { redirect_uris: ['http://127.0.0.1/callback', 'http://127.0.0.1/other'] }, { 'cache-control': 'max-age=3600' });
    clockOffset += 700 * 1000;
    const again = await authorize(browser, { clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge: pkcePair().challenge });
    expect(documents.requestsTo(path)).toBe(fetched + 1);
    expect(again.url.searchParams.get('code')).toBeTruthy(); // the helper answered the consent page again...
    const consentEvents = value(await admin.listEvents({ clientId, type: 'consent.granted', limit: 10 }));
    expect(consentEvents).toHaveLength(2); // ...because the user was asked a second time

    // Bounds: no-store is held for the minimum (30 s), an enormous max-age for at most a day.
    const shortPath = uniquePath('no-store');
    documents.document(shortPath, {}, { 'cache-control': 'no-store' });
    await authorizeWith(documents.url(shortPath));
    await authorizeWith(documents.url(shortPath));
    expect(documents.requestsTo(shortPath)).toBe(1);
    clockOffset += 31 * 1000;
    await authorizeWith(documents.url(shortPath));
    expect(documents.requestsTo(shortPath)).toBe(2);

    const longPath = uniquePath('forever');
    documents.document(longPath, {}, { 'cache-control': 'max-age=31536000' });
    await authorizeWith(documents.url(longPath));
    clockOffset += 23 * 3600 * 1000;
    await authorizeWith(documents.url(longPath));
    expect(documents.requestsTo(longPath)).toBe(1);
    clockOffset += 2 * 3600 * 1000;
    await authorizeWith(documents.url(longPath));
    expect(documents.requestsTo(longPath)).toBe(2);
  });

  it('B.20 the consent page for a CIMD client shows the client_id host and the redirect_uri host, and warns when every redirect URI is on localhost', async () => {
    async function consentPageFor(path: string) {
      const browser = new HttpBrowser(server.issuer);
      const params = new URLSearchParams({
        response_type: 'code', client_id: documents.url(path, 'docs.allowed.test'), redirect_uri: CALLBACK,
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
      return html;
    }

    const localOnly = uniquePath('consent-local');
    documents.document(localOnly, { client_name: 'Local only' });
    const local = await consentPageFor(localOnly);
    expect(local).toContain(`metadata document at <strong>docs.allowed.test:${documents.port}</strong>`);
    expect(local).toContain('<code>127.0.0.1:9</code>'); // where the browser goes back to
    expect(local).toContain('on this computer (localhost)');

    const mixed = uniquePath('consent-mixed');
    documents.document(mixed, { client_name: 'Mixed', redirect_uris: ['http://127.0.0.1/callback', 'https://app.example/cb'] });
    const withRemote = await consentPageFor(mixed);
    expect(withRemote).toContain(`metadata document at <strong>docs.allowed.test:${documents.port}</strong>`);
    expect(withRemote).toContain('<code>127.0.0.1:9</code>');
    expect(withRemote).not.toContain('on this computer (localhost)');
  });
});
