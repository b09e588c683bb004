import { HttpBrowser, authorize, pkcePair } from './http-browser';

export const CALLBACK = 'http://127.0.0.1:9/callback';

export async function registerClient(issuer: string, metadata: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(metadata),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { client_id: string; client_secret?: string } };
}

export function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A public DCR client, as the MCP SDKs register. */
export async function registerPublicClient(issuer: string, extra: Record<string, unknown> = {}) {
  const { status, body } = await registerClient(issuer, {
    client_name: 'Protocol test client',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  });
  if (status !== 201) throw new Error(`registration failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Registers a public client and runs the code flow through sign-in and consent; returns the code and its verifier. */
export async function codeFor(issuer: string, username: string, options: { clientId?: string; scope?: string; resource?: string } = {}) {
  const clientId = options.clientId ?? (await registerPublicClient(issuer)).client_id;
  const { verifier, challenge } = pkcePair();
  const browser = new HttpBrowser(issuer);
  const { url } = await authorize(browser, { clientId, redirectUri: CALLBACK, username, challenge, scope: options.scope, resource: options.resource });
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code: ${url}`);
  return { clientId, code, verifier, browser, callback: url };
}

export async function exchangeCode(issuer: string, clientId: string, code: string, verifier: string, extra: Record<string, string> = {}) {
  return postForm(`${issuer}/token`, {
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    code_verifier: verifier,
    redirect_uri: CALLBACK,
    ...extra,
  });
}

export async function callWhoami(mcpUrl: string, accessToken: string, headers: Record<string, string> = {}) {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
