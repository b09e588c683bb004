import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { HttpBrowser, csrfFrom, formActionFrom } from './http-browser';
import type { MemoryOAuthClientProvider } from './oauth-client-provider';

/**
 * The MCP SDK (v1) client doing its part of the flow, with a browser-like HTTP
 * client standing in for the person at the sign-in and consent pages.
 */

export async function connect(mcpUrl: string, provider: MemoryOAuthClientProvider): Promise<Client> {
  const client = new Client({ name: 'auth-desk-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider as never }));
  return client;
}

/** Connects; if authorization is needed, returns false with provider.authorizationUrl set. */
export async function tryConnect(mcpUrl: string, provider: MemoryOAuthClientProvider): Promise<Client | false> {
  try {
    return await connect(mcpUrl, provider);
  } catch (error) {
    if (error instanceof UnauthorizedError) return false;
    throw error;
  }
}

/** Walks the pages as `username` (Sign in, then Allow) and returns the callback URL. */
export async function approve(browser: HttpBrowser, authorizationUrl: URL, username: string, password = ''): Promise<URL> {
  let step = await browser.follow(authorizationUrl);
  for (let i = 0; i < 3 && step.url.origin === new URL(browser.origin).origin; i++) {
    const html = await step.response.text();
    const action = formActionFrom(html);
    step = action.endsWith('/login')
      ? await browser.postForm(action, { csrf: csrfFrom(html), username, password, action: 'sign-in' })
      : await browser.postForm(action, { csrf: csrfFrom(html), decision: 'allow' });
  }
  return step.url;
}

export async function finish(mcpUrl: string, provider: MemoryOAuthClientProvider, callback: URL): Promise<void> {
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${callback}`);
  await new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider as never }).finishAuth(code);
}

/** The whole interactive flow: connect (401), authorize as `username`, finish, connect again. */
export async function authorizedClient(
  mcpUrl: string,
  issuer: string,
  provider: MemoryOAuthClientProvider,
  username: string,
  browser = new HttpBrowser(issuer),
): Promise<Client> {
  const first = await tryConnect(mcpUrl, provider);
  if (first) return first;
  await finish(mcpUrl, provider, await approve(browser, provider.authorizationUrl!, username));
  return connect(mcpUrl, provider);
}

export function toolText(result: unknown): string {
  return (result as { content: { text: string }[] }).content[0]!.text;
}
