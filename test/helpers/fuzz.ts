/**
 * Shared pieces of the property-based fuzz tests (test/integration/fuzz): the run
 * configuration, a server set up for fuzzing, the checks every property makes,
 * and arbitraries that mix realistic and hostile values.
 *
 * Every property runs FUZZ_RUNS times (default below, small enough for the normal
 * suite) from the fixed seed FUZZ_SEED, so a run is reproducible. Longer run:
 *
 *   FUZZ_RUNS=5000 npx vitest run test/integration/fuzz
 *
 * Each file prints its seed and run count once. To replay a failure, run the same
 * file with the same FUZZ_SEED and FUZZ_RUNS; fast-check prints the (shrunk)
 * counterexample with its seed and path. FUZZ_STATS=1 also prints, per property,
 * how often each kind of answer came back (to see which code paths the inputs reach).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { AdminService } from '../../src/main/admin/service';
import { adminServiceFor as adminServiceOn } from './admin';
import type { RunningServer } from '../../src/main/server/create-server';
import type { SqliteDatabase } from '../../src/main/store/database';
import { startTestServer } from './server';

// ---------------------------------------------------------------------------
// Run configuration

function envInteger(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Runs per property. */
export const FUZZ_RUNS = envInteger('FUZZ_RUNS', 100, 1, 10_000_000);
/** fast-check seed (a 32-bit integer); fixed so that every run of the suite tries the same inputs. */
export const FUZZ_SEED = envInteger('FUZZ_SEED', 20_250_611, -(2 ** 31), 2 ** 31 - 1);

/**
 * The vitest timeout of one property: generous for `msPerRun` per run (and the
 * shrinking after a failure). fast-check stops a little earlier and reports the
 * best counterexample so far, so a slow run fails with the input, not a bare timeout.
 */
export function fuzzTimeout(msPerRun: number): number {
  return 60_000 + FUZZ_RUNS * msPerRun * 3;
}

/** fast-check parameters for one property (see fuzzTimeout for `msPerRun`). */
export function fuzzParameters<T>(msPerRun: number): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: FUZZ_RUNS,
    interruptAfterTimeLimit: fuzzTimeout(msPerRun) - 10_000,
    markInterruptAsFailure: true,
  };
}

/** Prints the seed and run count once per file, so a failure can be replayed. */
export function announceFuzzRun(file: string): void {
  console.log(
    `[fuzz] ${file}: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} ` +
      `(replay: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} npx vitest run test/integration/fuzz/${file})`,
  );
}

// ---------------------------------------------------------------------------
// The server under test

export type TestServer = RunningServer & { removeDataDir: () => void };

export interface FuzzServer {
  server: TestServer;
  /** The issuer, also the origin all requests go to. */
  issuer: string;
  /** Unexpected errors the server reported (router onError, engine server_error) since the last call. */
  takeErrors(): unknown[];
  /** Adds an unexpected error from elsewhere (the admin service's onError). */
  reportError(error: unknown): void;
  close(): Promise<void>;
}

