import { createHash, randomBytes } from 'node:crypto';

/**
 * A minimal cookie-keeping HTTP client that walks the sign-in and consent pages
 * the way a browser would (GET the page, POST its form with the CSRF token,
 * follow 303s), so protocol tests can obtain authorization codes quickly.
 * The browser-driven tests use real Chromium; this is for the many negative cases.
 */
export class HttpBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers = new Headers(init.headers);
    if (target.origin === new URL(this.origin).origin && this.cookies.size) headers.set('cookie', this.#cookieHeader());
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.#store(response);
    return response;
  }

  /** Follows redirects on our own origin; stops at the first response elsewhere (the client's redirect_uri) or a page. */
  async follow(url: string | URL, init: RequestInit = {}): Promise<{ response: Response; url: URL }> {
    let current = new URL(url, this.origin);
    let response = await this.request(current, init);
    for (let i = 0; i < 10 && response.status >= 300 && response.status < 400; i++) {
      const next = new URL(response.headers.get('location')!, current);
      if (next.origin !== new URL(this.origin).origin) return { response, url: next };
      current = next;
      response = await this.request(current);
    }
    return { response, url: current };
  }

  async postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.follow(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, ...headers },
      body: new URLSearchParams(form).toString(),
    });
  }
}

export function csrfFrom(html: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

export function formActionFrom(html: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(html);
  if (!match) throw new Error('no form on the page');
  return match[1]!;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeOptions {
  clientId: string;
  redirectUri: string;
  username: string;
  password?: string;
  scope?: string;
  resource?: string;
  challenge?: string;
  state?: string;
  extra?: Record<string, string>;
}

/**
 * Runs /authorize → sign-in → consent with a browser-like client and returns
 * the URL the server finally redirected to (the client's redirect_uri with
 * `code` or `error`), or the last page if it never got there.
 */
export async function authorize(browser: HttpBrowser, options: AuthorizeOptions): Promise<{ url: URL; response: Response }> {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state: options.state ?? randomBytes(8).toString('hex'),
    ...(options.challenge !== undefined ? { code_challenge: options.challenge, code_challenge_method: 'S256' } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.resource !== undefined ? { resource: options.resource } : {}),
    ...options.extra,
  });
  let step = await browser.follow(`/authorize?${params}`);
  for (let i = 0; i < 3 && step.url.origin === new URL(browser.origin).origin; i++) {
    if (step.response.status !== 200) break;
    const html = await step.response.text();
    const action = formActionFrom(html);
    const csrf = csrfFrom(html);
    if (action.endsWith('/login')) {
      step = await browser.postForm(action, { csrf, username: options.username, password: options.password ?? '', action: 'sign-in' });
    } else if (action.endsWith('/consent')) {
      step = await browser.postForm(action, { csrf, decision: 'allow' });
    } else break;
  }
  return step;
}
