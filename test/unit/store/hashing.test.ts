import { describe, it, expect } from 'vitest';
import {
  CLIENT_SECRET_HASH_PREFIX,
  clientSecretMatches,
  constantTimeEqual,
  fingerprintOfKey,
  hashClientSecret,
  hashPassword,
  isHashedClientSecret,
  randomId,
  sha256,
  sha256Hex,
  TIME_PREFIXED_TOKEN_LENGTH,
  tokenFingerprint,
  tokenStorageKey,
  verifyPassword,
  withTimePrefix,
} from '../../../src/main/store/hashing';

const ABC_SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('sha256 / sha256Hex', () => {
  it('hashes the UTF-8 string (known vector for "abc")', () => {
    expect(sha256Hex('abc')).toBe(ABC_SHA256);
    expect(sha256('abc').toString('hex')).toBe(ABC_SHA256);
    expect(sha256('abc')).toHaveLength(32);
  });

  it('tokenFingerprint is the first 8 hex chars of the hash', () => {
    expect(tokenFingerprint('abc')).toBe(ABC_SHA256.slice(0, 8));
  });
});

describe('time-prefixed tokens and their storage keys', () => {
  const RANDOM_PART = 'A'.repeat(43); // the engine's id: 256 bits in 43 base64url characters
  const T = Date.UTC(2026, 10, 27, 6, 0, 0, 123);

  it('prefixes the engine id with 6 bytes of epoch milliseconds in 8 base64url characters', () => {
    const token = withTimePrefix(RANDOM_PART, T);
    expect(token).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
    expect(token.endsWith(RANDOM_PART)).toBe(true);
    expect(Buffer.from(token.slice(0, 8), 'base64url').readUIntBE(0, 6)).toBe(T);
  });

  it('keys a prefixed token by its time prefix, then its whole SHA-256', () => {
    const token = withTimePrefix(RANDOM_PART, T);
    const key = tokenStorageKey(token);
    expect(key).toHaveLength(38);
    expect(key.readUIntBE(0, 6)).toBe(T);
    expect(key.subarray(6)).toEqual(sha256(token));
  });

  it('keys any other token (one issued before the prefix, or anything presented) by its plain SHA-256', () => {
    expect(tokenStorageKey(RANDOM_PART)).toEqual(sha256(RANDOM_PART));
    expect(tokenStorageKey('abc')).toEqual(sha256('abc'));
    expect(tokenStorageKey('')).toEqual(sha256(''));
  });

  it('keys a 51-character string that does not start with base64url by its plain SHA-256, the same every time', () => {
    // Node's decoder would take '+' and '/' as base64 and skip spaces: the prefix must be strictly base64url.
    for (const start of ['!!!!!!!!', '   =====', 'AAAA+/AA', 'AAAA AAA', '\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9']) {
      const presented = start + RANDOM_PART;
      expect(presented).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
      expect(tokenStorageKey(presented)).toEqual(sha256(presented));
    }
  });

  it('sorts the keys of later tokens after earlier ones, whatever their random parts', () => {
    const keys = [0, 1, 2, 1000, 60_000].map((ms, i) => tokenStorageKey(withTimePrefix(String.fromCharCode(90 - i).repeat(43), T + ms)));
    const sorted = [...keys].sort(Buffer.compare);
    expect(sorted).toEqual(keys);
  });

  it('never gives two different tokens of the same millisecond one key', () => {
    const a = withTimePrefix('a'.repeat(43), T);
    const b = withTimePrefix('b'.repeat(43), T);
    expect(tokenStorageKey(a).equals(tokenStorageKey(b))).toBe(false);
  });

  it('labels a token by the start of its SHA-256 with either key form', () => {
    const token = withTimePrefix(RANDOM_PART, T);
    expect(fingerprintOfKey(tokenStorageKey(token))).toBe(tokenFingerprint(token));
    expect(fingerprintOfKey(tokenStorageKey('abc'))).toBe(ABC_SHA256.slice(0, 8));
  });
});

describe('clientSecretMatches', () => {
  it('accepts the secret whose hash is stored, and nothing else', () => {
    const stored = hashClientSecret('s3cret-long-random-value');
    expect(clientSecretMatches(stored, 's3cret-long-random-value')).toBe(true);
    expect(clientSecretMatches(stored, 's3cret-long-random-valuE')).toBe(false);
    expect(clientSecretMatches(stored, '')).toBe(false);
    // The stored hash itself is not a secret that matches (no pass-the-hash).
    expect(clientSecretMatches(stored, stored)).toBe(false);
  });

  it('is false (and does not throw) when what is stored is not a hash of the usual length', () => {
    expect(clientSecretMatches(`${CLIENT_SECRET_HASH_PREFIX}abc`, 'anything')).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('is true for equal strings and false for different ones', () => {
    expect(constantTimeEqual('secret', 'secret')).toBe(true);
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
  });

  it('is false (and does not throw) for strings of different lengths', () => {
    expect(constantTimeEqual('secret', 'secret-longer')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
  });
});

describe('client secret hashes', () => {
  it('hashClientSecret is the prefix plus the hex hash, and is recognised', () => {
    const hashed = hashClientSecret('abc');
    expect(hashed).toBe(`${CLIENT_SECRET_HASH_PREFIX}${ABC_SHA256}`);
    expect(isHashedClientSecret(hashed)).toBe(true);
  });

  it('isHashedClientSecret refuses plain secrets and non-strings', () => {
    expect(isHashedClientSecret('abc')).toBe(false);
    expect(isHashedClientSecret(undefined)).toBe(false);
    expect(isHashedClientSecret(42)).toBe(false);
  });
});

describe('hashPassword / verifyPassword', () => {
  it('round-trips and refuses a wrong password', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('correct horsE', stored)).toBe(false);
  });

  it('salts: the same password hashes differently each time', async () => {
    expect(await hashPassword('pw')).not.toBe(await hashPassword('pw'));
  });

  it.each(['', 'plain-text', 'scrypt$1$2', 'bcrypt$32768$8$1$AAAA$AAAA', 'scrypt$32768$8$1$AAAA$AAAA$extra'])(
    'returns false for the malformed stored string %j',
    async (stored) => {
      expect(await verifyPassword('pw', stored)).toBe(false);
    },
  );

  it('returns false when the stored hash is empty or truncated', async () => {
    const stored = await hashPassword('pw');
    const withoutHash = stored.slice(0, stored.lastIndexOf('$') + 1);
    expect(await verifyPassword('pw', withoutHash)).toBe(false);
    expect(await verifyPassword('pw', stored.slice(0, -4))).toBe(false);
  });
});

describe('randomId', () => {
  it('is URL-safe and never starts with "-" over many draws', () => {
    for (let i = 0; i < 5000; i++) {
      const id = randomId(2);
      expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]*$/);
    }
  });

  it('encodes the requested number of bytes (16 bytes → 22 chars) and differs between calls', () => {
    const a = randomId();
    expect(a).toHaveLength(22);
    expect(a).not.toBe(randomId());
  });
});

describe('verifyPassword with a damaged stored hash', () => {
  it.each(['scrypt$abc$8$1$AAAA$AAAA', 'scrypt$3$8$1$AAAA$AAAA', 'scrypt$1048576$8$1$AAAA$AAAA'])(
    'returns false for %s instead of throwing',
    async (stored) => {
      await expect(verifyPassword('pw', stored)).resolves.toBe(false);
    },
  );
});
