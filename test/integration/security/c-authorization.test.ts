import { describe, expect, it } from 'vitest';
import { TEST_USERNAME } from '../../helpers/server';
import { useTestServer, type TestServer } from '../../helpers/use-test-server';
import { HttpBrowser, authorize, csrfFrom, formActionFrom, pkcePair } from '../../helpers/http-browser';
import { CALLBACK, callWhoami, exchangeCode, registerClient, registerPublicClient } from '../../helpers/oauth';

/**
 * SECURITY_CASES C (cases 21–33): the authorization endpoint, black box against a
 * real server. One test per case, named by its number.
 */

let server: TestServer;
useTestServer((started) => (server = started));

/** The usual parameters of a valid request for `clientId`, with overrides (undefined removes one). */
function authorizeQuery(clientId: string | undefined, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'st-123',
    ...overrides,
  };
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.append(key, value);
  return search.toString();
}

/** One GET of /authorize as a browser would send it, without following the redirect. */
async function getAuthorize(query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.issuer}/authorize?${query}`, { redirect: 'manual', headers: { accept: 'text/html', ...headers } });
  const location = response.headers.get('location');
  return { status: response.status, headers: response.headers, location, url: location ? new URL(location, server.issuer) : undefined, page: await response.text() };
}

/** A refusal that must be an error page on our server: 400, no Location, the OAuth error named. */
function expectErrorPage(result: Awaited<ReturnType<typeof getAuthorize>>, error: string, label = '') {
  expect(result.status, label).toBe(400);
  expect(result.location, label).toBeNull();
  expect(result.headers.get('content-type'), label).toContain('text/html');
  expect(result.page, label).toContain(`OAuth error: ${error}<`);
}

/** An error sent back to the client: a redirect to its redirect_uri carrying `error`. */
function expectRedirectedError(result: Awaited<ReturnType<typeof getAuthorize>>, error: string, label = '') {
  expect(result.status, label).toBeGreaterThanOrEqual(300);
  expect(result.status, label).toBeLessThan(400);
  expect(result.url, label).toBeDefined();
  expect(result.url!.origin + result.url!.pathname, label).toBe(CALLBACK);
  expect(result.url!.searchParams.get('error'), label).toBe(error);
  expect(result.url!.searchParams.get('code'), label).toBeNull();
}

/** The request went on to our sign-in page: accepted. */
function expectAccepted(result: Awaited<ReturnType<typeof getAuthorize>>, label = '') {
  expect(result.status, label).toBe(303);
  expect(result.url?.origin, label).toBe(server.issuer);
  expect(result.url?.pathname, label).toMatch(/^\/interaction\//);
}

describe('C. Authorization endpoint', () => {
  it('C.21 an unregistered redirect_uri → 400 HTML error page, no Location (invalid_redirect_uri)', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    expectErrorPage(await getAuthorize(authorizeQuery(client_id, { redirect_uri: 'http://127.0.0.1:9/elsewhere' })), 'invalid_redirect_uri');
    expectErrorPage(await getAuthorize(authorizeQuery(client_id, { redirect_uri: 'https://attacker.example/callback' })), 'invalid_redirect_uri');
  });

  it('C.22 exact-match variants (host case, :443, trailing /, ?x=1, a changed query, /x/../cb) each → 400 page, no Location', async () => {
    const registered = 'https://client.example.com/cb';
    const withQuery = 'https://client.example.com/q?a=1';
    const { client_id } = await registerPublicClient(server.issuer, { redirect_uris: [registered, withQuery] });
    expectAccepted(await getAuthorize(authorizeQuery(client_id, { redirect_uri: registered })), 'the registered URI itself');
    for (const variant of [
      'https://CLIENT.example.com/cb',
      'https://client.example.com:443/cb',
      'https://client.example.com/cb/',
      'https://client.example.com/cb?x=1',
      'https://client.example.com/q?a=2',
      'https://client.example.com/x/../cb',
    ]) {
      expectErrorPage(await getAuthorize(authorizeQuery(client_id, { redirect_uri: variant })), 'invalid_redirect_uri', variant);
    }
  });

  it('C.23 with http://127.0.0.1/cb registered: any port is accepted; HTTP://, 127.000.000.001 or localhost are rejected', async () => {
    const { client_id } = await registerPublicClient(server.issuer, { redirect_uris: ['http://127.0.0.1/cb'] });
    expectAccepted(await getAuthorize(authorizeQuery(client_id, { redirect_uri: 'http://127.0.0.1:51004/cb' })), 'port 51004');
    expectAccepted(await getAuthorize(authorizeQuery(client_id, { redirect_uri: 'http://127.0.0.1/cb' })), 'no port');
    for (const variant of ['HTTP://127.0.0.1:51004/cb', 'http://127.000.000.001:51004/cb', 'http://localhost:51004/cb', 'http://localhost/cb']) {
      expectErrorPage(await getAuthorize(authorizeQuery(client_id, { redirect_uri: variant })), 'invalid_redirect_uri', variant);
    }
  });

  it('C.24 a missing or unknown client_id → 400 error page, no redirect', async () => {
    const missing = await getAuthorize(authorizeQuery(undefined));
    expect(missing.status).toBe(400);
    expect(missing.location).toBeNull();
    expect(missing.page).toContain('OAuth error: invalid_request<');
    expectErrorPage(await getAuthorize(authorizeQuery('no-such-client')), 'invalid_client');
  });

  it('C.25 PKCE: no code_challenge, method plain, or a challenge that is not 43–128 unreserved characters → error=invalid_request at the redirect_uri', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const cases: [string, Record<string, string | undefined>][] = [
      ['no code_challenge', { code_challenge: undefined, code_challenge_method: undefined }],
      ['method plain', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }],
      ['42 characters', { code_challenge: 'a'.repeat(42) }],
      ['129 characters', { code_challenge: 'a'.repeat(129) }],
      ['a character outside the unreserved set', { code_challenge: `${'a'.repeat(42)}+` }],
    ];
    for (const [label, overrides] of cases) {
      const result = await getAuthorize(authorizeQuery(client_id, overrides));
      expectRedirectedError(result, 'invalid_request', label);
      expect(result.url!.searchParams.get('state'), label).toBe('st-123');
    }
  });

  it('C.26 a repeated parameter (state twice, or two redirect_uris) → invalid_request; redirected only when the redirect_uri is unambiguous, never echoing state', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    // This server never redirects a request with a repeated parameter: it answers on a page,
    // so no state is echoed and no possibly-forged redirect_uri is used.
    const twoStates = `${authorizeQuery(client_id, { state: undefined })}&state=a&state=b`;
    const states = await getAuthorize(twoStates);
    expect(states.status).toBe(400);
    expect(states.location).toBeNull();
    expect(states.page).toContain('OAuth error: invalid_request<');
    expect(states.page).toContain('state was given more than once');

    const twoRedirects = `${authorizeQuery(client_id, { redirect_uri: undefined })}&redirect_uri=${encodeURIComponent(CALLBACK)}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/other')}`;
    const redirects = await getAuthorize(twoRedirects);
    expect(redirects.status).toBe(400);
    expect(redirects.location).toBeNull();
    expect(redirects.page).toContain('OAuth error: invalid_request<');
    expect(redirects.page).not.toContain('st-123');
  });

  it('C.27 response_type=token or id_token → unsupported_response_type', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    for (const responseType of ['token', 'id_token']) {
      const result = await getAuthorize(authorizeQuery(client_id, { response_type: responseType }));
      // The engine answers in the fragment, the default response mode of these response types.
      expect(result.status, responseType).toBe(303);
      expect(result.url!.origin + result.url!.pathname, responseType).toBe(CALLBACK);
      const answer = new URLSearchParams(result.url!.hash.slice(1) || result.url!.search);
      expect(answer.get('error'), responseType).toBe('unsupported_response_type');
      expect(result.location, responseType).not.toMatch(/access_token|id_token=|code=/);
    }
  });

  it('C.28 a resource the server does not host → invalid_target; the token\'s aud equals the resource requested', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    for (const resource of ['https://evil.example/mcp', `http://127.0.0.1:${server.port}/other`, `http://localhost:${server.port + 1}/mcp`]) {
      expectRedirectedError(await getAuthorize(authorizeQuery(client_id, { resource })), 'invalid_target', resource);
    }

    const requested = `http://localhost:${server.port}/mcp`;
    const { verifier, challenge } = pkcePair();
    const { url } = await authorize(new HttpBrowser(server.issuer), { clientId: client_id, redirectUri: CALLBACK, username: TEST_USERNAME, challenge, resource: requested });
    const code = url.searchParams.get('code')!;
    expect(code).toBeTruthy();
    const tokens = await exchangeCode(server.issuer, client_id, code, verifier, { resource: requested });
    expect(tokens.status, tokens.text).toBe(200);
    const whoami = await callWhoami(requested, tokens.body.access_token as string);
    expect(whoami.status).toBe(200);
    const aud = /\\?"aud\\?":\s*(\[[^\]]*\]|\\?"[^"\\]*\\?")/.exec(whoami.text)?.[1]?.replace(/\\"/g, '"');
    expect(aud === undefined ? undefined : JSON.parse(aud)).toEqual(requested);
  });

  it('C.29 success and error responses both carry iss equal to the metadata issuer, which advertises authorization_response_iss_parameter_supported', async () => {
    const metadata = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.issuer).toBe(server.issuer);

    const { client_id } = await registerPublicClient(server.issuer);
    const error = await getAuthorize(authorizeQuery(client_id, { code_challenge: undefined }));
    expectRedirectedError(error, 'invalid_request');
    expect(error.url!.searchParams.get('iss')).toBe(metadata.issuer);

    const success = await authorize(new HttpBrowser(server.issuer), { clientId: client_id, redirectUri: CALLBACK, username: TEST_USERNAME, challenge: pkcePair().challenge });
    expect(success.url.searchParams.get('code')).toBeTruthy();
    expect(success.url.searchParams.get('iss')).toBe(metadata.issuer);
  });

  it('C.30 open redirect: for a self-registered client, an invalid scope or Deny sends the browser to its redirect_uri only after the user interacted', async () => {
    // Project decision (README "Scopes", SECURITY_CASES decisions): unknown scopes are dropped, not
    // refused, so an "invalid scope" never produces an automatic error redirect: the browser is
    // shown our sign-in page, and nothing leaves for the client's URI until the user acts.
    const { client_id } = await registerPublicClient(server.issuer);
    for (const scope of ['bogus', 'mcp:admin', '%%%']) {
      const result = await getAuthorize(authorizeQuery(client_id, { scope }));
      expectAccepted(result, scope);
    }

    // Deny: the only way to the redirect_uri is the user's own POST of the consent form.
    const browser = new HttpBrowser(server.issuer);
    const signIn = await browser.follow(`/authorize?${authorizeQuery(client_id, { scope: 'bogus' })}`);
    expect(signIn.url.origin).toBe(server.issuer);
    const signInHtml = await signIn.response.text();
    const consent = await browser.postForm(formActionFrom(signInHtml), { csrf: csrfFrom(signInHtml), username: TEST_USERNAME, password: '', action: 'sign-in' });
    expect(consent.url.origin).toBe(server.issuer); // still on our page: the consent question
    const consentHtml = await consent.response.text();
    expect(consentHtml).toContain('Allow access?');
    expect(consentHtml).toContain('127.0.0.1:9'); // the page says where the browser will go
    const denied = await browser.postForm(formActionFrom(consentHtml), { csrf: csrfFrom(consentHtml), decision: 'deny' });
    expect(denied.url.origin + denied.url.pathname).toBe(CALLBACK);
    expect(denied.url.searchParams.get('error')).toBe('access_denied');
  });

  it('C.31 after a form POST (sign-in, consent Allow, consent Deny) the redirect is 303, never 307', async () => {
    const post = (browser: HttpBrowser, action: string, form: Record<string, string>) =>
      browser.request(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.issuer },
        body: new URLSearchParams(form).toString(),
      });
    for (const decision of ['allow', 'deny']) {
      const { client_id } = await registerPublicClient(server.issuer); // a client with no consent yet
      const browser = new HttpBrowser(server.issuer);
      const signIn = await browser.follow(`/authorize?${authorizeQuery(client_id)}`);
      const signInHtml = await signIn.response.text();
      const afterSignIn = await post(browser, formActionFrom(signInHtml), { csrf: csrfFrom(signInHtml), username: TEST_USERNAME, password: '', action: 'sign-in' });
      expect(afterSignIn.status, 'sign-in').toBe(303);
      const consent = await browser.follow(afterSignIn.headers.get('location')!);
      const consentHtml = await consent.response.text();
      const afterConsent = await post(browser, formActionFrom(consentHtml), { csrf: csrfFrom(consentHtml), decision });
      expect(afterConsent.status, decision).toBe(303);
      const end = await browser.follow(afterConsent.headers.get('location')!);
      expect(end.url.origin + end.url.pathname).toBe(CALLBACK);
    }
  });

  it('C.32 Origin: https://evil on /authorize (OPTIONS and GET) → no Access-Control-Allow-Origin', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const url = `${server.issuer}/authorize?${authorizeQuery(client_id)}`;
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://evil', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(url, { redirect: 'manual', headers: { origin: 'https://evil' } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();
    // Not even for a loopback origin: /authorize is a browser navigation, never a CORS request.
    const loopback = await fetch(url, { redirect: 'manual', headers: { origin: 'http://localhost:6274' } });
    expect(loopback.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('C.33 a public client the user already approved asks again → (project decision) consent is remembered per user, client and scopes: no consent page, but never without a signed-in user', async () => {
    // Adapted: README "Consent is remembered per user, client and scopes; a later authorization
    // that asks for nothing new skips the consent page", for public clients too (the engine's
    // native_client_prompt check is removed on purpose). The case expects a new prompt.
    const { client_id } = await registerPublicClient(server.issuer);
    const browser = new HttpBrowser(server.issuer);
    const first = await authorize(browser, { clientId: client_id, redirectUri: CALLBACK, username: TEST_USERNAME, challenge: pkcePair().challenge, scope: 'mcp:whoami' });
    expect(first.url.searchParams.get('code')).toBeTruthy();

    // Same browser, same user, same scope: straight back to the client with a code, no page shown.
    const again = await browser.follow(`/authorize?${authorizeQuery(client_id, { scope: 'mcp:whoami' })}`);
    expect(again.url.origin + again.url.pathname).toBe(CALLBACK);
    expect(again.url.searchParams.get('code')).toBeTruthy();

    // Asking for something new: the user is asked again.
    const wider = await browser.follow(`/authorize?${authorizeQuery(client_id, { scope: 'mcp:whoami mcp:echo' })}`);
    expect(wider.url.origin).toBe(server.issuer);
    expect(await wider.response.text()).toContain('Allow access?');

    // A browser with nobody signed in: the user has to sign in first.
    const page = await new HttpBrowser(server.issuer).follow(`/authorize?${authorizeQuery(client_id, { scope: 'mcp:whoami' })}`);
    expect(page.url.origin).toBe(server.issuer);
    expect(await page.response.text()).toContain('<h1>Sign in</h1>');

    // A different client with the same name is not covered by this consent.
    const { client_id: twin } = await registerClient(server.issuer, { client_name: 'Protocol test client', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' }).then((r) => r.body);
    const twinPage = await browser.follow(`/authorize?${authorizeQuery(twin)}`);
    expect(twinPage.url.origin).toBe(server.issuer);
    expect(await twinPage.response.text()).toContain('Allow access?');
  });
});
