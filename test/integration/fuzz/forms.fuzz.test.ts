import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../../src/main/admin/service';
import { TEST_USERNAME } from '../../helpers/server';
import { CALLBACK, registerPublicClient } from '../../helpers/oauth';
import { HttpBrowser, authorize, csrfFrom, formActionFrom, pkcePair } from '../../helpers/http-browser';
import {
  adminServiceFor,
  announceFuzzRun,
  answerTally,
  bodyBytes,
  contentType,
  describeAnswer,
  encodePairs,
  expectHealthy,
  expectNoServerFailure,
  fuzzParameters,
  fuzzTimeout,
  headerSafeString,
  hostileKey,
  hostileString,
  hugeString,
  originHeader,
  pairEncoding,
  resolveSlot,
  shortHostileString,
  sometimes,
  startFuzzServer,
  watchRows,
  type Answer,
  type FuzzServer,
  type Pair,
  type PairEncoding,
  type Slot,
} from '../../helpers/fuzz';

/**
 * The sign-in and consent form posts (/interaction/<uid>/login and /consent) of
 * real pending authorizations, with fuzzed fields, CSRF tokens, paths, cookies
 * and headers: never a 5xx; a refused post stores no session or consent; only
 * the issued CSRF token gets a post accepted; a consent is stored only for
 * decision=allow; a form can be submitted once.
 */

announceFuzzRun('forms.fuzz.test.ts');

type Real = 'csrf' | 'staleCsrf' | 'tamperedCsrf' | 'uid' | 'otherUid';

let fuzz: FuzzServer;
let admin: AdminService;
let clientId: string;
/** Signed in as TEST_USERNAME: its authorizations go straight to the consent page (once consents are revoked). */
let signedIn: HttpBrowser;
/** The CSRF token of the previous page (valid for another pending request). */
let staleCsrf = 'none-yet';

beforeAll(async () => {
  fuzz = await startFuzzServer();
  admin = adminServiceFor(fuzz);
  clientId = (await registerPublicClient(fuzz.issuer)).client_id;
  signedIn = new HttpBrowser(fuzz.issuer);
  const { url } = await authorize(signedIn, { clientId, redirectUri: CALLBACK, username: TEST_USERNAME, challenge: pkcePair().challenge });
  expect(url.searchParams.get('code')).not.toBeNull();
});

afterAll(async () => {
  await fuzz?.close();
});

function authorizePath(): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    state: 'fuzz',
  });
  return `/authorize?${params}`;
}

/** Opens a pending authorization in `browser` and returns its page (sign-in or consent). */
async function openPage(browser: HttpBrowser, step: 'login' | 'consent') {
  const { response } = await browser.follow(authorizePath());
  const html = await response.text();
  expect(response.status, html.slice(0, 300)).toBe(200);
  const action = formActionFrom(html);
  expect(action.endsWith(`/${step}`), action).toBe(true);
  const uid = /^\/interaction\/([^/]+)\//.exec(action)![1]!;
  return { action, uid, csrf: csrfFrom(html) };
}

type SlotPair = [Slot<Real>, Slot<Real>, PairEncoding];

const csrfValue: fc.Arbitrary<Slot<Real>> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<Real>('staleCsrf', 'tamperedCsrf').map((ref): Slot<Real> => ({ ref })) },
  { weight: 1, arbitrary: fc.constantFrom('', 'null', 'undefined', '[object Object]') },
  { weight: 2, arbitrary: hostileString },
);

const FIELDS: Record<'login' | 'consent', Record<string, { real: Slot<Real>; fuzzed: fc.Arbitrary<Slot<Real>> }>> = {
  login: {
    csrf: { real: { ref: 'csrf' }, fuzzed: csrfValue },
    username: {
      real: TEST_USERNAME,
      fuzzed: fc.oneof(
        fc.constantFrom('DEVUSER', ` ${TEST_USERNAME} `, `${TEST_USERNAME}\u0000`, `${TEST_USERNAME}\n`, 'dev user', 'nobody', `${TEST_USERNAME}%00`),
        hostileString,
      ),
    },
    password: { real: '', fuzzed: fc.oneof(fc.constantFrom(' ', 'password', '\u0000'), hostileString, hugeString) },
    action: { real: 'sign-in', fuzzed: fc.oneof(fc.constantFrom('cancel', 'CANCEL', 'sign-in ', ''), shortHostileString) },
  },
  consent: {
    csrf: { real: { ref: 'csrf' }, fuzzed: csrfValue },
    decision: { real: 'allow', fuzzed: fc.oneof(fc.constantFrom('deny', 'Allow', 'allow ', 'allow\u0000', ''), shortHostileString) },
  },
};

