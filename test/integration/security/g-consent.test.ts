import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { HttpBrowser, csrfFrom, formActionFrom, pkcePair } from '../../helpers/http-browser';
import { CALLBACK, registerClient, registerPublicClient } from '../../helpers/oauth';
import { withClockAhead } from '../../helpers/clock';

/**
 * SECURITY_CASES G (cases 63–69): consent, CSRF and clickjacking on the sign-in and
 * consent pages, black box against a real server. One test per case, named by its number.
 */

let server: RunningServer & { removeDataDir: () => void };

beforeAll(async () => {
  // The server's clock reads Date.now at each call, so moving Date.now moves the server and the engine together.
  server = await startTestServer({ now: () => Date.now() });
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
});

function authorizePath(clientId: string, overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'g-state',
    ...overrides,
  });
  return `/authorize?${params}`;
}

/** Starts an authorization in `browser` and walks it to the consent page (signing in if needed). */
async function toConsent(browser: HttpBrowser, clientId: string, overrides: Record<string, string> = {}) {
  let step = await browser.follow(authorizePath(clientId, overrides));
  let html = await step.response.text();
  if (html.includes('<h1>Sign in</h1>')) {
    step = await browser.postForm(formActionFrom(html), { csrf: csrfFrom(html), username: TEST_USERNAME, password: '', action: 'sign-in' });
    html = await step.response.text();
  }
  expect(html).toContain('Allow access?');
  return { response: step.response, html, action: formActionFrom(html), csrf: csrfFrom(html) };
}

