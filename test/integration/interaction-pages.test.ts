import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { HttpBrowser, csrfFrom, formActionFrom, pkcePair } from '../helpers/http-browser';
import { registerClient } from '../helpers/oauth';

/** The sign-in and consent pages: escaping, headers, CSRF and same-origin checks (SECURITY_CASES A.8, G). */

let server: RunningServer & { removeDataDir: () => void };
const CALLBACK = 'http://127.0.0.1:4100/cb';
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
});

async function startAuthorization(clientName = 'Page test client') {
  const reg = await registerClient(server.issuer, {
    client_name: clientName,
    logo_uri: 'https://tracker.example/logo.png',
    redirect_uris: [CALLBACK],
    token_endpoint_auth_method: 'none',
  });
  const browser = new HttpBrowser(server.issuer);
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: reg.body.client_id,
    redirect_uri: CALLBACK,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 's1',
  });
  const page = await browser.follow(`/authorize?${params}`);
  return { browser, page, html: await page.response.text() };
}

async function toConsent(clientName?: string) {
  const { browser, html } = await startAuthorization(clientName);
  const consent = await browser.postForm(formActionFrom(html), { csrf: csrfFrom(html), username: TEST_USERNAME, password: '', action: 'sign-in' });
  return { browser, consent, html: await consent.response.text() };
}

describe('sign-in page', () => {
  it('has the labelled fields, no scripts, and anti-framing headers', async () => {
    const { page, html } = await startAuthorization();
    expect(page.response.status).toBe(200);
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('>Sign in</button>');
    expect(html).not.toContain('<script');
    const csp = page.response.headers.get('content-security-policy')!;
    for (const directive of ["frame-ancestors 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(directive);
    expect(page.response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('a wrong password is refused on the page, without redirecting', async () => {
    const { browser, html } = await startAuthorization();
    const result = await browser.postForm(formActionFrom(html), { csrf: csrfFrom(html), username: 'nobody', password: 'x', action: 'sign-in' });
    expect(result.response.status).toBe(401);
    expect(await result.response.text()).toContain('Wrong username or password');
  });

  it('a post without the CSRF token gets 403', async () => {
    const { browser, html } = await startAuthorization();
    const result = await browser.postForm(formActionFrom(html), { username: TEST_USERNAME, password: '', action: 'sign-in' });
    expect(result.response.status).toBe(403);
  });

  it.each([['https://evil.example'], ['null']])('a post with Origin %s gets 403', async (origin) => {
    const { browser, html } = await startAuthorization();
    const result = await browser.postForm(
      formActionFrom(html),
      { csrf: csrfFrom(html), username: TEST_USERNAME, password: '', action: 'sign-in' },
      { origin },
    );
    expect(result.response.status).toBe(403);
  });

  it('a post marked Sec-Fetch-Site: cross-site gets 403', async () => {
    const { browser, html } = await startAuthorization();
    const result = await browser.postForm(
      formActionFrom(html),
      { csrf: csrfFrom(html), username: TEST_USERNAME, password: '', action: 'sign-in' },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(result.response.status).toBe(403);
  });
});

describe('consent page', () => {
  it('shows the self-asserted client name escaped, and never loads the client logo', async () => {
    const { html } = await toConsent(HOSTILE_NAME);
    expect(html).toContain('Allow access?');
    expect(html).not.toContain(HOSTILE_NAME);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('tracker.example');
    expect(html).toContain('unverified name');
    expect(html).toContain('127.0.0.1:4100'); // the redirect URI's host
    expect(html).toContain('mcp:whoami');
  });

  it('a CSRF token from another pending request is refused', async () => {
    const first = await toConsent();
    const second = await toConsent();
    const result = await first.browser.postForm(formActionFrom(first.html), { csrf: csrfFrom(second.html), decision: 'allow' });
    expect(result.response.status).toBe(403);
  });

  it('a consent form cannot be submitted twice', async () => {
    const { browser, html } = await toConsent();
    const action = formActionFrom(html);
    const csrf = csrfFrom(html);
    // Submit without following redirects, so the pending request still exists when the replay arrives.
    const first = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.issuer },
      body: new URLSearchParams({ csrf, decision: 'allow' }).toString(),
    });
    expect(first.status).toBe(303);
    const replay = await browser.request(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.issuer },
      body: new URLSearchParams({ csrf, decision: 'allow' }).toString(),
    });
    expect(replay.status).toBe(403);
  });

  it('Deny sends the browser back to the client with access_denied and iss', async () => {
    const { browser, html } = await toConsent();
    const result = await browser.postForm(formActionFrom(html), { csrf: csrfFrom(html), decision: 'deny' });
    expect(result.url.origin + result.url.pathname).toBe(CALLBACK);
    expect(result.url.searchParams.get('error')).toBe('access_denied');
    expect(result.url.searchParams.get('state')).toBe('s1');
    expect(result.url.searchParams.get('iss')).toBe(server.issuer);
  });

  it('Allow redirects with 303 (never 307) and a code', async () => {
    const { browser, html } = await toConsent();
    const response = await browser.request(formActionFrom(html), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.issuer },
      body: new URLSearchParams({ csrf: csrfFrom(html), decision: 'allow' }).toString(),
    });
    expect(response.status).toBe(303);
    const resumed = await browser.follow(response.headers.get('location')!);
    expect(resumed.url.searchParams.get('code')).toBeTruthy();
  });
});