const fieldPairs = (step: 'login' | 'consent'): fc.Arbitrary<SlotPair[]> =>
  fc
    .tuple(
      fc.tuple(
        ...Object.entries(FIELDS[step]).map(([name, { real, fuzzed }]) =>
          fc.oneof(
            { weight: 1, arbitrary: fc.constant(null) },
            { weight: 16, arbitrary: fc.tuple(fc.constant<Slot<Real>>(name), fc.constant(real), pairEncoding) },
            { weight: 4, arbitrary: fc.tuple(fc.constant<Slot<Real>>(name), fuzzed, pairEncoding) },
          ),
        ),
      ),
      // Duplicates of the known fields (the server reads the first) and unknown fields.
      fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.oneof(
              fc.tuple(
                fc.constantFrom<Slot<Real>>(...Object.keys(FIELDS[step])),
                fc.oneof(...Object.values(FIELDS[step]).map((field) => fc.oneof(fc.constant(field.real), field.fuzzed))),
                pairEncoding,
              ),
              fc.tuple(hostileKey, shortHostileString, pairEncoding),
            ),
            { minLength: 1, maxLength: 3 },
          ),
        },
      ),
    )
    .map(([known, extra]) => [...known.filter((p): p is SlotPair => p !== null), ...extra]);

/** Where the form goes: its own action mostly, else another step, another or a malformed uid, an odd suffix. */
const target = (step: 'login' | 'consent'): fc.Arbitrary<[prefix: Slot<Real>, suffix: string]> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant<[Slot<Real>, string]>([{ ref: 'uid' }, `/${step}`]) },
    {
      weight: 3,
      arbitrary: fc.tuple(
        fc.constant<Slot<Real>>({ ref: 'uid' }),
        fc.constantFrom(`/${step === 'login' ? 'consent' : 'login'}`, '', '/', `/${step}/`, `/${step.toUpperCase()}`, `/${step}/x`, `/${step}?x=1`, `/${step}%00`),
      ),
    },
    { weight: 2, arbitrary: fc.tuple(fc.constant<Slot<Real>>({ ref: 'otherUid' }), fc.constant(`/${step}`)) },
    {
      weight: 2,
      arbitrary: fc.tuple(
        fc.oneof(fc.constantFrom('', '..', '%2e%2e', 'a'.repeat(65), 'a b', '__proto__'), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
        fc.constant(`/${step}`),
      ),
    },
  );

type Cookies = 'real' | 'none' | 'tampered' | 'firstOnly';

const formPost = (issuer: string, step: 'login' | 'consent') =>
  fc.record({
    fields: fieldPairs(step),
    rawTail: sometimes(fc.constantFrom('&', '=', '%', '%zz', '&csrf', '&&&=&&&')),
    target: target(step),
    cookies: fc.oneof({ weight: 8, arbitrary: fc.constant<Cookies>('real') }, { weight: 1, arbitrary: fc.constantFrom<Cookies>('none', 'tampered', 'firstOnly') }),
    origin: fc.oneof({ weight: 3, arbitrary: fc.constant(issuer) }, { weight: 1, arbitrary: originHeader(issuer) }),
    secFetchSite: sometimes(fc.oneof(fc.constantFrom('same-origin', 'none', 'same-site', 'cross-site', 'SAME-ORIGIN'), headerSafeString), 3),
    contentType: contentType('application/x-www-form-urlencoded'),
    replay: sometimes(fc.constant(true), 4),
  });

type Post = ReturnType<typeof formPost> extends fc.Arbitrary<infer T> ? T : never;

/**
 * The browser the post is sent from: `from` itself with its real cookies (so that it keeps
 * any cookie the server rotates), otherwise a copy without, with tampered or with only some cookies.
 */
function browserFor(from: HttpBrowser, cookies: Cookies): HttpBrowser {
  if (cookies === 'real') return from;
  const browser = new HttpBrowser(from.origin);
  if (cookies === 'none') return browser;
  for (const [name, value] of from.cookies) {
    if (cookies === 'firstOnly' && browser.cookies.size > 0) break;
    browser.cookies.set(name, cookies === 'tampered' ? `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}` : value);
  }
  return browser;
}

function tamper(token: string): string {
  return `${token.slice(0, 10)}${token[10] === 'x' ? 'y' : 'x'}${token.slice(11)}`;
}

/** Sends the post from `browser`; returns the answer and the form as the server reads it. */
async function submit(browser: HttpBrowser, post: Post, real: Record<Real, string>) {
  const pairs: Pair[] = post.fields.map(([key, value, encoding]) => [resolveSlot(key, real), resolveSlot(value, real), encoding]);
  const body = encodePairs(pairs) + (post.rawTail ?? '');
  const headers: Record<string, string> = {};
  if (post.contentType !== undefined) headers['content-type'] = post.contentType;
  if (post.origin !== undefined) headers.origin = post.origin;
  if (post.secFetchSite !== undefined) headers['sec-fetch-site'] = post.secFetchSite;
  const path = `/interaction/${resolveSlot(post.target[0], real)}${post.target[1]}`;
  const response = await browser.request(path, { method: 'POST', headers, body: bodyBytes(body) });
  const answer: Answer = { status: response.status, headers: response.headers, text: await response.text() };
  return { answer, form: new URLSearchParams(body), path };
}