/** POSTs a consent form without following the answer. */
function postConsent(browser: HttpBrowser, action: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  return browser.request(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.issuer, ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** Refused, and no code reaches the client. */
async function expectRefused(response: Response, label = '') {
  expect(response.status, label).toBe(403);
  expect(response.headers.get('location'), label).toBeNull();
  expect(await response.text(), label).not.toContain('code=');
}

describe('G. Consent, CSRF, clickjacking', () => {
  it('G.63 /authorize pages (error page, sign-in, consent) refuse framing: CSP frame-ancestors \'none\' and X-Frame-Options: DENY', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const browser = new HttpBrowser(server.issuer);
    const signIn = await browser.follow(authorizePath(client_id));
    const signInHtml = await signIn.response.text();
    const consent = await browser.postForm(formActionFrom(signInHtml), { csrf: csrfFrom(signInHtml), username: TEST_USERNAME, password: '', action: 'sign-in' });
    const errorPage = await fetch(`${server.issuer}${authorizePath('no-such-client')}`, { redirect: 'manual' });
    for (const [label, response] of [['sign-in', signIn.response], ['consent', consent.response], ['/authorize error page', errorPage]] as const) {
      expect(response.headers.get('content-type'), label).toContain('text/html');
      expect(response.headers.get('content-security-policy'), label).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-frame-options'), label).toBe('DENY');
    }
  });

  it('G.64 a consent POST missing its CSRF token, reusing one, or using one from another pending request → 403, no code issued', async () => {
    const { client_id } = await registerPublicClient(server.issuer);

    const missing = new HttpBrowser(server.issuer);
    const a = await toConsent(missing, client_id);
    await expectRefused(await postConsent(missing, a.action, { decision: 'allow' }), 'missing');
    await expectRefused(await postConsent(missing, a.action, { csrf: '', decision: 'allow' }), 'empty');

    const reused = new HttpBrowser(server.issuer);
    const b = await toConsent(reused, client_id);
    const first = await postConsent(reused, b.action, { csrf: b.csrf, decision: 'deny' });
    expect(first.status).toBe(303);
    await expectRefused(await postConsent(reused, b.action, { csrf: b.csrf, decision: 'allow' }), 'reused');

    const mine = new HttpBrowser(server.issuer);
    const c = await toConsent(mine, client_id);
    const d = await toConsent(new HttpBrowser(server.issuer), client_id);
    await expectRefused(await postConsent(mine, c.action, { csrf: d.csrf, decision: 'allow' }), 'another request\'s token');
  });

  it('G.65 a consent POST with Origin: https://evil, Origin: null or Sec-Fetch-Site: cross-site → 403', async () => {
    const { client_id } = await registerPublicClient(server.issuer);
    const variants: [string, Record<string, string>][] = [
      ['Origin https://evil', { origin: 'https://evil' }],
      ['Origin null', { origin: 'null' }],
      ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site' }],
    ];
    for (const [label, headers] of variants) {
      const browser = new HttpBrowser(server.issuer);
      const page = await toConsent(browser, client_id);
      await expectRefused(await postConsent(browser, page.action, { csrf: page.csrf, decision: 'allow' }, headers), label);
    }
  });

  it('G.66 consent is bound to the client_id, redirect_uri, scope and resource shown: a changed one is rejected; consent to client A never approves a same-named client B', async () => {
    const name = 'Same name client';
    const register = () => registerClient(server.issuer, { client_name: name, redirect_uris: [CALLBACK, 'http://127.0.0.1/second'], token_endpoint_auth_method: 'none' }).then((r) => r.body.client_id);
    const a = await register();
    const b = await register();
    const changes: [string, string, Record<string, string>][] = [
      ['client_id', b, {}],
      ['redirect_uri', a, { redirect_uri: 'http://127.0.0.1:9/second' }],
      ['scope', a, { scope: 'mcp:whoami' }],
      ['resource', a, { resource: `http://localhost:${server.port}/mcp` }],
    ];
    for (const [label, clientId, overrides] of changes) {
      const browser = new HttpBrowser(server.issuer);
      const shown = await toConsent(browser, a);
      // The same browser starts a request that differs in one parameter, and gets its own page...
      const changed = await toConsent(browser, clientId, overrides);
      expect(changed.action).not.toBe(shown.action);
      // ...the consent given on the first page does not carry over to it, nor to the first page's address.
      await expectRefused(await postConsent(browser, changed.action, { csrf: shown.csrf, decision: 'allow' }), `${label}: first token on the changed request`);
      await expectRefused(await postConsent(browser, shown.action, { csrf: shown.csrf, decision: 'allow' }), `${label}: first form after the change`);
    }

    // Client A approved; the same-named client B still asks.
    const browser = new HttpBrowser(server.issuer);
    const approveA = await toConsent(browser, a);
    const allowed = await browser.postForm(approveA.action, { csrf: approveA.csrf, decision: 'allow' });
    expect(allowed.url.searchParams.get('code')).toBeTruthy();
    const forB = await browser.follow(authorizePath(b));
    expect(forB.url.origin).toBe(server.issuer);
    expect(await forB.response.text()).toContain('Allow access?');
  });

  it('G.67 the pending authorization request is single-use and expires after at most 10 minutes', async () => {
    const { client_id } = await registerPublicClient(server.issuer);

    const once = new HttpBrowser(server.issuer);
    const page = await toConsent(once, client_id);
    const used = await postConsent(once, page.action, { csrf: page.csrf, decision: 'allow' });
    expect(used.status).toBe(303);
    const resumed = await once.follow(used.headers.get('location')!);
    expect(resumed.url.searchParams.get('code')).toBeTruthy();
    const replay = await postConsent(once, page.action, { csrf: page.csrf, decision: 'allow' });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    expect(replay.headers.get('location')).toBeNull();
    const revisit = await once.request(page.action.replace(/\/consent$/, ''));
    expect(revisit.status).toBe(400);
    expect(await revisit.text()).toContain('expired or was already used');

    // Just past 10 minutes, with the (still presented) interaction cookie: the server itself must refuse.
    const { client_id: unconsented } = await registerPublicClient(server.issuer);
    const late = new HttpBrowser(server.issuer);
    const stale = await toConsent(late, unconsented);
    const afterTenMinutes = await withClockAhead(10 * 60 * 1000 + 1000, () => postConsent(late, stale.action, { csrf: stale.csrf, decision: 'allow' }));
    expect(afterTenMinutes.status).toBe(400);
    expect(afterTenMinutes.headers.get('location')).toBeNull();
    expect(await afterTenMinutes.text()).toContain('expired or was already used');
  });

  it('G.68 the consent page shows the escaped client_name, client_id, redirect host, scopes and resource; CSP has script-src \'self\', object-src \'none\', base-uri \'none\'', async () => {
    const hostile = '<script>alert("x")</script>';
    const { client_id } = await registerPublicClient(server.issuer, { client_name: hostile });
    const resource = `http://localhost:${server.port}/mcp`;
    const page = await toConsent(new HttpBrowser(server.issuer), client_id, { scope: 'mcp:whoami mcp:echo', resource });
    expect(page.html).not.toContain(hostile);
    expect(page.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(page.html).toContain(`<code>${client_id}</code>`);
    expect(page.html).toContain('<code>127.0.0.1:9</code>');
    expect(page.html).toContain('<code>mcp:whoami</code>');
    expect(page.html).toContain('<code>mcp:echo</code>');
    expect(page.html).toContain(`<code>${resource}</code>`);
    expect(page.html).not.toMatch(/<script/i);
    const csp = page.response.headers.get('content-security-policy')!;
    for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'"]) expect(csp).toContain(directive);
  });

  it('G.69 every cookie is HttpOnly and SameSite=Lax or stricter', async () => {
    // __Host- and Secure are not asserted: the server is plain http on loopback (project decision),
    // where a Secure cookie is not kept by every browser; the case itself marks that part unverified.
    const { client_id } = await registerPublicClient(server.issuer);
    const browser = new HttpBrowser(server.issuer);
    const setCookies: string[] = [];
    const record = (response: Response) => setCookies.push(...response.headers.getSetCookie());
    let response = await browser.request(authorizePath(client_id));
    record(response);
    for (let i = 0; i < 12; i++) {
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        if (new URL(location, server.issuer).origin !== server.issuer) break;
        response = await browser.request(location);
        record(response);
        continue;
      }
      const html = await response.text();
      const action = formActionFrom(html);
      const form: Record<string, string> = action.endsWith('/login')
        ? { csrf: csrfFrom(html), username: TEST_USERNAME, password: '', action: 'sign-in' }
        : { csrf: csrfFrom(html), decision: 'allow' };
      response = await postConsent(browser, action, form);
      record(response);
    }
    expect(new URL(response.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const live = setCookies.filter((line) => !/expires=Thu, 01 Jan 1970/i.test(line));
    expect(live.length).toBeGreaterThan(0);
    for (const line of setCookies) {
      const name = line.split('=')[0];
      expect.soft(line, `${name}: HttpOnly`).toMatch(/;\s*httponly/i);
      expect.soft(line, `${name}: SameSite`).toMatch(/;\s*samesite=(lax|strict)/i);
    }
  });
});
