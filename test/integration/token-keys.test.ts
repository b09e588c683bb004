import { describe, expect, it } from 'vitest';
import { inputSchemas } from '../../src/shared/contract';
import { sha256, TIME_PREFIXED_TOKEN_LENGTH, tokenStorageKey } from '../../src/main/store/hashing';
import { TEST_USERNAME } from '../helpers/server';
import { useTestServer, type TestServer } from '../helpers/use-test-server';
import { adminServiceFor, value } from '../helpers/admin';
import { basic, callWhoami, codeFor, exchangeCode, postForm, registerPublicClient } from '../helpers/oauth';

/**
 * Tokens carry their issue time as a prefix, so that their rows are stored under
 * keys in time order (hashing.ts, tokenStorageKey); tokens issued before that
 * (43 characters, stored under their plain SHA-256) keep working.
 */

let server: TestServer;
useTestServer((started) => (server = started));

const prefixTime = (token: string) => Buffer.from(token.slice(0, 8), 'base64url').readUIntBE(0, 6);
const storedKinds = (key: Buffer) =>
  (server.db.prepare('SELECT kind FROM tokens WHERE id_hash = ?').all(key) as { kind: string }[]).map((row) => row.kind);

async function codeFlowTokens() {
  const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
  const exchanged = await exchangeCode(server.issuer, clientId, code, verifier);
  expect(exchanged.status).toBe(200);
  return { clientId, code, access: exchanged.body.access_token as string, refresh: exchanged.body.refresh_token as string };
}

describe('token ids and their storage keys', () => {
  it('gives codes, access and refresh tokens a time prefix and stores each under its time-ordered key', async () => {
    const before = Date.now();
    const { clientId, code, access, refresh } = await codeFlowTokens();
    const rotated = await postForm(`${server.issuer}/token`, { grant_type: 'refresh_token', client_id: clientId, refresh_token: refresh });
    expect(rotated.status).toBe(200);
    const after = Date.now();

    const issued = { code, access, refresh, rotatedAccess: rotated.body.access_token as string, rotatedRefresh: rotated.body.refresh_token as string };
    for (const [name, token] of Object.entries(issued)) {
      expect(token, name).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
      expect(prefixTime(token), name).toBeGreaterThanOrEqual(before);
      expect(prefixTime(token), name).toBeLessThanOrEqual(after);
      expect(tokenStorageKey(token), name).toHaveLength(38);
      // Nothing is stored under the plain hash any more.
      expect(storedKinds(sha256(token)), name).toEqual([]);
    }
    expect(storedKinds(tokenStorageKey(issued.code))).toEqual(['AuthorizationCode']);
    expect(storedKinds(tokenStorageKey(issued.access))).toEqual(['AccessToken']);
    expect(storedKinds(tokenStorageKey(issued.refresh))).toEqual(['RefreshToken']);
    expect(storedKinds(tokenStorageKey(issued.rotatedRefresh))).toEqual(['RefreshToken']);

    // In the key index, rows follow the order they were issued in.
    const keys = server.db.prepare('SELECT id_hash FROM tokens WHERE length(id_hash) = 38 ORDER BY id').all() as { id_hash: Buffer }[];
    expect(keys.length).toBeGreaterThanOrEqual(5);
    const times = keys.map((row) => row.id_hash.readUIntBE(0, 6));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // The key works end to end: /mcp accepts the token, and after revocation refuses it (its cached lookup went too).
    expect((await callWhoami(server.mcpUrl, issued.rotatedAccess)).status).toBe(200);
    expect((await postForm(`${server.issuer}/revoke`, { token: issued.rotatedAccess, client_id: clientId })).status).toBe(200);
    expect((await callWhoami(server.mcpUrl, issued.rotatedAccess)).status).toBe(401);
  });

  it('prefixes client-credentials tokens and registration access tokens too; introspection refuses a revoked one at once', async () => {
    const machine = value(await adminServiceFor(server).createClient({ name: 'Machine (token keys)' }));
    const auth = { authorization: basic(machine.client.clientId, machine.clientSecret!) };
    const issued = await postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, auth);
    expect(issued.status).toBe(200);
    const machineToken = issued.body.access_token as string;
    const registration = await registerPublicClient(server.issuer);
    const registrationToken = registration.registration_access_token as string;

    expect(machineToken).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
    expect(storedKinds(tokenStorageKey(machineToken))).toEqual(['ClientCredentials']);
    expect(registrationToken).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
    expect(storedKinds(tokenStorageKey(registrationToken))).toEqual(['RegistrationAccessToken']);

    // Introspection looks the row up through the token-row cache, keyed like the row.
    const introspect = async () => (await postForm(`${server.issuer}/introspect`, { token: machineToken }, auth)).body.active;
    expect(await introspect()).toBe(true);
    expect(await introspect()).toBe(true);
    expect((await postForm(`${server.issuer}/revoke`, { token: machineToken }, auth)).status).toBe(200);
    expect(await introspect()).toBe(false);
  });

  it('still accepts, and revokes, a token issued before the prefix (stored under its plain SHA-256)', async () => {
    const { clientId, access } = await codeFlowTokens();
    // The same grant's access token as an older version of this server stored it: a 43-character id.
    const legacy = 'L'.repeat(43);
    const payload = server.store.find('AccessToken', access)!;
    server.store.upsert('AccessToken', legacy, { ...payload, jti: legacy }, 600);
    expect(storedKinds(sha256(legacy))).toEqual(['AccessToken']);

    expect((await callWhoami(server.mcpUrl, legacy)).status).toBe(200);
    expect((await postForm(`${server.issuer}/revoke`, { token: legacy, client_id: clientId })).status).toBe(200);
    expect(storedKinds(sha256(legacy))).toEqual([]);
    expect((await callWhoami(server.mcpUrl, legacy)).status).toBe(401);
  });
});

describe('token references in the admin contract', () => {
  it('accept the hex of either key form (76 characters for a prefixed token, 64 for an older one), nothing else', async () => {
    const { access } = await codeFlowTokens();
    const valid = (ref: string) => inputSchemas.inspectToken.safeParse({ ref }).success;
    expect(valid(tokenStorageKey(access).toString('hex'))).toBe(true);
    expect(valid(sha256('L'.repeat(43)).toString('hex'))).toBe(true);
    expect(valid('ab'.repeat(35))).toBe(false);
    expect(valid('AB'.repeat(32))).toBe(false);
  });
});