/** Follows the redirect after an accepted post (the engine resuming the authorization) on our own origin: no 5xx there either. */
async function followResume(browser: HttpBrowser, answer: Answer): Promise<void> {
  const location = answer.headers.get('location');
  if (answer.status < 300 || answer.status >= 400 || !location) return;
  if (new URL(location, fuzz.issuer).origin !== fuzz.issuer) return;
  const { response } = await browser.follow(location);
  const text = await response.text();
  expectNoServerFailure(fuzz, { status: response.status, headers: response.headers, text }, `resume after the post: ${location}`);
}

describe('sign-in form (POST /interaction/<uid>/login)', () => {
  it(
    'never answers 5xx; a refused post stores no session or consent; only the issued CSRF token and the right account sign in',
    async () => {
      const tally = answerTally('POST /interaction/<uid>/login');
      await fc.assert(
        fc.asyncProperty(formPost(fuzz.issuer, 'login'), async (post) => {
          fuzz.takeErrors();
          const owner = new HttpBrowser(fuzz.issuer);
          const page = await openPage(owner, 'login');
          const other = await openPage(new HttpBrowser(fuzz.issuer), 'login');
          const real: Record<Real, string> = { csrf: page.csrf, staleCsrf, tamperedCsrf: tamper(page.csrf), uid: page.uid, otherUid: other.uid };
          staleCsrf = page.csrf;
          const browser = browserFor(owner, post.cookies);

          const rows = watchRows(fuzz.server.db, ['sessions', 'grants']);
          const { answer, form, path } = await submit(browser, post, real);
          expectNoServerFailure(fuzz, answer, `POST ${path}`);
          tally.add(answer);

          if (answer.status >= 400) expect(rows.added(), describeAnswer(answer)).toEqual(rows.none());
          if (answer.status === 303) {
            expect(form.get('csrf'), 'accepted without the issued CSRF token').toBe(page.csrf);
            if (form.get('action') !== 'cancel') {
              expect((form.get('username') ?? '').trim().toLowerCase(), 'signed in as someone else').toBe(TEST_USERNAME);
              expect(form.get('password') ?? '', 'signed in with a wrong password').toBe('');
            }
          }
          if (post.replay) {
            const again = await submit(browser, post, real);
            expectNoServerFailure(fuzz, again.answer, `POST ${again.path} again`);
            if (answer.status === 303) expect(again.answer.status, 'a form submitted twice').toBeGreaterThanOrEqual(400);
          }
          await followResume(browser, answer);
        }),
        fuzzParameters(150),
      );
      tally.print();
      await expectHealthy(fuzz);
    },
    fuzzTimeout(150),
  );
});

describe('consent form (POST /interaction/<uid>/consent)', () => {
  it(
    'never answers 5xx; a consent is stored only for the issued CSRF token and decision=allow, and only once',
    async () => {
      const tally = answerTally('POST /interaction/<uid>/consent');
      await fc.assert(
        fc.asyncProperty(formPost(fuzz.issuer, 'consent'), async (post) => {
          fuzz.takeErrors();
          // Forget the earlier consent so that the next authorization asks again.
          const revoked = await admin.revokeAllConsents({ clientId });
          expect(revoked.ok).toBe(true);
          // Two pending requests of the same browser: the later one owns the interaction cookie, so the
          // earlier one's uid (`otherUid`) is real but does not match it.
          const other = await openPage(signedIn, 'consent');
          const page = await openPage(signedIn, 'consent');
          const real: Record<Real, string> = { csrf: page.csrf, staleCsrf, tamperedCsrf: tamper(page.csrf), uid: page.uid, otherUid: other.uid };
          staleCsrf = page.csrf;
          const browser = browserFor(signedIn, post.cookies);

          const rows = watchRows(fuzz.server.db, ['grants']);
          const { answer, form, path } = await submit(browser, post, real);
          expectNoServerFailure(fuzz, answer, `POST ${path}`);
          tally.add(answer);

          const added = rows.added();
          if (answer.status >= 400 || form.get('decision') !== 'allow') {
            expect(added, describeAnswer(answer)).toEqual(rows.none());
          }
          if (added.grants.length > 0) expect(form.get('csrf'), 'consent stored without the issued CSRF token').toBe(page.csrf);
          if (post.replay) {
            const before = watchRows(fuzz.server.db, ['grants']);
            const again = await submit(browser, post, real);
            expectNoServerFailure(fuzz, again.answer, `POST ${again.path} again`);
            expect(before.added(), 'a consent form submitted twice').toEqual(before.none());
          }
          await followResume(browser, answer);
        }),
        fuzzParameters(100),
      );
      tally.print();
      await expectHealthy(fuzz);
    },
    fuzzTimeout(100),
  );
});
