import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAdminService, type AdminService } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import { DATABASE_FILE_NAME, openDatabase } from '../../src/main/store/database';
import { EventLog } from '../../src/main/store/events';
import { value } from '../helpers/admin';
import { basic, CALLBACK, callWhoami, codeFor, postForm } from '../helpers/oauth';
import { startTestServer, TEST_USERNAME } from '../helpers/server';

/**
 * The desktop app's layout: the admin service has its own database connection
 * beside the server's. A change made there reaches the server's caches (client
 * rows, accepted access tokens, token rows for introspection) without going through the server's connection
 * and its triggers; it must still take effect on the very next request.
 */

let server: RunningServer & { removeDataDir: () => void };
let adminDb: Database.Database;
let admin: AdminService;
let mcpUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  mcpUrl = `http://localhost:${server.port}/mcp`;
  adminDb = openDatabase(join(server.dataDir, DATABASE_FILE_NAME));
  admin = createAdminService({ db: adminDb, events: new EventLog(adminDb), transport: 'ipc', serverState: () => server.status() });
});

afterAll(async () => {
  adminDb.close();
  await server.close();
  server.removeDataDir();
});

async function machineToken(name: string) {
  const { client, clientSecret } = value(await admin.createClient({ name }));
  const issued = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(client.clientId, clientSecret!) });
  expect(issued.status).toBe(200);
  const token = issued.body.access_token as string;
  // Used twice first: the server now answers for this token and client from memory.
  expect((await callWhoami(mcpUrl, token)).status).toBe(200);
  expect((await callWhoami(mcpUrl, token)).status).toBe(200);
  return { clientId: client.clientId, secret: clientSecret!, token };
}

it('disabling a client from the admin connection refuses its tokens and its secret on the next request', async () => {
  const { clientId, secret, token } = await machineToken('Desktop-disabled job');
  value(await admin.setClientDisabled({ clientId, disabled: true }));
  expect((await callWhoami(mcpUrl, token)).status).toBe(401);
  const refused = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });
  expect(refused.body.error).toBe('invalid_client');
  value(await admin.setClientDisabled({ clientId, disabled: false }));
  expect((await callWhoami(mcpUrl, token)).status).toBe(200);
});

it('"expire now" from the admin connection refuses the token on the next request', async () => {
  const { clientId, token } = await machineToken('Desktop-expired job');
  expect(value(await admin.expireClientTokens({ clientId })).expiredTokens).toBeGreaterThanOrEqual(1);
  expect((await callWhoami(mcpUrl, token)).status).toBe(401);
});

it('"expire now" from the admin connection makes introspection answer inactive on the next request', async () => {
  const { clientId, secret, token } = await machineToken('Desktop-introspected job');
  const introspect = () => postForm(`${server.issuer}/introspect`, { token }, { authorization: basic(clientId, secret) });
  // Twice: the server now answers for this token's row from memory.
  expect((await introspect()).body.active).toBe(true);
  expect((await introspect()).body.active).toBe(true);
  value(await admin.expireClientTokens({ clientId }));
  expect((await introspect()).body).toEqual({ active: false });
});

it('E.56 in this layout: a consent revoked from the admin connection makes its access token introspect inactive at once', async () => {
  const { client, clientSecret } = value(await admin.createClient({ name: 'Desktop-revoked app', redirectUris: [CALLBACK] }));
  const auth = { authorization: basic(client.clientId, clientSecret!) };
  const { code, verifier } = await codeFor(server.issuer, TEST_USERNAME, { clientId: client.clientId });
  const tokens = await postForm(`${server.issuer}/token`, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CALLBACK }, auth);
  expect(tokens.status).toBe(200);
  const introspect = () => postForm(`${server.issuer}/introspect`, { token: tokens.body.access_token as string }, auth);
  expect((await introspect()).body.active).toBe(true);
  expect((await introspect()).body.active).toBe(true);
  value(await admin.revokeConsent({ clientId: client.clientId, username: TEST_USERNAME }));
  expect((await introspect()).body).toEqual({ active: false });
});
