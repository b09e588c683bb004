import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_USERNAME } from '../../helpers/server';
import { CALLBACK, codeFor } from '../../helpers/oauth';
import {
  announceFuzzRun,
  answerTally,
  describeAnswer,
  encodePairs,
  expectHealthy,
  expectNoServerFailure,
  fuzzParameters,
  fuzzTimeout,
  hostileKey,
  oddUrl,
  pairEncoding,
  resolveSlot,
  send,
  shortHostileString,
  sometimes,
  startFuzzServer,
  watchRows,
  knownPair,
  realOrFuzzedPair,
  slotValue,
  type FuzzServer,
  type SlotPair as SlotPairOf,
  type Pair,
  type Slot,
} from '../../helpers/fuzz';

/**
 * GET /authorize with malformed, hostile and duplicated parameters, for a real
 * registered client (so the request reaches the engine's deeper checks) and for
 * made-up ones, anonymous and signed in: never a 5xx, never a redirect anywhere
 * but our own pages or the client's registered redirect URI, and a refused
 * request stores no code, grant or client.
 */

announceFuzzRun('authorize.fuzz.test.ts');

type Real = 'clientId' | 'redirectUri' | 'challenge' | 'resource';

let fuzz: FuzzServer;
let real: Record<Real, string>;
/** Cookies of a browser signed in as TEST_USERNAME that has consented for the client. */
let signedInCookie: string;

beforeAll(async () => {
  fuzz = await startFuzzServer();
  const { clientId, browser } = await codeFor(fuzz.issuer, TEST_USERNAME);
  signedInCookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  real = {
    clientId,
    redirectUri: CALLBACK,
    challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    resource: `http://localhost:${fuzz.server.port}/mcp`,
  };
});

afterAll(async () => {
  await fuzz?.close();
});

const value = (realistic: fc.Arbitrary<string>, refs: Real[] = []) => slotValue<Real>(realistic, refs);

