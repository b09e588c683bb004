import { describe, it, expect } from 'vitest';
import { CsrfTokens } from '../../../../src/main/server/interaction/csrf';

const csrf = new CsrfTokens('test-secret');
const binding = CsrfTokens.binding(['client-1', 'http://127.0.0.1/cb', 'mcp:echo']);
const token = csrf.issue('uid-1', 'consent', binding);

describe('CsrfTokens', () => {
  it('verifies a token for the same uid, step and binding', () => {
    expect(csrf.verify(token, 'uid-1', 'consent', binding)).toBe(true);
  });

  it('refuses a token from another pending request', () => {
    expect(csrf.verify(token, 'uid-2', 'consent', binding)).toBe(false);
  });

  it('refuses a token for another step', () => {
    expect(csrf.verify(token, 'uid-1', 'login', binding)).toBe(false);
  });

  it('refuses a token when what the page showed differs', () => {
    const other = CsrfTokens.binding(['client-1', 'http://127.0.0.1/cb', 'mcp:whoami']);
    expect(other).not.toBe(binding);
    expect(csrf.verify(token, 'uid-1', 'consent', other)).toBe(false);
  });

  it.each([undefined, null, 42, [token], { token }])('refuses a non-string token (%j)', (value) => {
    expect(csrf.verify(value, 'uid-1', 'consent', binding)).toBe(false);
  });

  it('refuses a tampered or truncated token', () => {
    expect(csrf.verify(token.slice(0, -1), 'uid-1', 'consent', binding)).toBe(false);
    expect(csrf.verify(`${token}x`, 'uid-1', 'consent', binding)).toBe(false);
    expect(csrf.verify('', 'uid-1', 'consent', binding)).toBe(false);
  });

  it('issues different tokens under different secrets, which do not cross-verify', () => {
    const other = new CsrfTokens('another-secret');
    expect(other.issue('uid-1', 'consent', binding)).not.toBe(token);
    expect(other.verify(token, 'uid-1', 'consent', binding)).toBe(false);
  });
});
