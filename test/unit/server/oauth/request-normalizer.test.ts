import { describe, it, expect } from 'vitest';
import { McpResource } from '../../../../src/main/server/oauth/resources';
import { normalizeAuthorizationQuery, normalizeTokenForm } from '../../../../src/main/server/oauth/request-normalizer';

const resource = new McpResource(4321);
const RES = 'http://localhost:4321/mcp';

function authorize(params: Record<string, string> | string[][]): URLSearchParams | undefined {
  const out = normalizeAuthorizationQuery(new URLSearchParams(params).toString(), resource);
  return out === undefined ? undefined : new URLSearchParams(out);
}

describe('normalizeAuthorizationQuery', () => {
  it('gives the default scopes when scope is missing', () => {
    expect(authorize({ client_id: 'c' })?.get('scope')).toBe('mcp:whoami mcp:echo');
  });

  it('replaces a scope of only unknown values with the defaults', () => {
    expect(authorize({ scope: 'openid profile email' })?.get('scope')).toBe('mcp:whoami mcp:echo');
  });

  it('drops unknown scopes next to known ones', () => {
    expect(authorize({ scope: 'mcp:echo offline_access' })?.get('scope')).toBe('mcp:echo');
  });

  it('leaves duplicated scope parameters alone', () => {
    expect(authorize([['scope', 'openid'], ['scope', 'mcp:echo']])).toBeUndefined();
  });

  it('normalises a trailing-slash resource and keeps other parameters', () => {
    const out = authorize({ client_id: 'c', scope: 'mcp:echo', resource: `${RES}/`, state: 's' });
    expect(out?.get('resource')).toBe(RES);
    expect(out?.get('client_id')).toBe('c');
    expect(out?.get('state')).toBe('s');
    expect(out?.get('scope')).toBe('mcp:echo');
  });

  it('leaves an unknown resource untouched', () => {
    expect(authorize({ scope: 'mcp:echo', resource: 'https://other.example/mcp/' })).toBeUndefined();
    expect(authorize({ resource: 'https://other.example/mcp/' })?.get('resource')).toBe('https://other.example/mcp/');
  });

  it('leaves duplicated resource parameters alone', () => {
    const out = authorize([['scope', 'mcp:echo'], ['resource', `${RES}/`], ['resource', `${RES}/`]]);
    expect(out).toBeUndefined();
  });

  it('returns undefined when nothing changes', () => {
    expect(authorize({ client_id: 'c', scope: 'mcp:whoami mcp:echo', resource: RES })).toBeUndefined();
  });
});

describe('normalizeTokenForm', () => {
  it('normalises a trailing-slash resource and preserves other parameters', () => {
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: 'abc', resource: `${RES}/` });
    const out = new URLSearchParams(normalizeTokenForm(body.toString(), resource) ?? '');
    expect(out.get('resource')).toBe(RES);
    expect(out.get('grant_type')).toBe('authorization_code');
    expect(out.get('code')).toBe('abc');
  });

  it('does not touch scope', () => {
    const body = new URLSearchParams({ grant_type: 'refresh_token', scope: 'openid', resource: `${RES}/` });
    expect(new URLSearchParams(normalizeTokenForm(body.toString(), resource) ?? '').get('scope')).toBe('openid');
  });

  it('returns undefined when nothing changes', () => {
    expect(normalizeTokenForm('grant_type=refresh_token&scope=openid', resource)).toBeUndefined();
    expect(normalizeTokenForm(`resource=${encodeURIComponent(RES)}`, resource)).toBeUndefined();
    expect(normalizeTokenForm('resource=https%3A%2F%2Fother.example%2F', resource)).toBeUndefined();
  });
});
