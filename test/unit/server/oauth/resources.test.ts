import { describe, it, expect } from 'vitest';
import { McpResource } from '../../../../src/main/server/oauth/resources';

const resource = new McpResource(4321);

describe('McpResource', () => {
  it('has the three loopback aliases with the port and /mcp, 127.0.0.1 canonical', () => {
    expect(resource.aliases).toEqual([
      'http://127.0.0.1:4321/mcp',
      'http://localhost:4321/mcp',
      'http://[::1]:4321/mcp',
    ]);
    expect(resource.canonical).toBe('http://127.0.0.1:4321/mcp');
  });

  it('resolves each alias to itself', () => {
    for (const alias of resource.aliases) expect(resource.resolve(alias)).toBe(alias);
  });

  it('resolves a trailing-slash variant to its alias', () => {
    expect(resource.resolve('http://localhost:4321/mcp/')).toBe('http://localhost:4321/mcp');
    expect(resource.resolve('http://[::1]:4321/mcp/')).toBe('http://[::1]:4321/mcp');
  });

  it.each([
    'http://127.0.0.1:4322/mcp',
    'http://127.0.0.1/mcp',
    'http://127.0.0.1:4321/',
    'http://127.0.0.1:4321/mcp/x',
    'http://127.0.0.1:4321/mcp//',
    'http://evil.example:4321/mcp',
    'https://127.0.0.1:4321/mcp',
  ])('does not resolve another port, path or host: %s', (indicator) => {
    expect(resource.resolve(indicator)).toBeUndefined();
  });

  it('forHost gives the alias for a known host and the canonical URL otherwise', () => {
    expect(resource.forHost('localhost:4321')).toBe('http://localhost:4321/mcp');
    expect(resource.forHost('[::1]:4321')).toBe('http://[::1]:4321/mcp');
    expect(resource.forHost('evil.example:4321')).toBe(resource.canonical);
    expect(resource.forHost('localhost:1')).toBe(resource.canonical);
  });
});
