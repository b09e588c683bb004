import { Agent, request } from 'node:http';

/**
 * A minimal keep-alive HTTP/1.1 client for the benchmark's own drivers (the
 * multi-step OAuth flows autocannon cannot express). Loopback only.
 */

export interface HttpResult {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  body: string;
}

export class HttpClient {
  readonly #agent: Agent;
  readonly #url: URL;

  constructor(origin: string, maxSockets = 64) {
    this.#url = new URL(origin);
    if (this.#url.hostname !== '127.0.0.1' && this.#url.hostname !== 'localhost') {
      throw new Error(`the benchmark only talks to loopback servers, not ${origin}`);
    }
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      const req = request(
        {
          agent: this.#agent,
          host: this.#url.hostname,
          port: this.#url.port,
          method,
          path,
          headers: payload ? { ...headers, 'content-length': String(payload.length) } : headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  postForm(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult> {
    return this.send('POST', path, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, new URLSearchParams(form).toString());
  }

  close(): void {
    this.#agent.destroy();
  }
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export function json<T = Record<string, unknown>>(result: HttpResult): T {
  try {
    return JSON.parse(result.body) as T;
  } catch {
    throw new Error(`expected JSON, got ${result.status}: ${result.body.slice(0, 200)}`);
  }
}
