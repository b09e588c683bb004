import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/server/create-server';
import { ADMIN_TOKEN_FILE } from '../../src/main/store/key-files';
import { startTestServer } from '../helpers/server';

/** Browser mode's admin bridge: the admin token, same-origin calls only, and the static UI. */

let server: RunningServer & { removeDataDir: () => void };
let uiDir: string;
let token: string;

beforeAll(async () => {
  uiDir = mkdtempSync(join(tmpdir(), 'mad-ui-'));
  mkdirSync(join(uiDir, 'assets'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>Admin</title>');
  writeFileSync(join(uiDir, 'assets', 'app.js'), 'console.log(1)');
  server = await startTestServer({ adminUi: { dir: uiDir } });
  token = readFileSync(join(server.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim();
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
  rmSync(uiDir, { recursive: true, force: true });
});

function call(operation: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.issuer}/admin/api/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify(body),
  });
}

describe('admin token', () => {
  it('is a 0600 file in the data folder, and the admin link carries it in the fragment', () => {
    expect(statSync(join(server.dataDir, ADMIN_TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(server.adminUrl).toBe(`${server.issuer}/admin/#token=${token}`);
  });

  it('with it, operations run and return a Result envelope, never cached', async () => {
    const response = await call('getServerStatus', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { ok: boolean; value: { transport: string; issuer: string } };
    expect(body).toMatchObject({ ok: true, value: { transport: 'http', issuer: server.issuer } });
  });

  it.each([
    ['no token', { authorization: '' }],
    ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token-wrong-token' }],
    ['the token in a cookie instead of the header', { authorization: '', cookie: `token=${'x'}` }],
  ])('with %s, nothing runs (401)', async (_name, headers) => {
    const response = await call('createClient', { name: 'should not exist' }, headers);
    expect(response.status).toBe(401);
    const list = (await (await call('listClients', {})).json()) as { value: { total: number } };
    expect(list.value.total).toBe(0);
  });

  it.each(['https://evil.example', 'http://localhost:6274'])('from Origin %s, nothing runs even with the token (403)', async (origin) => {
    const response = await call('createClient', { name: 'cross-origin' }, { origin });
    expect(response.status).toBe(403);
    const list = (await (await call('listClients', {})).json()) as { value: { total: number } };
    expect(list.value.total).toBe(0);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a preflight from another origin is refused', async () => {
    const response = await fetch(`${server.issuer}/admin/api/listClients`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('same-origin calls (the admin page itself) are accepted', async () => {
    const response = await call('listUsers', {}, { origin: server.issuer, 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(200);
  });
});

describe('bridge input handling', () => {
  it('validates input and reports field errors', async () => {
    const body = (await (await call('addUser', { username: 'bad name' })).json()) as { ok: boolean; error: { code: string; fields: object } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(Object.keys(body.error.fields)).toContain('username');
  });

  it('an unknown operation is 404, GET is 405, a non-JSON body is 400', async () => {
    expect((await call('dropDatabase', {})).status).toBe(404);
    expect((await fetch(`${server.issuer}/admin/api/listUsers`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(405);
    const bad = await fetch(`${server.issuer}/admin/api/listUsers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
  });
});

describe('static admin UI', () => {
  it('serves the app with a strict CSP and refuses framing', async () => {
    const response = await fetch(`${server.issuer}/admin/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Admin</title>');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves assets and never a file outside the UI folder', async () => {
    expect(await (await fetch(`${server.issuer}/admin/assets/app.js`)).text()).toBe('console.log(1)');
    expect((await fetch(`${server.issuer}/admin/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${server.issuer}/admin/..%2F..%2F..%2Fetc%2Fpasswd`);
    expect(await traversal.text()).not.toContain('root:');
  });
});