/** Every host name fails to resolve: metadata documents and other engine fetches never leave the machine. */
function offlineResolver(hostname: string, callback: (error: Error | null, addresses: { address: string; family: number }[]) => void): void {
  callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} (fuzz tests are offline)`), { code: 'ENOTFOUND' }), []);
}

/**
 * A test server whose unexpected errors are collected rather than thrown (startTestServer
 * throws from onError, which would leave the request unanswered): each run takes them and
 * fails with the input that caused them, and the 500 response is still sent and checked.
 */
export async function startFuzzServer(): Promise<FuzzServer> {
  const errors: unknown[] = [];
  const server = await startTestServer({
    onError: (error) => {
      errors.push(error);
    },
    metadataDocumentFetch: { resolver: offlineResolver },
  });
  server.provider.on('server_error', (_ctx, error) => {
    errors.push(error);
  });
  return {
    server,
    issuer: server.issuer,
    takeErrors: () => errors.splice(0),
    reportError: (error) => {
      errors.push(error);
    },
    async close() {
      await server.close();
      server.removeDataDir();
    },
  };
}

/** The admin service on the fuzz server's database (as the desktop app would create it); its unexpected errors are collected too. */
export function adminServiceFor(fuzz: FuzzServer): AdminService {
  return adminServiceOn(fuzz.server, { onError: (error) => fuzz.reportError(error) });
}

// ---------------------------------------------------------------------------
// HTTP

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** One request, no redirects followed, with a timeout so that a request the server never answers fails the run. */
export async function send(url: string | URL, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000), ...init });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function describeAnswer(answer: Answer): string {
  const location = answer.headers.get('location');
  return `${answer.status}${location ? ` → ${location.slice(0, 200)}` : ''} ${answer.text.slice(0, 300)}`;
}

/** Status < 500, and the server reported no unexpected error while answering. */
export function expectNoServerFailure(fuzz: FuzzServer, answer: Answer, what = 'response'): void {
  const errors = fuzz.takeErrors();
  expect(errors.map((e) => (e instanceof Error ? (e.stack ?? e.message) : String(e))), `unexpected server errors (${what})`).toEqual([]);
  expect(answer.status, `${what}: ${describeAnswer(answer)}`).toBeLessThan(500);
}

/** The server still answers: the authorization server metadata is served. */
export async function expectHealthy(fuzz: FuzzServer): Promise<void> {
  const answer = await send(`${fuzz.issuer}/.well-known/oauth-authorization-server`);
  expect(answer.status, describeAnswer(answer)).toBe(200);
  expect(JSON.parse(answer.text)).toMatchObject({ issuer: fuzz.issuer });
  expect(fuzz.takeErrors()).toEqual([]);
}

/** Counts answers by status and OAuth error (or redirect target); printed at the end with FUZZ_STATS=1. */
export function answerTally(label: string) {
  const counts = new Map<string, number>();
  return {
    add(answer: Answer, note = ''): void {
      let kind = '';
      try {
        const body = JSON.parse(answer.text) as { error?: unknown; error_description?: unknown };
        if (typeof body.error === 'string') kind = body.error;
        if (typeof body.error_description === 'string') kind += `: ${body.error_description.slice(0, 60)}`;
      } catch {
        const location = answer.headers.get('location');
        if (location) {
          kind = `→ ${location.replace(/[?#].*$/, '').replace(/\/(interaction|authorize)\/[^/]+/, '/$1/:uid')}`;
          const target = URL.parse(location, 'http://x');
          const error = target?.searchParams.get('error') ?? new URLSearchParams(target?.hash.slice(1)).get('error');
          if (error) kind += ` error=${error}`;
        } else if (/<title>/.test(answer.text)) {
          kind = /<title>([^<]*)/.exec(answer.text)![1]!;
        }
      }
      const key = `${answer.status} ${kind}${note ? ` ${note}` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
    print(): void {
      if (!process.env.FUZZ_STATS) return;
      const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([key, n]) => `  ${String(n).padStart(6)}  ${key}`);
      console.log(`[fuzz] ${label}:\n${lines.join('\n')}`);
    },
  };
}

// ---------------------------------------------------------------------------
// Stored rows

const ROW_KEYS = {
  clients: 'client_id',
  tokens: 'hex(id_hash)',
  grants: 'grant_id',
  users: 'id',
  sessions: 'hex(id_hash)',
} as const;

export type WatchedTable = keyof typeof ROW_KEYS;

function rowKeys(db: SqliteDatabase, table: WatchedTable): Set<string> {
  const rows = db.prepare(`SELECT ${ROW_KEYS[table]} AS k FROM ${table}`).all() as { k: string }[];
  return new Set(rows.map((row) => row.k));
}

/**
 * Remembers which rows the tables hold now; `added()` lists the rows that appeared
 * since (by primary key, so a row deleted and another added in the same request still shows).
 */
export function watchRows<T extends WatchedTable>(db: SqliteDatabase, tables: readonly T[]) {
  const before = new Map(tables.map((table) => [table, rowKeys(db, table)]));
  return {
    added(): Record<T, string[]> {
      return Object.fromEntries(
        tables.map((table) => {
          const known = before.get(table)!;
          return [table, [...rowKeys(db, table)].filter((key) => !known.has(key))];
        }),
      ) as Record<T, string[]>;
    },
    /** The expected value of added() when nothing may have been stored. */
    none(): Record<T, string[]> {
      return Object.fromEntries(tables.map((table) => [table, []])) as unknown as Record<T, string[]>;
    },
  };
}

// ---------------------------------------------------------------------------
// Encoding

/** Percent-encodes the UTF-8 bytes of `value` (lone surrogates become U+FFFD; never throws, unlike encodeURIComponent). */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * How one query/form pair is written: percent-encoded, raw (invalid percent
 * sequences, `&` and `=` inside values go through as they are), form style
 * (URLSearchParams, spaces as +), or the key alone without `=`.
 */
export type PairEncoding = 'percent' | 'raw' | 'form' | 'bare';
export type Pair = [key: string, value: string, encoding: PairEncoding];

export function encodePairs(pairs: readonly Pair[]): string {
  return pairs
    .map(([key, value, encoding]) => {
      switch (encoding) {
        case 'percent':
          return `${percentEncode(key)}=${percentEncode(value)}`;
        case 'raw':
          return `${key}=${value}`;
        case 'form':
          return new URLSearchParams([[key, value]]).toString();
        case 'bare':
          return percentEncode(key);
      }
    })
    .join('&');
}

export const pairEncoding: fc.Arbitrary<PairEncoding> = fc.oneof(
  { weight: 20, arbitrary: fc.constant<PairEncoding>('percent') },
  { weight: 4, arbitrary: fc.constant<PairEncoding>('form') },
  { weight: 2, arbitrary: fc.constant<PairEncoding>('raw') },
  { weight: 1, arbitrary: fc.constant<PairEncoding>('bare') },
);

/** `arbitrary` in about one run out of `oneIn`, undefined otherwise. */
export function sometimes<T>(arbitrary: fc.Arbitrary<T>, oneIn = 5): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/** Serialises an object from entries given as JSON texts: keeps duplicate keys and `__proto__`. */
export function objectText(entries: readonly (readonly [string, string])[]): string {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

// ---------------------------------------------------------------------------
// Strings

const NASTY_STRINGS = [
  '', ' ', '\t', '\n', 'null', 'undefined', 'true', 'false', '0', '-1', '1e309', '-0', 'NaN', 'Infinity', '0x10', '[]', '{}',
  '%', '%%', '%zz', '%0', '%00', '%2', '%E0%A4%A', '%C0%AF', '%FF%FE', '%u0041', '%%32%65', '+', '&', '=', '&&==', '?', '#', ';',
  '\\', '/', '../..', '..%2f..%2f', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "' OR '1'='1",
  "'; DROP TABLE clients; --", '${7*7}', '{{7*7}}', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf',
  'hasOwnProperty', '__defineGetter__', '\u0000', '\u0000abc', 'abc\u0000', '😀', '\u{1F600}\u{1F600}', 'ＡＢＣ', 'İı', 'ß', 'ﬀ',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '\u202eevil', '\ufeffbom', '\u200b', '\u2028\u2029', '\r\nSet-Cookie: x=1',
];

/** Control and invisible characters. */
export const controlString = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\u202e', '\ufeff', '\ufffd', '\uffff'),
  ),
  minLength: 1,
  maxLength: 24,
});

/** Strings with unpaired UTF-16 surrogates (not encodable as UTF-8). */
export const loneSurrogateString = fc
  .tuple(fc.string({ maxLength: 8 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 8 }))
  .map(([a, s, b]) => `${a}${String.fromCharCode(s)}${b}`);

/** Up to 70 KB (UTF-8), some just around the 64 KB body limit. */
export const hugeString = fc
  .record({
    bytes: fc.oneof(fc.integer({ min: 1_024, max: 70_000 }), fc.constantFrom(64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1)),
    unit: fc.constantFrom('a', '%', '&', 'é', '€', '😀', '\u0000'),
  })
  .map(({ bytes, unit }) => unit.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(unit)))));

export const numberString = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom('1e400', '-1e400', '0.1e-400', '00012', '+5', '1_000', '0b101', '0o17', '١٢٣'),
);

const ODD_URLS = [
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)', 'file:///etc/passwd', 'about:blank', 'blob:http://127.0.0.1/x', 'ws://127.0.0.1/cb', 'ftp://localhost/cb',
  'mailto:a@b.example', 'urn:ietf:wg:oauth:2.0:oob', 'http://evil.example/cb', 'https://evil.example/cb',
  'http://127.0.0.1:9/callback#fragment', 'http://127.0.0.1:9/callback?x=1', 'http://127.0.0.1:9/callback/../callback',
  'http://127.0.0.1:9/CALLBACK', 'HTTP://127.0.0.1:9/callback', 'http://127.0.0.1/callback', 'http://127.0.0.1:99999/callback',
  'http://127.0.0.1:0/callback', 'http://127.1/callback', 'http://0x7f000001/callback', 'http://2130706433/callback',
  'http://localhost./callback', 'http://[::1]:9/callback', 'http://[::ffff:127.0.0.1]/cb', 'http://user:pass@127.0.0.1:9/callback',
  'http://127.0.0.1:9@evil.example/callback', 'http://evil.example\\@127.0.0.1/cb', '//evil.example/cb', '/callback', 'callback',
  'http:/127.0.0.1/callback', 'http:127.0.0.1/callback', 'cursor://anysphere.cursor-retrieval/oauth/callback',
  'com.example.app:/oauth', 'com.example.app://oauth', 'a:', '1http://x', 'https://localhost/doc.json', 'https://127.0.0.1/client.json',
  'https://[::1]/client.json', 'https://client.example.test/metadata.json', 'https://example.invalid/', 'https://例え.テスト/cb',
  'http://localhost:8765/mcp', 'http://127.0.0.1:9/callback\n', ' http://127.0.0.1:9/callback', 'http://127.0.0.1:9/call back',
  'http://127.0.0.1:9/%zz', 'http://127.0.0.1:9/%00', 'http://[::1', 'http://', 'https://',
];

/**
 * URLs with odd schemes, loopback spellings, fragments, user info, IDN. Never a
 * public IP literal: together with the offline resolver no fetch leaves the machine.
 */
export const oddUrl = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_URLS) },
  { weight: 2, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  {
    weight: 1,
    arbitrary: fc.webUrl({ validSchemes: ['http', 'https', 'cursor', 'javascript', 'data', 'file', 'x-y.z+w'] }),
  },
);

/** Any odd string up to a few hundred bytes: realistic-looking, nasty constants, control characters, unicode, numbers, URLs. */
export const shortHostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: controlString },
  { weight: 1, arbitrary: loneSurrogateString },
  { weight: 2, arbitrary: numberString },
  { weight: 2, arbitrary: oddUrl },
);

/** Any odd string, now and then a huge one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: shortHostileString },
  { weight: 1, arbitrary: hugeString },
);

/** A string that is safe as an HTTP header value (visible ASCII and spaces). */
export const headerSafeString = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.constantFrom('', 'null', 'undefined', '*', '%zz', '__proto__'),
);

// ---------------------------------------------------------------------------
// JSON

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineSetter__'];

/** Object keys: hostile strings, weighted towards prototype-pollution keys. */
export const hostileKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: shortHostileString },
);

/** Deeply nested arrays or objects (as JSON text), up to `maxDepth` levels. */
export function deepNesting(maxDepth: number): fc.Arbitrary<string> {
  return fc
    .record({ depth: fc.integer({ min: 50, max: maxDepth }), kind: fc.constantFrom('array', 'object', 'mixed') })
    .map(({ depth, kind }) => {
      if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
      if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return `${'[{"__proto__":'.repeat(depth)}null${'}]'.repeat(depth)}`;
    });
}

const jsonLeafText: fc.Arbitrary<string> = fc.oneof(
  fc.constant('null'),
  fc.boolean().map(String),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.constantFrom('1e400', '-0', '12345678901234567890123456789', '0.000000000000000000000001'),
  shortHostileString.map((s) => JSON.stringify(s)),
  numberString.map((s) => JSON.stringify(s)),
);

/** JSON values as text, a few levels deep: leaves, arrays, objects with duplicate and prototype keys. */
const nestedJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    { weight: 4, arbitrary: jsonLeafText },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 5 }).map((items) => `[${items.join(',')}]`) },
    { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 5 }).map(objectText) },
  ),
})).value;

/**
 * Any JSON value as text: leaves, arrays, objects with duplicate and prototype keys; now and
 * then nesting up to `maxDepth` levels deep or a huge string.
 */
export function jsonValueTextUpTo(maxDepth: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 20, arbitrary: nestedJsonText },
    { weight: 1, arbitrary: deepNesting(maxDepth) },
    { weight: 1, arbitrary: hugeString.map((s) => JSON.stringify(s)) },
  );
}

/** Any JSON value as text, up to 5,000 levels deep (70 KB of brackets). */
export const jsonValueText: fc.Arbitrary<string> = jsonValueTextUpTo(5_000);

/** A realistic value as JSON text most of the time, otherwise anything. */
export function jsonField(realistic: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: realistic.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: jsonValueText },
  );
}

/**
 * A JSON object (text) with the given fields, each present or not, realistic or
 * hostile, plus extra entries: prototype keys, unknown keys, duplicates of known keys.
 */
export function jsonObjectText(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<string> {
  const names = Object.keys(fields);
  const known = fc.record(Object.fromEntries(names.map((name) => [name, jsonField(fields[name]!)])), { requiredKeys: [] });
  const extra = fc.array(fc.tuple(fc.oneof(hostileKey, fc.constantFrom(...names)), jsonValueText), { maxLength: 4 });
  return fc.tuple(known, extra).map(([present, more]) => objectText([...Object.entries(present as Record<string, string>), ...more]));
}

/** Text that is not valid JSON, or JSON in odd clothing. */
export function brokenJsonText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    valid.map((t) => t.slice(0, Math.max(0, t.length - 1))),
    valid.map((t) => `\ufeff${t}`),
    valid.map((t) => `${t},`),
    valid.map((t) => `${t}${t}`),
    valid.map((t) => t.replace(/"/g, "'")),
    fc.constantFrom('{', '}', '[', 'nul', '"unterminated', "{'a':1}", '{"a":1,}', '{"a":NaN}', '{"a":undefined}', '{"a":"\\u12"}', '{"a":"\\x41"}', 'true false', '/* */ {}', '{"a":01}'),
    hostileString,
  );
}

/** Body content types, realistic and odd; undefined sends none. */
export const contentType = (usual: string) =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constant<string | undefined>(usual) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<string | undefined>(
        undefined,
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/json; charset=utf-16',
        'application/x-www-form-urlencoded',
        'application/x-www-form-urlencoded; charset=iso-8859-1',
        'text/plain',
        'multipart/form-data; boundary=xyz',
        'application/jwt',
        'application/*',
        '*/*',
        'application/json, text/plain',
        ';',
        '',
      ),
    },
    { weight: 1, arbitrary: headerSafeString },
  );

/** An HTTP body: usually text (sent as UTF-8), sometimes raw bytes that need not be UTF-8. */
export type Body = string | Uint8Array;

export function httpBody(text: fc.Arbitrary<string>): fc.Arbitrary<Body> {
  return fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) });
}

/** The bytes to send (bytes, not a string, so that fetch adds no Content-Type of its own). */
export function bodyBytes(body: Body): Uint8Array<ArrayBuffer> {
  return new Uint8Array(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
}

// ---------------------------------------------------------------------------
// Values that stand for a real credential of the prepared fixtures

/** A placeholder for a real value (a registered client_id, a live code...) that each file resolves at run time. */
export interface Ref<Name extends string> {
  ref: Name;
}
export type Slot<Name extends string> = string | Ref<Name>;

export function resolveSlot<Name extends string>(value: Slot<Name>, real: Record<Name, string>): string {
  return typeof value === 'string' ? value : real[value.ref];
}

/** A parameter as key, value and how the pair is encoded; key and value may name real values. */
export type SlotPair<Name extends string> = [Slot<Name>, Slot<Name>, PairEncoding];

/** A parameter's value: mostly one of the real values named in `refs`, else realistic, else hostile. */
export function slotValue<Name extends string>(realistic: fc.Arbitrary<string>, refs: Name[] = []): fc.Arbitrary<Slot<Name>> {
  return fc.oneof(
    ...(refs.length ? [{ weight: 4, arbitrary: fc.constantFrom(...refs).map((ref): Slot<Name> => ({ ref })) }] : []),
    { weight: 3, arbitrary: realistic },
    { weight: 2, arbitrary: hostileString },
  );
}

/** Any one of the known parameters, with a fuzzed value. */
export function knownPair<Name extends string>(params: Record<string, fc.Arbitrary<Slot<Name>>>): fc.Arbitrary<SlotPair<Name>> {
  return fc.oneof(...Object.entries(params).map(([name, arb]) => fc.tuple(fc.constant<Slot<Name>>(name), arb, pairEncoding)));
}

/** One parameter of a realistic request: left out now and then, mostly its real value, sometimes fuzzed. */
export function realOrFuzzedPair<Name extends string>(
  name: string,
  realValue: Slot<Name>,
  fuzzed: fc.Arbitrary<Slot<Name>>,
): fc.Arbitrary<SlotPair<Name> | null> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 12, arbitrary: fc.tuple(fc.constant<Slot<Name>>(name), fc.constant(realValue), pairEncoding) },
    { weight: 3, arbitrary: fc.tuple(fc.constant<Slot<Name>>(name), fuzzed, pairEncoding) },
  );
}

/** Origin headers: none, ours, another loopback name, foreign, odd. */
export function originHeader(issuer: string): fc.Arbitrary<string | undefined> {
  const port = new URL(issuer).port;
  return fc.oneof(
    { weight: 16, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.constant(issuer) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(`http://localhost:${port}`, `http://[::1]:${port}`, 'http://localhost', 'null', 'http://evil.example', `https://127.0.0.1:${port}`, `http://127.0.0.1:${port}/`),
    },
    { weight: 1, arbitrary: headerSafeString },
  );
}
