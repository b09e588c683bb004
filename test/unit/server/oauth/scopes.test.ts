import { describe, it, expect } from 'vitest';
import {
  DEFAULT_SCOPES,
  effectiveScopes,
  isResourceScope,
  splitScope,
} from '../../../../src/main/server/oauth/scopes';

describe('effectiveScopes', () => {
  it('drops unknown scopes', () => {
    expect(effectiveScopes('openid mcp:echo offline_access')).toEqual(['mcp:echo']);
  });

  it.each([undefined, null, '', 'openid profile email'])('falls back to the defaults when no scope is known (%s)', (scope) => {
    expect(effectiveScopes(scope)).toEqual([...DEFAULT_SCOPES]);
  });

  it('collapses duplicates', () => {
    expect(effectiveScopes('mcp:echo mcp:echo mcp:whoami mcp:echo')).toEqual(['mcp:echo', 'mcp:whoami']);
  });

  it('keeps request order', () => {
    expect(effectiveScopes('mcp:echo mcp:whoami')).toEqual(['mcp:echo', 'mcp:whoami']);
    expect(effectiveScopes('mcp:whoami mcp:echo')).toEqual(['mcp:whoami', 'mcp:echo']);
  });

  it('returns a fresh array, not the shared defaults', () => {
    const scopes = effectiveScopes(undefined);
    scopes.push('mutated');
    expect(DEFAULT_SCOPES).not.toContain('mutated');
  });
});

describe('splitScope and isResourceScope', () => {
  it('splits on spaces and ignores empty pieces', () => {
    expect(splitScope('  a  b ')).toEqual(['a', 'b']);
    expect(splitScope(null)).toEqual([]);
  });

  it('knows only the resource scopes', () => {
    expect(isResourceScope('mcp:whoami')).toBe(true);
    expect(isResourceScope('openid')).toBe(false);
  });
});
