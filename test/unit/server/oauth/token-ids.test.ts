import { describe, expect, it } from 'vitest';
import type { Provider } from 'oidc-provider';
import { installTimePrefixedTokenIds } from '../../../../src/main/server/oauth/token-ids';
import { TIME_PREFIXED_TOKEN_LENGTH } from '../../../../src/main/store/hashing';

/** Stand-ins for the engine's token model classes: only `generateTokenId` and `format` matter here. */
function fakeProvider(format: string | undefined, id = 'R'.repeat(43)) {
  class Model {
    format?: string;
    generateTokenId(): string {
      if (format) this.format = format;
      return id;
    }
  }
  class AccessToken extends Model {}
  class RefreshToken extends Model {}
  class Grant extends Model {}
  return { AccessToken, RefreshToken, Grant } as unknown as Provider & Record<'AccessToken' | 'RefreshToken' | 'Grant', typeof Model>;
}

const idOf = (model: { prototype: object }) => (Object.create(model.prototype) as { generateTokenId(): string }).generateTokenId();

describe('installTimePrefixedTokenIds', () => {
  it('prefixes opaque ids of the token models, and only those', () => {
    const provider = fakeProvider('opaque');
    installTimePrefixedTokenIds(provider);
    expect(idOf(provider.AccessToken)).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
    expect(idOf(provider.AccessToken).endsWith('R'.repeat(43))).toBe(true);
    expect(idOf(provider.RefreshToken)).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
    expect(idOf(provider.Grant)).toBe('R'.repeat(43));
  });

  it('leaves a JWT access token id, and an id of another length, as the engine made them', () => {
    const jwt = fakeProvider('jwt');
    installTimePrefixedTokenIds(jwt);
    expect(idOf(jwt.AccessToken)).toBe('R'.repeat(43));
    const longer = fakeProvider(undefined, 'R'.repeat(64));
    installTimePrefixedTokenIds(longer);
    expect(idOf(longer.RefreshToken)).toBe('R'.repeat(64));
  });

  it('adds one prefix however many times it is installed', () => {
    const provider = fakeProvider(undefined);
    installTimePrefixedTokenIds(provider);
    installTimePrefixedTokenIds(provider);
    expect(idOf(provider.RefreshToken)).toHaveLength(TIME_PREFIXED_TOKEN_LENGTH);
  });
});
