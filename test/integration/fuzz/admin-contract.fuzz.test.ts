import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminService } from '../../../src/main/admin/service';
import { inputSchemas } from '../../../src/shared/contract';
import type { ErrorCode, Result } from '../../../src/shared/dto';
import { OPERATION_NAMES, type OperationName } from '../../../src/shared/operations';
import { DEFAULT_REGISTRATION_SETTINGS } from '../../../src/shared/registration';
import { TEST_USERNAME } from '../../helpers/server';
import { CALLBACK, registerPublicClient } from '../../helpers/oauth';
import {
  adminServiceFor,
  announceFuzzRun,
  expectHealthy,
  fuzzParameters,
  fuzzTimeout,
  hostileKey,
  hostileString,
  jsonValueTextUpTo,
  numberString,
  oddUrl,
  startFuzzServer,
  watchRows,
  type FuzzServer,
} from '../../helpers/fuzz';

/**
 * Every admin operation (OPERATION_NAMES) with arbitrary input, as the desktop
 * app's IPC, the HTTP bridge and the CLI may pass it: the service always returns
 * a Result (never throws, never an `internal` error), input its schema refuses
 * gets `invalid_input`, and a refused call creates no user or client.
 */

announceFuzzRun('admin-contract.fuzz.test.ts');

const ERROR_CODES: ErrorCode[] = ['invalid_input', 'not_found', 'conflict', 'forbidden', 'unavailable', 'internal'];

let fuzz: FuzzServer;
let admin: AdminService;
/** Where file names given to operations that write files (backups) are confined; see confineFiles. */
let sandbox: string;
let previousCwd: string | undefined;

beforeAll(async () => {
  fuzz = await startFuzzServer();
  admin = adminServiceFor(fuzz);
  sandbox = mkdtempSync(join(tmpdir(), 'mad-fuzz-files-'));
  previousCwd = process.cwd();
  process.chdir(sandbox); // throws in a worker thread: then this file does not run at all, rather than unconfined
});

afterAll(async () => {
  if (previousCwd) process.chdir(previousCwd);
  await fuzz?.close();
  if (sandbox) rmSync(sandbox, { recursive: true, force: true });
});

/** A client, a user and files to act on, created again for each operation (an earlier one may have deleted them). */
async function fixtures() {
  // An earlier operation may have turned self-registration off.
  expect((await admin.updateRegistrationSettings(structuredClone(DEFAULT_REGISTRATION_SETTINGS))).ok).toBe(true);
  const manual = await admin.createClient({ name: 'Fuzz manual client', redirectUris: [CALLBACK] });
  if (!manual.ok) throw new Error(manual.error.message);
  const dynamic = await registerPublicClient(fuzz.issuer);
  const backup = await admin.createBackup({});
  if (!backup.ok) throw new Error(backup.error.message);
  const notADatabase = join(sandbox, 'not-a-database.sqlite');
  writeFileSync(notADatabase, 'hello');
  const alice = await admin.listUsers({});
  if (alice.ok && !alice.value.some((u) => u.username === 'alice')) await admin.addUser({ username: 'alice', password: 'alice-password' });
  return {
    manualClientId: manual.value.client.clientId,
    dynamicClientId: dynamic.client_id,
    files: [backup.value.file, basename(backup.value.file), 'fuzz-backup.sqlite', notADatabase, join(sandbox, 'missing.sqlite'), sandbox],
  };
}

