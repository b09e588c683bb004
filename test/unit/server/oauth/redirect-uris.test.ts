import { describe, it, expect } from 'vitest';
import {
  isLoopbackRedirectUri,
  redirectUriMatches,
  redirectUriProblem,
} from '../../../../src/main/server/oauth/redirect-uris';

describe('redirectUriProblem (registration)', () => {
  it('refuses http on a non-loopback host', () => {
    expect(redirectUriProblem('http://rp.example.com/cb')).toMatch(/loopback/);
  });

  it.each(['https://a.example/cb#x', 'https://a.example/cb#'])('refuses a fragment: %s', (uri) => {
    expect(redirectUriProblem(uri)).toMatch(/fragments/);
  });

  it('refuses a bare "#"', () => {
    expect(redirectUriProblem('#')).toBeDefined();
  });

  it.each([
    ['javascript:alert(1)', 'javascript'],
    ['JavaScript:alert(1)', 'javascript'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
    ['file:///etc/passwd', 'file'],
    ['vbscript:msgbox(1)', 'vbscript'],
    ['blob:https://a.example/0b1c', 'blob'],
    ['about:blank', 'about'],
  ])('refuses the dangerous scheme of %s', (uri, scheme) => {
    expect(redirectUriProblem(uri)).toBe(`redirect_uris must not use the ${scheme} scheme`);
  });

  it.each([
    'http://127.0.0.1/cb',
    'http://[::1]/cb',
    'http://localhost:3000/callback',
    'cursor://anysphere.cursor-mcp/oauth/callback',
    'https://vscode.dev/redirect',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it('refuses non-strings, empty strings, relative URIs, padding and user information', () => {
    expect(redirectUriProblem(42)).toMatch(/non-empty strings/);
    expect(redirectUriProblem('')).toMatch(/non-empty strings/);
    expect(redirectUriProblem('relative/cb')).toMatch(/valid absolute URIs/);
    expect(redirectUriProblem(' https://a.example/cb')).toMatch(/whitespace/);
    expect(redirectUriProblem('http://user:pw@127.0.0.1/cb')).toMatch(/user information/);
  });

  it('starts messages with the given field name', () => {
    expect(redirectUriProblem('http://rp.example.com/cb', 'post_logout_redirect_uris')).toMatch(
      /^post_logout_redirect_uris /,
    );
  });
});

describe('redirectUriMatches (authorization)', () => {
  const loopback = ['http://127.0.0.1/cb'];

  it('matches a loopback URI on any port', () => {
    expect(redirectUriMatches('http://127.0.0.1:51004/cb', loopback)).toBe(true);
  });

  it.each(['HTTP://127.0.0.1/cb', 'http://127.000.000.001/cb', 'http://localhost/cb', 'http://[::1]:5/cb'])(
    'does not treat %s as the registered loopback host',
    (requested) => {
      expect(redirectUriMatches(requested, loopback)).toBe(false);
    },
  );

  it('lets a registered port-less loopback URI match every port', () => {
    expect(redirectUriMatches('http://localhost:5555/callback', ['http://localhost/callback'])).toBe(true);
  });

  it('lets a registered loopback port match another port', () => {
    expect(redirectUriMatches('http://127.0.0.1:50000/', ['http://127.0.0.1:33418/'])).toBe(true);
  });

  it('requires loopback paths and queries to match exactly', () => {
    expect(redirectUriMatches('http://127.0.0.1:5/cb/', loopback)).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:5/other', loopback)).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:5/cb?x=1', loopback)).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:5/cb?a=1', ['http://127.0.0.1/cb?a=1'])).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:5/cb?a=2', ['http://127.0.0.1/cb?a=1'])).toBe(false);
  });

  it('does not let user information smuggle another host past a loopback registration', () => {
    expect(redirectUriMatches('http://127.0.0.1:5@evil.example/cb', loopback)).toBe(false);
  });

  const https = ['https://client.example.com/cb'];

  it('matches a non-loopback https URI by exact string', () => {
    expect(redirectUriMatches('https://client.example.com/cb', https)).toBe(true);
  });

  it.each([
    'https://CLIENT.example.com/cb',
    'https://client.example.com:443/cb',
    'https://client.example.com/cb/',
    'https://client.example.com/cb?x=1',
    'https://client.example.com/x/../cb',
  ])('refuses the non-exact https variant %s', (requested) => {
    expect(redirectUriMatches(requested, https)).toBe(false);
  });

  it('matches private-use schemes by exact string only', () => {
    const cursor = ['cursor://anysphere.cursor-mcp/oauth/callback'];
    expect(redirectUriMatches('cursor://anysphere.cursor-mcp/oauth/callback', cursor)).toBe(true);
    expect(redirectUriMatches('cursor://anysphere.cursor-mcp:1/oauth/callback', cursor)).toBe(false);
  });
});

describe('isLoopbackRedirectUri', () => {
  it('is true for http loopback URIs only', () => {
    expect(isLoopbackRedirectUri('http://[::1]:8080/cb')).toBe(true);
    expect(isLoopbackRedirectUri('https://127.0.0.1/cb')).toBe(false);
    expect(isLoopbackRedirectUri('http://rp.example.com/cb')).toBe(false);
  });
});