/** Each authorization parameter with realistic values (and real ones by reference). */
const PARAMS: Record<string, fc.Arbitrary<Slot<Real>>> = {
  response_type: value(fc.constantFrom('code', 'token', 'id_token', 'code id_token', 'none', 'CODE', 'code code')),
  client_id: value(fc.constantFrom('unknown-client', 'https://client.example.test/client.json', 'https://localhost/doc.json'), ['clientId']),
  redirect_uri: value(fc.oneof(fc.constantFrom('http://127.0.0.1:4567/callback', 'http://localhost:9/callback', 'http://127.0.0.1:9/callback/'), oddUrl), ['redirectUri']),
  scope: value(fc.constantFrom('mcp:whoami', 'mcp:whoami mcp:echo', 'openid profile email offline_access', 'mcp:admin', 'openid', '')),
  state: value(fc.constantFrom('xyz', '')),
  code_challenge: value(fc.constantFrom('a'.repeat(43), 'a'.repeat(42), 'a'.repeat(129), '+/=', ''), ['challenge']),
  code_challenge_method: value(fc.constantFrom('S256', 'plain', 's256', 'S512', '')),
  resource: value(fc.constantFrom('http://127.0.0.1:1/mcp', 'http://localhost/mcp', 'https://other.example/mcp', 'urn:x', 'http://localhost:1/mcp#f'), ['resource']),
  prompt: value(fc.constantFrom('none', 'login', 'consent', 'select_account', 'create', 'login consent', 'none login')),
  response_mode: value(fc.constantFrom('query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'web_message')),
  nonce: value(fc.constantFrom('n-0S6_WzA2Mj')),
  max_age: value(fc.constantFrom('0', '-1', '1.5', '99999999999999999999')),
  login_hint: value(fc.constantFrom(TEST_USERNAME, 'nobody')),
  id_token_hint: value(fc.constantFrom('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', 'not-a-jwt')),
  ui_locales: value(fc.constantFrom('en', 'de-CH fr', '*')),
  acr_values: value(fc.constantFrom('urn:mace:incommon:iap:silver')),
  claims: value(fc.constantFrom('{"userinfo":{"email":null}}', '{', '[]', '{"id_token":{"acr":{"essential":true}}}')),
  request: value(fc.constantFrom('eyJhbGciOiJub25lIn0.e30.', 'a.b.c')),
  request_uri: value(fc.constantFrom('urn:ietf:params:oauth:request_uri:abc', 'https://client.example.test/request.jwt')),
  registration: value(fc.constantFrom('{"client_name":"x"}')),
  display: value(fc.constantFrom('page', 'popup', 'touch', 'wap')),
  authorization_details: value(fc.constantFrom('[{"type":"x"}]', '[', '{}')),
  dpop_jkt: value(fc.constantFrom('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I')),
};

/** What an MCP client sends: each present most of the time. */
const BASE = ['response_type', 'client_id', 'redirect_uri', 'code_challenge', 'code_challenge_method', 'state', 'scope', 'resource'];
const REAL_DEFAULTS: Record<string, Slot<Real>> = {
  response_type: 'code',
  client_id: { ref: 'clientId' },
  redirect_uri: { ref: 'redirectUri' },
  code_challenge: { ref: 'challenge' },
  code_challenge_method: 'S256',
  state: 'xyz',
  scope: 'mcp:whoami mcp:echo',
  resource: { ref: 'resource' },
};

type SlotPair = SlotPairOf<Real>;

/** A base parameter: absent, its real value, or fuzzed. */
const baseParam = (name: string) => realOrFuzzedPair<Real>(name, REAL_DEFAULTS[name]!, PARAMS[name]!);

const authorizeRequest = fc.record({
  base: fc.tuple(...BASE.map(baseParam)),
  // Extra pairs: more known parameters (often duplicates of the base ones) and unknown keys.
  extra: fc.oneof(
    fc.constant([]),
    fc.array(
      fc.oneof(
        { weight: 3, arbitrary: knownPair(PARAMS) },
        { weight: 1, arbitrary: fc.tuple(hostileKey, shortHostileString, pairEncoding) },
      ),
      { minLength: 1, maxLength: 3 },
    ),
  ),
  /** Appended to the query as it is: stray separators, invalid percent-encoding... */
  rawTail: sometimes(fc.oneof(fc.constantFrom('&', '&&', '=', '==&=', '%', '%zz', '%%', '&%E0%A4%A', '#frag', '&?&'), shortHostileString)),
  signedIn: fc.boolean(),
});

/** Our own pages, or the client's registered redirect URI (a loopback URI on any port; errors for implicit response types come in the fragment). */
function allowedRedirect(location: string, issuer: string): boolean {
  const target = URL.parse(location, issuer);
  if (!target) return false;
  if (target.origin === issuer) return true;
  return target.protocol === 'http:' && target.hostname === '127.0.0.1' && target.pathname === '/callback' && /^http:\/\/127\.0\.0\.1(:\d+)?\/callback[?#]/.test(location);
}

describe('GET /authorize', () => {
  it(
    'never answers 5xx, redirects only to our pages or the registered redirect URI, and stores nothing when refused',
    async () => {
      const tally = answerTally('GET /authorize');
      await fc.assert(
        fc.asyncProperty(authorizeRequest, async (request) => {
          fuzz.takeErrors();
          const pairs: Pair[] = [...request.base.filter((p): p is SlotPair => p !== null), ...request.extra].map(([key, val, encoding]) => [
            resolveSlot(key, real),
            resolveSlot(val, real),
            encoding,
          ]);
          const query = encodePairs(pairs) + (request.rawTail ?? '');
          const headers: Record<string, string> = request.signedIn ? { cookie: signedInCookie } : {};

          const rows = watchRows(fuzz.server.db, ['tokens', 'grants', 'clients']);
          const answer = await send(`${fuzz.issuer}/authorize?${query}`, { headers });
          expectNoServerFailure(fuzz, answer, 'GET /authorize');
          tally.add(answer, request.signedIn ? '(signed in)' : '');

          const location = answer.headers.get('location');
          if (answer.status >= 300 && answer.status < 400) {
            expect(location, describeAnswer(answer)).not.toBeNull();
            expect(allowedRedirect(location!, fuzz.issuer), `redirected to ${location}`).toBe(true);
          }
          const target = location === null ? undefined : URL.parse(location, fuzz.issuer);
          const answeredError = target?.searchParams.has('error') || new URLSearchParams(target?.hash.slice(1)).has('error');
          const refused = answer.status >= 400 || answeredError;
          if (refused || !request.signedIn) {
            // A refused request stores nothing, and without a signed-in session no code or consent can be issued.
            expect(rows.added(), describeAnswer(answer)).toEqual(rows.none());
          }
        }),
        fuzzParameters(30),
      );
      tally.print();
      await expectHealthy(fuzz);
    },
    fuzzTimeout(30),
  );
});
