import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminService } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import { DEFAULT_REGISTRATION_SETTINGS, type RegistrationSettings } from '../../src/shared/registration';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { codeFor, exchangeCode, registerClient } from '../helpers/oauth';
import { adminServiceFor, value } from '../helpers/admin';

/** The admin's policy for Dynamic Client Registration, end to end through the admin service (SECURITY_CASES A.7). */

let server: RunningServer & { removeDataDir: () => void };
let admin: AdminService;
let clock = 0;

async function setPolicy(change: (s: RegistrationSettings) => void): Promise<void> {
  const next = value(await admin.getRegistrationSettings({}));
  change(next);
  value(await admin.updateRegistrationSettings(next));
}

const register = (redirectUris: string[]) => registerClient(server.issuer, { redirect_uris: redirectUris, token_endpoint_auth_method: 'none' });

beforeAll(async () => {
  server = await startTestServer({ now: () => Date.now() + clock });
  admin = adminServiceFor(server, { now: () => Date.now() + clock, transport: 'http' });
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
});

beforeEach(async () => {
  clock = 0;
  value(await admin.updateRegistrationSettings(structuredClone(DEFAULT_REGISTRATION_SETTINGS)));
});

describe('dynamic registration policy', () => {
  it('off: registration refused and registration_endpoint no longer advertised', async () => {
    await setPolicy((s) => (s.dynamicRegistration.enabled = false));
    const result = await register(['http://127.0.0.1/cb']);
    expect(result.status).toBe(403);
    expect(result.body.error).toBe('access_denied');
    const metadata = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(metadata).not.toHaveProperty('registration_endpoint');
    const refusals = value(await admin.listEvents({ type: 'client.registration_failed', limit: 5 }));
    expect(refusals[0]!.reason).toMatch(/turned off/);
  });

  it.each([
    ['loopback', ['http://127.0.0.1/cb'], ['cursor://anysphere.cursor-mcp/oauth/callback', 'https://app.example/cb']],
    ['loopback_private_use', ['http://localhost:3000/cb', 'cursor://anysphere.cursor-mcp/oauth/callback'], ['https://app.example/cb']],
    ['loopback_private_use_listed_https', ['https://vscode.dev/redirect', 'cursor://x.y/cb', 'http://127.0.0.1/'], ['https://evil.example/cb']],
  ] as const)('redirect rule %s admits %j and refuses %j', async (rule, admitted, refused) => {
    await setPolicy((s) => {
      s.dynamicRegistration.redirectRule = rule;
      s.dynamicRegistration.allowedHttpsHosts = ['vscode.dev'];
    });
    for (const uri of admitted) expect((await register([uri])).status, uri).toBe(201);
    for (const uri of refused) {
      const result = await register(['http://127.0.0.1/cb', uri]);
      expect(result.status, uri).toBe(400);
      expect(result.body.error).toBe('invalid_redirect_uri');
      expect(String(result.body.error_description)).toContain(uri);
    }
  });

  it('a per-minute rate limit answers 429 with Retry-After beyond it, and admits again a minute later', async () => {
    await setPolicy((s) => (s.dynamicRegistration.perMinute = 3));
    clock = 120_000; // past the registrations of earlier tests: a fresh minute
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(['http://127.0.0.1/cb'])).status);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    const limited = await fetch(`${server.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' }),
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    clock = 181_000;
    expect((await register(['http://127.0.0.1/cb'])).status).toBe(201);
  });

  it('a cap on self-registered clients keeps the database bounded', async () => {
    const existing = value(await admin.listClients({ registrationType: 'dynamic' })).total;
    await setPolicy((s) => (s.dynamicRegistration.maxClients = existing + 2));
    expect((await register(['http://127.0.0.1/cb'])).status).toBe(201);
    expect((await register(['http://127.0.0.1/cb'])).status).toBe(201);
    const refused = await register(['http://127.0.0.1/cb']);
    expect(refused.status).toBe(400);
    expect(String(refused.body.error_description)).toMatch(/limit/);
    expect(value(await admin.listClients({ registrationType: 'dynamic' })).total).toBe(existing + 2);
  });

  it('a body over 64 KB is refused with 413 and stores nothing', async () => {
    const before = value(await admin.listClients({})).total;
    const response = await fetch(`${server.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], client_name: 'x'.repeat(1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(value(await admin.listClients({})).total).toBe(before);
  });

  it('settings are validated', async () => {
    const bad = await admin.updateRegistrationSettings({
      ...DEFAULT_REGISTRATION_SETTINGS,
      metadataDocuments: { ...DEFAULT_REGISTRATION_SETTINGS.metadataDocuments, allowedDomains: ['not a domain!'] },
    });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('invalid_input');
  });
});

describe('dormant self-registered clients', () => {
  it('lists clients unused for the chosen days and removes them, never one with a live token or consent', async () => {
    const idle = (await register(['http://127.0.0.1/idle'])).body.client_id;
    const { clientId: busy, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    expect((await exchangeCode(server.issuer, busy, code, verifier)).status).toBe(200);

    clock = 40 * 86_400_000; // 40 days later (tokens issued before still count as live for this check: refresh tokens)
    const dormant = value(await admin.listDormantClients({ days: 30 })).map((c) => c.clientId);
    expect(dormant).toContain(idle);
    expect(dormant).not.toContain(busy); // its refresh token (30 days idle) has expired, but its consent is live

    const { removed } = value(await admin.removeDormantClients({ days: 30 }));
    expect(removed).toBe(dormant.length);
    expect(value(await admin.listDormantClients({ days: 30 }))).toEqual([]);
    expect((await admin.getClient({ clientId: idle })).ok).toBe(false);
    expect(value(await admin.getClient({ clientId: busy })).consentCount).toBe(1);
  });
});
