import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from '@playwright/test';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError as UnauthorizedV1, auth as authV1 } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as TransportV2,
  UnauthorizedError as UnauthorizedV2,
  auth as authV2,
} from '@modelcontextprotocol/client';
import { startTestServer, tempDataDir, TEST_USERNAME } from '../helpers/server';
import { CallbackListener } from '../helpers/callback-listener';
import { completeAuthorization, launchChromium } from '../helpers/browser';
import { MemoryOAuthClientProvider } from '../helpers/oauth-client-provider';

/**
 * The whole MCP authorization flow with real MCP SDK clients: discovery → DCR →
 * sign-in and consent in Chromium → token → tools/call whoami → refresh → the
 * same client still works after the server restarts on the same data folder.
 */

interface Sdk {
  name: string;
  connect(url: URL, provider: MemoryOAuthClientProvider): Promise<{ callTool(name: string): Promise<unknown>; close(): Promise<void> }>;
  finish(url: URL, provider: MemoryOAuthClientProvider, callback: URL): Promise<void>;
  refresh(url: URL, provider: MemoryOAuthClientProvider): Promise<string>;
  isUnauthorized(error: unknown): boolean;
}

const v1: Sdk = {
  name: '@modelcontextprotocol/sdk (v1)',
  async connect(url, provider) {
    const client = new ClientV1({ name: 'auth-desk-test', version: '1.0.0' });
    await client.connect(new TransportV1(url, { authProvider: provider as never }));
    return { callTool: (name) => client.callTool({ name, arguments: {} }), close: () => client.close() };
  },
  async finish(url, provider, callback) {
    // The v1 SDK checks neither state nor iss: the test (standing in for the client) does.
    await new TransportV1(url, { authProvider: provider as never }).finishAuth(callback.searchParams.get('code')!);
  },
  refresh: (url, provider) => authV1(provider as never, { serverUrl: url }),
  isUnauthorized: (error) => error instanceof UnauthorizedV1,
};

const v2: Sdk = {
  name: '@modelcontextprotocol/client (v2)',
  async connect(url, provider) {
    const client = new ClientV2({ name: 'auth-desk-test', version: '1.0.0' });
    await client.connect(new TransportV2(url, { authProvider: provider as never }));
    return {
      callTool: (name) => client.callTool({ name, arguments: {} }),
      close: () => client.close(),
    };
  },
  async finish(url, provider, callback) {
    // v2 checks the RFC 9207 `iss` against the discovered issuer when given the whole callback.
    await new TransportV2(url, { authProvider: provider as never }).finishAuth(callback.searchParams);
  },
  refresh: (url, provider) => authV2(provider as never, { serverUrl: url }) as Promise<string>,
  isUnauthorized: (error) => error instanceof UnauthorizedV2,
};

function whoami(result: unknown): Record<string, unknown> {
  const content = (result as { content: { type: string; text: string }[] }).content;
  return JSON.parse(content[0]!.text) as Record<string, unknown>;
}

let browser: Browser;
let callbacks: CallbackListener;

beforeAll(async () => {
  browser = await launchChromium();
  callbacks = await new CallbackListener().start();
});

afterAll(async () => {
  await browser?.close();
  await callbacks?.close();
});

describe.each([v1, v2])('$name', (sdk) => {
  it.each(['localhost', '127.0.0.1'])('completes DCR, sign-in, consent, whoami and refresh via %s, and survives a restart', async (host) => {
    const data = tempDataDir();
    let server = await startTestServer({ dataDir: data.dir });
    const port = server.port;
    const context = await browser.newContext();
    try {
      const mcpUrl = new URL(`http://${host}:${port}/mcp`);
      const provider = new MemoryOAuthClientProvider(callbacks.url('/callback', '127.0.0.1'));

      // 1. Unauthenticated connect: 401 → discovery → DCR → redirect to /authorize.
      const error = await sdk.connect(mcpUrl, provider).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!sdk.isUnauthorized(error)) throw error;
      expect(provider.clientInfo?.client_id).toEqual(expect.any(String));
      expect(provider.authorizationUrl?.pathname).toBe('/authorize');
      expect(provider.authorizationUrl?.searchParams.get('resource')).toBe(mcpUrl.href);

      // 2. A person signs in and allows in a real browser.
      const page = await context.newPage();
      const callbackPromise = callbacks.next();
      const steps = await completeAuthorization(page, provider.authorizationUrl!, { username: TEST_USERNAME });
      expect(steps).toEqual(['sign-in', 'consent']);
      const callback = await callbackPromise;
      expect(callback.searchParams.get('state')).toBe(provider.stateValue);
      expect(callback.searchParams.get('iss')).toBe(server.issuer);
      await sdk.finish(mcpUrl, provider, callback);
      expect(provider.savedTokens?.refresh_token).toEqual(expect.any(String));

      // 3. Tokens in hand: whoami reports the user, the client and the audience.
      const session = await sdk.connect(mcpUrl, provider);
      const me = whoami(await session.callTool('whoami'));
      expect(me).toMatchObject({
        username: TEST_USERNAME,
        client_id: provider.clientInfo!.client_id,
        aud: mcpUrl.href,
      });
      expect(me.scopes).toEqual(expect.arrayContaining(['mcp:whoami', 'mcp:echo']));
      await session.close();

      // 4. Refresh: a new refresh token (rotation) and a working access token.
      const before = provider.savedTokens!;
      expect(await sdk.refresh(mcpUrl, provider)).toBe('AUTHORIZED');
      expect(provider.savedTokens!.refresh_token).not.toBe(before.refresh_token);
      expect(provider.savedTokens!.access_token).not.toBe(before.access_token);

      // 5. Restart on the same data folder and port: registration, consent and tokens survived.
      await server.close();
      // A real restart takes seconds; give the client's pooled keep-alive sockets the moment
      // they need to notice that the old server closed them (same process, same port).
      await new Promise((resolve) => setTimeout(resolve, 250));
      server = await startTestServer({ dataDir: data.dir, port });
      const again = await sdk.connect(mcpUrl, provider);
      expect(whoami(await again.callTool('whoami')).username).toBe(TEST_USERNAME);
      await again.close();
      const rotated = provider.savedTokens!.refresh_token;
      expect(await sdk.refresh(mcpUrl, provider)).toBe('AUTHORIZED');
      expect(provider.savedTokens!.refresh_token).not.toBe(rotated);

      // 6. The consent is remembered: a new authorization in the same browser skips both pages.
      const fresh = new MemoryOAuthClientProvider(provider.callbackUrl);
      fresh.clientInfo = provider.clientInfo;
      await sdk.connect(mcpUrl, fresh).catch(() => undefined);
      const secondCallback = callbacks.next();
      expect(await completeAuthorization(page, fresh.authorizationUrl!, { username: TEST_USERNAME })).toEqual([]);
      expect((await secondCallback).searchParams.get('code')).toEqual(expect.any(String));
    } finally {
      await context.close();
      await server.close();
      data.remove();
    }
  });
});
