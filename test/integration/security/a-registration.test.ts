import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../../helpers/server';
import { HttpBrowser, csrfFrom, formActionFrom, pkcePair } from '../../helpers/http-browser';
import { CALLBACK, registerClient } from '../../helpers/oauth';

/**
 * SECURITY_CASES A (cases 1–10): Dynamic Client Registration (RFC 7591), black box
 * against a real server. One test per case, named by its number.
 */

let server: RunningServer & { removeDataDir: () => void };
/** Added to the server's own clock: lets a test step past the per-minute registration window. */
let clockOffset = 0;

beforeAll(async () => {
  server = await startTestServer({ now: () => Date.now() + clockOffset });
});

afterAll(async () => {
  await server?.close();
  server?.removeDataDir();
});

/** A code client, public, with the given overrides. */
const codeClient = (extra: Record<string, unknown> = {}) => ({
  client_name: 'Registration case client',
  redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

async function rawRegister(body: string, contentType: string) {
  const response = await fetch(`${server.issuer}/register`, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { status: response.status, body: json, text };
}

function countClients(): number {
  return (server.db.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n;
}

describe('A. Registration — DCR (RFC 7591)', () => {
  it('A.1 POST /register without redirect_uris for a code client → 400 invalid_redirect_uri', async () => {
    const { redirect_uris: _omitted, ...withoutRedirects } = codeClient();
    const result = await registerClient(server.issuer, withoutRedirects);
    expect(result.status).toBe(400);
    expect(result.body.error).toBe('invalid_redirect_uri');
  });

  it('A.2 a redirect URI with a fragment (#x or a bare #) → 400 invalid_redirect_uri', async () => {
    for (const uri of ['https://a.example/cb#x', 'https://a.example/cb#', 'http://127.0.0.1/cb#x']) {
      const result = await registerClient(server.issuer, codeClient({ redirect_uris: [uri] }));
      expect(result.status, uri).toBe(400);
      expect(result.body.error, uri).toBe('invalid_redirect_uri');
    }
  });

  it('A.3 a redirect URI using javascript:, data:, file:, vbscript:, blob: or about: → 400 invalid_redirect_uri', async () => {
    const uris = [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      'blob:https://a.example/0b6b2f7c-4d5e-4c1a-9f0a-1e2d3c4b5a69',
      'about:blank',
      'JavaScript:alert(1)',
    ];
    for (const uri of uris) {
      const result = await registerClient(server.issuer, codeClient({ redirect_uris: [uri] }));
      expect(result.status, uri).toBe(400);
      expect(result.body.error, uri).toBe('invalid_redirect_uri');
    }
  });

  it('A.4 http on a non-loopback host → 400 invalid_redirect_uri; http://127.0.0.1/cb and http://[::1]/cb → accepted', async () => {
    const refused = await registerClient(server.issuer, codeClient({ redirect_uris: ['http://rp.example.com/cb'] }));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_redirect_uri');
    for (const uri of ['http://127.0.0.1/cb', 'http://[::1]/cb']) {
      const accepted = await registerClient(server.issuer, codeClient({ redirect_uris: [uri] }));
      expect(accepted.status, uri).toBe(201);
      expect(accepted.body.redirect_uris, uri).toEqual([uri]);
    }
  });

  it('A.5 POST /register with Content-Type text/plain or form encoding → 400 invalid_request', async () => {
    const before = countClients();
    const asText = await rawRegister(JSON.stringify(codeClient()), 'text/plain');
    expect(asText.status).toBe(400);
    expect(asText.body.error).toBe('invalid_request');
    const asForm = await rawRegister(
      new URLSearchParams({ client_name: 'form client', redirect_uris: CALLBACK, token_endpoint_auth_method: 'none' }).toString(),
      'application/x-www-form-urlencoded',
    );
    expect(asForm.status).toBe(400);
    expect(asForm.body.error).toBe('invalid_request');
    expect(countClients()).toBe(before);
  });

  it('A.6 grant_types with password, implicit or an unknown value → 400 invalid_client_metadata', async () => {
    for (const grant of ['password', 'implicit', 'urn:example:unknown-grant']) {
      const result = await registerClient(server.issuer, codeClient({ grant_types: ['authorization_code', grant] }));
      expect(result.status, grant).toBe(400);
      expect(result.body.error, grant).toBe('invalid_client_metadata');
    }
  });

  it('A.7 flood: 10,000 registrations → 429, 1 MB body → 413, 500 redirect URIs → 400 invalid_client_metadata; the database stays bounded', async () => {
    // A fresh per-minute window for this test (the server's clock only; the engine keeps real time).
    clockOffset += 10 * 60_000;
    const before = countClients();

    const oneMegabyte = await rawRegister(JSON.stringify(codeClient({ client_name: 'x'.repeat(1024 * 1024) })), 'application/json');
    expect(oneMegabyte.status).toBe(413);
    expect(countClients()).toBe(before);

    const manyRedirects = Array.from({ length: 500 }, (_, i) => `http://127.0.0.1/cb${i}`);
    const tooMany = await registerClient(server.issuer, codeClient({ redirect_uris: manyRedirects }));
    // Soft: a failure here is reported, and the flood below still runs.
    expect.soft(tooMany.status, '500 redirect URIs').toBe(400);
    expect.soft(tooMany.body.error, '500 redirect URIs').toBe('invalid_client_metadata');
    const afterOversized = countClients();

    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    const total = 10_000;
    let next = 0;
    const body = JSON.stringify(codeClient({ client_name: 'flood' }));
    const worker = async () => {
      while (next < total) {
        next += 1;
        const response = await fetch(`${server.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 429) retryAfter ??= response.headers.get('retry-after');
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));

    const created = statuses.get(201) ?? 0;
    expect(statuses.get(429) ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].every((status) => status === 201 || status === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(created).toBeLessThan(total / 10);
    expect(countClients()).toBe(afterOversized + created);
  }, 180_000);

  it('A.8 client_name "<img src=x onerror=alert(1)>" with a foreign logo_uri → stored as-is; the consent page escapes it and never hotlinks the logo', async () => {
    clockOffset += 10 * 60_000;
    const hostile = '<img src=x onerror=alert(1)>';
    const registration = await registerClient(
      server.issuer,
      codeClient({ client_name: hostile, logo_uri: 'https://tracker.example/logo.png' }),
    );
    expect(registration.status).toBe(201);
    expect(registration.body.client_name).toBe(hostile);
    const stored = server.db.prepare('SELECT client_name FROM clients WHERE client_id = ?').get(registration.body.client_id) as { client_name: string };
    expect(stored.client_name).toBe(hostile);

    const browser = new HttpBrowser(server.issuer);
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: registration.body.client_id,
      redirect_uri: CALLBACK,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      state: 'a8',
    });
    const signIn = await browser.follow(`/authorize?${params}`);
    const signInHtml = await signIn.response.text();
    const consent = await browser.postForm(formActionFrom(signInHtml), { csrf: csrfFrom(signInHtml), username: TEST_USERNAME, password: '', action: 'sign-in' });
    expect(consent.response.status).toBe(200);
    const page = await consent.response.text();
    expect(page).toContain('Allow access?');
    expect(page).not.toContain(hostile);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toContain('tracker.example');
  });

  it('A.9 two confidential clients get different secrets, shown once; the database holds only a hash', async () => {
    clockOffset += 10 * 60_000;
    const confidential = () => registerClient(server.issuer, codeClient({ token_endpoint_auth_method: 'client_secret_basic' }));
    const [first, second] = [await confidential(), await confidential()];
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const secrets = [first.body.client_secret!, second.body.client_secret!];
    expect(secrets[0]).toEqual(expect.any(String));
    expect(secrets[1]).toEqual(expect.any(String));
    expect(secrets[0]).not.toBe(secrets[1]);

    // Shown once: reading the registration back (RFC 7592) does not return it.
    const readBack = await fetch(String(first.body.registration_client_uri), {
      headers: { authorization: `Bearer ${String(first.body.registration_access_token)}` },
    });
    expect(readBack.status).toBe(200);
    const readBackText = await readBack.text();
    expect(readBackText).not.toContain(secrets[0]);
    expect(JSON.parse(readBackText)).not.toHaveProperty('client_secret');

    for (const [index, registration] of [first, second].entries()) {
      const row = server.db.prepare('SELECT metadata FROM clients WHERE client_id = ?').get(registration.body.client_id) as { metadata: string };
      expect(row.metadata).not.toContain(secrets[index]);
      expect(JSON.parse(row.metadata).client_secret).toBe(`$sha256$${createHash('sha256').update(secrets[index]!).digest('hex')}`);
    }
  });

  it('A.10 generated client_ids never start with https:// (no collision with metadata-document client_ids)', async () => {
    clockOffset += 10 * 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await registerClient(server.issuer, codeClient());
      expect(result.status).toBe(201);
      ids.push(result.body.client_id);
    }
    for (const id of ids) {
      expect(id.startsWith('https://')).toBe(false);
      expect(id).not.toContain(':');
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]+$/);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});
