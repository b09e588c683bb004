import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './errors';
import { randomId } from './hashing';

/**
 * Secrets that live beside the database as files readable only by their owner
 * (mode 0600): the engine's signing keys and the keys that sign its cookies.
 * They are created on first run only. Later, a missing or unreadable file stops
 * the start with a message instead of being silently replaced, because new keys
 * would sign every user out and hide a restore gone wrong.
 */

export const SIGNING_KEYS_FILE = 'signing-keys.json';
export const COOKIE_KEYS_FILE = 'cookie-keys.json';

export interface KeyMaterial {
  /** Private JWKs (ES256) for the engine's `jwks` option. */
  signingKeys: { keys: Record<string, unknown>[] };
  /** Keys for signing cookies, newest first. */
  cookieKeys: string[];
}

/** Writes a file that only its owner can read, atomically (temp file + rename). */
export function writeSecretFile(path: string, contents: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, contents, { mode: 0o600 });
  chmodSync(temp, 0o600); // the umask may have narrowed, never widened, but be exact
  renameSync(temp, path);
}

function newSigningKeys(): KeyMaterial['signingKeys'] {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return { keys: [{ ...jwk, kid: randomId(8), alg: 'ES256', use: 'sig' }] };
}

function newCookieKeys(): string[] {
  return [randomBytes(32).toString('base64url')];
}

function readJson(path: string, what: string, isValid: (value: unknown) => boolean, regenerateHint: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new StartupError(
      `The ${what} file ${path} cannot be read (${(error as Error).message}).\n` +
        `Restore it from a backup of the data folder. ${regenerateHint}`,
      { cause: error },
    );
  }
  if (!isValid(value)) {
    throw new StartupError(`The ${what} file ${path} is damaged.\nRestore it from a backup of the data folder. ${regenerateHint}`);
  }
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return value;
}

const isSigningKeys = (v: unknown): boolean =>
  Array.isArray((v as KeyMaterial['signingKeys'])?.keys) &&
  (v as KeyMaterial['signingKeys']).keys.length > 0 &&
  (v as KeyMaterial['signingKeys']).keys.every((k) => typeof k === 'object' && k !== null && typeof k.d === 'string');

const isCookieKeys = (v: unknown): boolean =>
  Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string' && k.length >= 32);

/**
 * Loads the key files, creating them when `create` is true (a new data folder,
 * or the user asked for new keys). Existing valid files are never overwritten
 * unless `regenerate` is set.
 */
export function loadKeyFiles(dataDir: string, options: { create: boolean; regenerate?: boolean }): KeyMaterial {
  const signingPath = join(dataDir, SIGNING_KEYS_FILE);
  const cookiePath = join(dataDir, COOKIE_KEYS_FILE);
  const hint = 'Or start once with --regenerate-keys to make new ones (browser sign-ins end; clients, consents and tokens are kept).';
  if (options.regenerate) {
    writeSecretFile(signingPath, JSON.stringify(newSigningKeys(), null, 2));
    writeSecretFile(cookiePath, JSON.stringify(newCookieKeys(), null, 2));
  }
  for (const [path, make] of [
    [signingPath, () => newSigningKeys()],
    [cookiePath, () => newCookieKeys()],
  ] as const) {
    if (existsSync(path)) continue;
    if (!options.create) {
      throw new StartupError(`The key file ${path} is missing.\nRestore it from a backup of the data folder. ${hint}`);
    }
    writeSecretFile(path, JSON.stringify(make(), null, 2));
  }
  return {
    signingKeys: readJson(signingPath, 'signing key', isSigningKeys, hint) as KeyMaterial['signingKeys'],
    cookieKeys: readJson(cookiePath, 'cookie key', isCookieKeys, hint) as string[],
  };
}

export const ADMIN_TOKEN_FILE = 'admin-token';

/**
 * The token that guards the admin HTTP bridge (browser mode). Unlike the keys it
 * can be replaced freely (an open admin tab would just need the new link), so a
 * missing or damaged file is simply recreated.
 */
export function loadAdminToken(dataDir: string): string {
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(token)) {
      if (process.platform !== 'win32') chmodSync(path, 0o600);
      return token;
    }
  }
  const token = randomBytes(32).toString('base64url');
  writeSecretFile(path, `${token}\n`);
  return token;
}
