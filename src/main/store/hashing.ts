import { hash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Hashes for values we must recognise later but never keep in usable form.
 *
 * Tokens, codes and client secrets are long random strings (≥ 256 bits), so a
 * single SHA-256 is enough to make the stored value useless to a thief and keeps
 * the token endpoint fast (a token's storage key adds its issue time in front:
 * tokenStorageKey). Human-chosen passwords get scrypt instead.
 */

// crypto.hash: the one-shot form, cheaper than createHash().update().digest() on every token request.
export function sha256(value: string): Buffer {
  return hash('sha256', value, 'buffer') as unknown as Buffer;
}

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Compares two strings in time independent of where they first differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Hashing first gives equal-length inputs, so the length is not leaked either.
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Checks a presented client secret against the stored SHA-256 (`hashClientSecret`).
 * Both sides are hashes of one fixed length, so they are compared as they are.
 */
export function clientSecretMatches(storedHash: string, presented: string): boolean {
  const expected = Buffer.from(storedHash, 'utf8');
  const actual = Buffer.from(hashClientSecret(presented), 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Prefix that marks a stored client secret as a hash rather than the secret itself. */
export const CLIENT_SECRET_HASH_PREFIX = '$sha256$';

export function hashClientSecret(secret: string): string {
  return CLIENT_SECRET_HASH_PREFIX + sha256Hex(secret);
}

export function isHashedClientSecret(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CLIENT_SECRET_HASH_PREFIX);
}

/**
 * Tokens this server issues start with the time they were issued: 6 bytes of
 * epoch milliseconds, base64url (8 characters), before the engine's random part
 * (256 bits, 43 characters). Whoever sees a token sees when it was issued, to the
 * millisecond; its 256 random bits are unchanged. The prefix puts the token's
 * storage key in time order (see tokenStorageKey).
 */
const TIME_PREFIX_BYTES = 6;
const TIME_PREFIX_CHARS = 8;
/** The length of the engine's opaque token ids (256 bits of base64url; oidc-provider's default). */
export const ENGINE_TOKEN_ID_LENGTH = 43;
/** The length of a token with a time prefix. */
export const TIME_PREFIXED_TOKEN_LENGTH = TIME_PREFIX_CHARS + ENGINE_TOKEN_ID_LENGTH;
const SHA256_BYTES = 32;
const BASE64URL_PREFIX = /^[A-Za-z0-9_-]{8}/;

/** `randomPart` (the engine's token id) with the time prefix. */
export function withTimePrefix(randomPart: string, now = Date.now()): string {
  const prefix = Buffer.allocUnsafe(TIME_PREFIX_BYTES);
  prefix.writeUIntBE(now, 0, TIME_PREFIX_BYTES);
  return prefix.toString('base64url') + randomPart;
}

/**
 * The key a token's row is stored and found under: its SHA-256, after the
 * 6-byte time prefix when the token has the shape of one (51 characters, the
 * first 8 base64url). Keys of new tokens then sort by time, so the inserts of a
 * group commit land together at the newest end of the key index, where random
 * hashes touched a different page each (a group commit of 20 tokens wrote some
 * 20 scattered index pages more to the WAL). Any other string (a token issued
 * before the prefix, 43 characters, or anything presented) is keyed by its plain
 * SHA-256. Either way the key is a pure function of the string and holds its
 * whole SHA-256: two tokens never share a key.
 */
export function tokenStorageKey(token: string): Buffer {
  const hash = sha256(token);
  if (token.length !== TIME_PREFIXED_TOKEN_LENGTH || !BASE64URL_PREFIX.test(token)) return hash;
  const key = Buffer.allocUnsafe(TIME_PREFIX_BYTES + SHA256_BYTES);
  key.write(token.slice(0, TIME_PREFIX_CHARS), 0, TIME_PREFIX_BYTES, 'base64url');
  hash.copy(key, TIME_PREFIX_BYTES);
  return key;
}

/** A short, non-reversible label for a token, safe to log: first 8 hex chars of its SHA-256. */
export function tokenFingerprint(value: string): string {
  return fingerprintOfKey(sha256(value));
}

/** The same label from a token's storage key already computed (the lookup has it): the key ends with the SHA-256. */
export function fingerprintOfKey(key: Buffer): string {
  const hashStart = key.length - SHA256_BYTES;
  return key.toString('hex', hashStart, hashStart + 4);
}

// scrypt parameters: N=2^15, r=8, p=1 needs 32 MiB and ~50 ms here, OWASP's recommended floor.
const SCRYPT_PARAMS = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const SCRYPT_KEY_LENGTH = 32;

function scryptAsync(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt throws synchronously on invalid parameters; the executor turns that into a rejection.
    scrypt(password, salt, SCRYPT_KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Stored as `scrypt$N$r$p$salt$hash` (base64url parts) so parameters can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts as [string, string, string, string, string, string];
  const expectedKey = Buffer.from(expected, 'base64url');
  try {
    const key = await scryptAsync(password, Buffer.from(salt, 'base64url'), {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: SCRYPT_PARAMS.maxmem,
    });
    return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
  } catch {
    return false; // a damaged stored hash never signs anyone in, and never crashes sign-in
  }
}

/** URL-safe random identifier that never starts with '-' (command-line parsers read that as an option). */
export function randomId(bytes = 16): string {
  if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError('randomId needs at least one byte');
  for (;;) {
    const id = randomBytes(bytes).toString('base64url');
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}