/** Any value a caller could pass: JSON (as the HTTP bridge parses it), structured-clone values (IPC), odd JS values. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  // Parsed JSON (not as deep as over HTTP: the tooling that prints a counterexample recurses too).
  { weight: 4, arbitrary: jsonValueTextUpTo(1_000).map((text) => JSON.parse(text) as unknown) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: numberString },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 3,
      withNullPrototype: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withBigInt: true,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, NaN, Infinity, -0, 1.5, -1, 2 ** 53, '', [], {}, true) },
);

/** Realistic values for the contract's field names (schemas pick the names; these pick values that reach the handlers). */
function realisticValues(real: Awaited<ReturnType<typeof fixtures>>): Record<string, fc.Arbitrary<unknown>> {
  const clientId = fc.constantFrom(real.manualClientId, real.dynamicClientId, 'unknown-client', 'https://client.example.test/client.json', ` ${real.manualClientId} `);
  const username = fc.constantFrom(TEST_USERNAME, 'alice', 'ALICE', 'fuzz.user+1@x', 'bob', 'has space', 'a'.repeat(65));
  const smallInt = fc.oneof(fc.integer({ min: -2, max: 1100 }), fc.constantFrom(65535, 86_400, 90 * 86_400, 1_000_001, 0.5));
  const domains = fc.array(fc.constantFrom('example.com', 'Example.COM', 'sub.example.test', 'bad domain', '127.0.0.1:8080', '[::1]'), { maxLength: 3 });
  return {
    clientId,
    clientIds: fc.array(clientId, { maxLength: 3 }),
    username,
    name: fc.oneof(fc.constantFrom('Fuzz app', '', '   '), fc.string({ maxLength: 210 })),
    displayName: fc.string({ maxLength: 210 }),
    password: fc.constantFrom('password-123', 'short', '', 'p'.repeat(1025)),
    redirectUris: fc.array(fc.oneof(fc.constantFrom(CALLBACK, 'https://app.example/cb', 'cursor://cb'), oddUrl), { maxLength: 3 }),
    isPublic: fc.boolean(),
    disabled: fc.boolean(),
    includeRefreshTokens: fc.boolean(),
    allowedScopes: fc.oneof(fc.constant(null), fc.subarray(['mcp:whoami', 'mcp:echo', 'mcp:admin', ''])),
    port: fc.oneof(smallInt, fc.integer({ min: 1000, max: 70_000 })),
    search: fc.string({ maxLength: 210 }),
    registrationType: fc.constantFrom('all', 'dynamic', 'manual', 'metadata_document', 'other'),
    limit: smallInt,
    offset: smallInt,
    beforeId: smallInt,
    afterId: smallInt,
    days: smallInt,
    accessTokenTtlSeconds: fc.oneof(fc.constant(null), smallInt),
    refreshTokenTtlSeconds: fc.oneof(fc.constant(null), smallInt),
    type: fc.constantFrom('token', 'token.issued', 'client.registered', 'Token!', ''),
    outcome: fc.constantFrom('success', 'failure', 'info', 'other'),
    token: fc.constantFrom('not-a-token', '', 'x'.repeat(4097)),
    ref: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom('0'.repeat(63), 'F'.repeat(64))),
    decision: fc.constantFrom('pending', 'approved', 'blocked', 'other'),
    file: fc.constantFrom(...real.files),
    metadataDocuments: fc.record({
      enabled: fc.boolean(),
      trust: fc.constantFrom('any', 'listed', 'approval', 'other'),
      allowedDomains: domains,
      blockedDomains: domains,
      privateHostsAllowed: domains,
    }),
    dynamicRegistration: fc.record({
      enabled: fc.boolean(),
      redirectRule: fc.constantFrom(...(['any', 'loopback', 'loopback_private_use', 'loopback_private_use_listed_https', 'other'] as const)),
      allowedHttpsHosts: domains,
      maxClients: fc.oneof(fc.constant(null), smallInt),
      perMinute: fc.oneof(fc.constant(null), smallInt),
    }),
  };
}

/** The field names of an operation's schema (both shapes of a union). */
function fieldNames(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodUnion) return [...new Set((schema.options as z.ZodType[]).flatMap(fieldNames))];
  return [];
}

/** Input for one operation: mostly an object with its fields (realistic or hostile, some missing) and sometimes extra keys; else anything. */
function operationInput(name: OperationName, values: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const names = fieldNames(inputSchemas[name]);
  const fields = fc.record(
    Object.fromEntries(names.map((field) => [field, fc.oneof({ weight: 3, arbitrary: values[field] ?? hostileValue }, { weight: 1, arbitrary: hostileValue })])),
    { requiredKeys: [] },
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant([] as [string, unknown][]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(hostileKey, fc.constantFrom(...names, 'extra')), hostileValue), { minLength: 1, maxLength: 3 }) },
  );
  const object = fc.tuple(fields, extra).map(([known, more]) => Object.fromEntries([...Object.entries(known), ...more]) as unknown);
  return fc.oneof({ weight: 6, arbitrary: object }, { weight: 2, arbitrary: hostileValue });
}

