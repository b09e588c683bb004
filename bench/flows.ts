import { authorize, HttpBrowser, pkcePair } from '../test/helpers/http-browser';
import { HttpClient, json, type HttpResult } from './lib/http';
import { loopLoad, type LoadResult } from './lib/load';

/**
 * The multi-step OAuth flows, driven by our own closed-loop driver (autocannon
 * sends one fixed request; these need a fresh PKCE pair, a code and a chain of
 * refresh tokens per iteration).
 */

/** The client's redirect URI: loopback, never contacted (the 303 Location is read, not followed). */
export const CALLBACK = 'http://127.0.0.1:9/callback';

export interface FlowOptions {
  connections: number;
  warmupS: number;
  durationS: number;
  onMeasure?: (phase: 'start' | 'end') => void;
}

/** One browser session's cookies, shared by every loop (as one signed-in browser would be). */
export class CookieJar {
  readonly #cookies: Map<string, string>;

  constructor(initial: Map<string, string>) {
    this.#cookies = new Map(initial);
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }
}

export interface SignedInClient {
  clientId: string;
  jar: CookieJar;
  http: HttpClient;
  /** GET /authorize (consent remembered: 303 straight to the redirect URI) then POST /token. */
  exchange(): Promise<{ access_token: string; refresh_token?: string }>;
}

/**
 * Registers a public client (DCR, as MCP clients do), signs in once and gives
 * consent once through the real pages, and checks that the next authorization
 * skips both.
 */
export async function signedInClient(origin: string, username: string): Promise<SignedInClient> {
  const http = new HttpClient(origin, 128);
  const registered = await http.send(
    'POST',
    '/register',
    { 'content-type': 'application/json' },
    JSON.stringify({
      client_name: 'bench code-flow client',
      redirect_uris: [CALLBACK],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  );
  if (registered.status !== 201) throw new Error(`registration failed: ${registered.status} ${registered.body}`);
  const clientId = json<{ client_id: string }>(registered).client_id;

  const browser = new HttpBrowser(origin);
  const first = pkcePair();
  const { url } = await authorize(browser, { clientId, redirectUri: CALLBACK, username, challenge: first.challenge });
  if (!url.searchParams.get('code')) throw new Error(`sign-in and consent did not end with a code: ${url}`);
  const jar = new CookieJar(browser.cookies);

  const exchange = async () => {
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: CALLBACK,
      state: Math.random().toString(36).slice(2),
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const authz: HttpResult = await http.send('GET', `/authorize?${query}`, { cookie: jar.header() });
    jar.store(authz.headers['set-cookie']);
    const location = authz.headers.location;
    if (authz.status < 300 || authz.status >= 400 || !location) throw new Error(`/authorize answered ${authz.status}, not a redirect`);
    const target = new URL(location, origin);
    if (`${target.origin}${target.pathname}` !== CALLBACK) throw new Error(`/authorize did not go straight to the redirect URI: ${location}`);
    const code = target.searchParams.get('code');
    if (!code) throw new Error(`no code in ${location}`);
    const token = await http.postForm('/token', {
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
    });
    if (token.status !== 200) throw new Error(`code exchange failed: ${token.status} ${token.body}`);
    return json<{ access_token: string; refresh_token?: string }>(token);
  };

  // Consent is remembered: the next authorization goes straight to the redirect URI.
  const check = await exchange();
  if (!check.refresh_token) throw new Error('the code exchange returned no refresh token');
  return { clientId, jar, http, exchange };
}

/** Complete authorization-code + PKCE exchanges per second (GET /authorize → 303 → POST /token). */
export async function authCodeLoad(origin: string, username: string, options: FlowOptions): Promise<LoadResult> {
  const client = await signedInClient(origin, username);
  try {
    const result = await loopLoad({
      concurrency: options.connections,
      warmupS: options.warmupS,
      durationS: options.durationS,
      onMeasure: options.onMeasure,
      iteration: async () => {
        await client.exchange();
      },
    });
    if (result.errors.length) console.error(`  auth-code errors: ${result.errors.join(' | ')}`);
    return result;
  } finally {
    client.http.close();
  }
}

/** Refresh-token rotations per second; each loop keeps its own chain (each refresh returns the next refresh token). */
export async function refreshLoad(origin: string, username: string, options: FlowOptions): Promise<LoadResult> {
  const client = await signedInClient(origin, username);
  try {
    const chains: string[] = [];
    for (let i = 0; i < options.connections; i++) chains.push((await client.exchange()).refresh_token!);
    const result = await loopLoad({
      concurrency: options.connections,
      warmupS: options.warmupS,
      durationS: options.durationS,
      onMeasure: options.onMeasure,
      iteration: async (loop) => {
        const current = chains[loop]!;
        const response = await client.http.postForm('/token', { grant_type: 'refresh_token', refresh_token: current, client_id: client.clientId });
        const body = response.status === 200 ? json<{ refresh_token?: string }>(response) : undefined;
        if (!body?.refresh_token || body.refresh_token === current) {
          // A broken chain is an error; start a new one so the loop goes on.
          chains[loop] = (await client.exchange()).refresh_token!;
          throw new Error(`refresh failed: ${response.status} ${response.body.slice(0, 200)}`);
        }
        chains[loop] = body.refresh_token;
      },
    });
    if (result.errors.length) console.error(`  refresh errors: ${result.errors.join(' | ')}`);
    return result;
  } finally {
    client.http.close();
  }
}