function describeInput(input: unknown): string {
  for (const show of [fc.stringify, JSON.stringify, (value: unknown) => Object.prototype.toString.call(value)]) {
    try {
      return String(show(input)).slice(0, 300);
    } catch {
      // too deep, or a value that cannot be shown this way: try the next
    }
  }
  return '(input)';
}

/**
 * Operations that take a file name (backups) write and read where it points. So that fuzzing
 * never touches files outside temporary folders, whatever the service does with the name: the
 * process works in the sandbox while this file runs (relative names land there), and a string
 * `file` that is a path outside the sandbox and the data folder becomes a plain name, keeping its
 * odd characters and its length but not its separators or leading dots.
 */
function confineFiles(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !Object.prototype.hasOwnProperty.call(input, 'file')) return input;
  const file = (input as { file: unknown }).file;
  if (typeof file !== 'string') return input;
  const inside = (folder: string) => resolve(file.trim()).startsWith(folder + sep);
  if (inside(sandbox) || inside(fuzz.server.dataDir)) return input;
  if (!/[/\\]/.test(file) && !/^\s*\./.test(file)) return input;
  return { ...(input as object), file: file.replace(/[/\\]/g, '_').replace(/^(\s*)\.+/, '$1_') };
}

/**
 * Counterexamples found by longer runs, tried first on every run so that the default run keeps
 * checking them: a backup to a file name that already exists failed with `internal`.
 */
const FOUND: Partial<Record<OperationName, unknown[]>> = {
  createBackup: [{ file: 'fuzz-twice.sqlite' }, { file: 'fuzz-twice.sqlite' }],
};

describe('admin service: every operation with arbitrary input', () => {
  it('covers every operation of the contract', () => {
    expect(Object.keys(inputSchemas).sort()).toEqual([...OPERATION_NAMES].sort());
  });

  it.each(OPERATION_NAMES)(
    '%s returns a Result, invalid_input for what its schema refuses, and stores nothing when refused',
    async (name) => {
      const values = realisticValues(await fixtures());
      const call = admin[name] as (input: unknown) => Promise<Result<unknown>>;
      const outcomes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(operationInput(name, values), async (generated) => {
          fuzz.takeErrors();
          const input = confineFiles(generated);
          const what = `${name}(${describeInput(input)})`;
          const schemaAccepts = inputSchemas[name].safeParse(input ?? {}).success;
          const rows = watchRows(fuzz.server.db, ['users', 'clients']);

          const result = await call(input);
          const outcome = result?.ok ? 'ok' : String(result?.error?.code);
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

          expect(fuzz.takeErrors(), `unexpected errors reported by ${what}`).toEqual([]);
          expect(typeof result === 'object' && result !== null && typeof result.ok === 'boolean', `${what} → ${describeInput(result)}`).toBe(true);
          expect(() => JSON.stringify(result), 'the result must cross IPC and HTTP as JSON').not.toThrow();
          if (!result.ok) {
            expect(ERROR_CODES, what).toContain(result.error.code);
            expect(result.error.code, `${what} → ${result.error.message}`).not.toBe('internal');
            expect(typeof result.error.message === 'string' && result.error.message.length > 0, what).toBe(true);
            expect(rows.added(), `${what} was refused (${result.error.code}) but stored rows`).toEqual(rows.none());
          }
          const notAnObject = input !== undefined && input !== null && (typeof input !== 'object' || Array.isArray(input));
          if (!schemaAccepts || notAnObject) {
            expect(result.ok ? 'ok' : result.error.code, `${what} should be invalid_input`).toBe('invalid_input');
          }
        }),
        { ...fuzzParameters<[unknown]>(20), examples: (FOUND[name] ?? []).map((input): [unknown] => [input]) },
      );
      if (process.env.FUZZ_STATS) console.log(`[fuzz] ${name}: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    },
    fuzzTimeout(20),
  );

  it('leaves the server answering', async () => {
    await expectHealthy(fuzz);
  });
});
