import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { BlockedAddressError, guardedLookup, isBlockedAddress } from './ssrf';

/**
 * Fetches Client ID Metadata Documents for the engine (its `fetch` option):
 *
 * - never to a loopback, private or special-use address, checked on the
 *   address actually connected to (see ssrf.ts), unless the admin allowed the
 *   host for local testing;
 * - no redirects (the engine asks for `redirect: manual`), 200 JSON only, at
 *   most 5 KB, a 2.5 s timeout (the engine's signal);
 * - cached as Cache-Control says, within bounds, but only once the engine
 *   accepted the document: errors and invalid documents are never cached.
 *   The engine's own cache is switched off so that this one (which the admin
 *   can clear with Refresh) is the only one.
 */

export const MAX_DOCUMENT_BYTES = 5 * 1024;
export const CACHE_MIN_SECONDS = 30;
export const CACHE_MAX_SECONDS = 24 * 60 * 60;

interface Fetched {
  body: Buffer;
  maxAgeMs: number;
  fetchedAt: number;
}

export interface DocumentFetcherOptions {
  /** Hosts ("host" or "host:port") whose documents may come from private or loopback addresses. */
  privateHostsAllowed: () => readonly string[];
  now?: () => number;
  /** Tests only: trust this CA (PEM) for the document servers, besides the system's. */
  extraCaPem?: string;
  /** Tests only: replace the system resolver. */
  resolver?: Parameters<typeof guardedLookup>[1];
}

class NotJsonError extends Error {}

/** undici's Dispatcher, opaque here (undici is Node's own, not a dependency of ours). */
type Dispatcher = object;

function cacheSeconds(response: Response): number {
  const header = response.headers.get('cache-control') ?? '';
  if (/(?:^|,)\s*(?:no-store|no-cache)\b/i.test(header)) return CACHE_MIN_SECONDS;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*(\d+)/i.exec(header);
  const seconds = maxAge ? Number(maxAge[1]) : CACHE_MIN_SECONDS;
  return Math.max(CACHE_MIN_SECONDS, Math.min(CACHE_MAX_SECONDS, seconds));
}

async function readCapped(response: Response): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_DOCUMENT_BYTES) {
    await response.body?.cancel();
    throw new Error(`the document is larger than ${MAX_DOCUMENT_BYTES} bytes (Content-Length ${declared})`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done || !value) break;
    size += value.length;
    if (size > MAX_DOCUMENT_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

export class MetadataDocumentFetcher {
  readonly #options: DocumentFetcherOptions;
  readonly #now: () => number;
  readonly #cache = new Map<string, Fetched>();
  readonly #unconfirmed = new Map<string, Fetched>();
  readonly #inFlight = new Map<string, Promise<{ status: number; fetched?: Fetched }>>();
  #agent: Dispatcher | undefined;

  constructor(options: DocumentFetcherOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  #allowPrivate = (hostname: string, port?: string): boolean => {
    const allowed = this.#options.privateHostsAllowed().map((h) => h.toLowerCase());
    const host = hostname.toLowerCase();
    return allowed.includes(host) || (port !== undefined && allowed.includes(`${host}:${port}`));
  };

  /** undici's Agent, taken from Node's own fetch (undici is not a dependency of ours). */
  #dispatcher(): Dispatcher {
    if (!this.#agent) {
      void Response; // loads Node's bundled undici, which sets the global dispatcher
      const global = (globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')] as object | undefined;
      const Agent = global?.constructor as (new (options: object) => Dispatcher) | undefined;
      if (!Agent) throw new Error('cannot set up a guarded HTTP agent for metadata documents');
      this.#agent = new Agent({
        connect: {
          lookup: guardedLookup((hostname) => this.#allowPrivate(hostname), this.#options.resolver),
          timeout: 2500,
          // Setting `ca` replaces the system roots: keep them when adding a test CA.
          ...(this.#options.extraCaPem ? { ca: [...rootCertificates, this.#options.extraCaPem] } : {}),
        },
        maxResponseSize: MAX_DOCUMENT_BYTES * 4,
      });
    }
    return this.#agent;
  }

  /** The engine's `fetch` option. */
  readonly fetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // An IP literal is connected to without a lookup: check it here, before any connection.
    if (isIP(host) && isBlockedAddress(host) && !this.#allowPrivate(host, url.port)) throw new BlockedAddressError(url.host, host);
    const key = url.href;
    const cached = this.#cache.get(key);
    if (cached && cached.fetchedAt + cached.maxAgeMs > this.#now()) return this.#response(cached.body);

    let request = this.#inFlight.get(key);
    if (!request) {
      request = this.#download(url, init).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, request);
    }
    const { status, fetched } = await request;
    if (!fetched) return new Response(null, { status });
    this.#unconfirmed.set(key, fetched);
    return this.#response(fetched.body);
  };

  async #download(url: URL, init: RequestInit): Promise<{ status: number; fetched?: Fetched }> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        redirect: 'manual',
        signal: init.signal ?? AbortSignal.timeout(2500),
        dispatcher: this.#dispatcher(),
      } as RequestInit);
    } catch (error) {
      // fetch says only "fetch failed": surface the reason (a refused address, a DNS or TLS failure).
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof Error ? cause : error;
    }
    if (response.status !== 200) {
      await response.body?.cancel().catch(() => undefined);
      this.#cache.delete(url.href);
      return { status: response.status };
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json' && !type.endsWith('+json')) {
      await response.body?.cancel().catch(() => undefined);
      throw new NotJsonError(`the document is not JSON (Content-Type: ${type || 'none'})`);
    }
    const body = await readCapped(response);
    return { status: 200, fetched: { body, maxAgeMs: cacheSeconds(response) * 1000, fetchedAt: this.#now() } };
  }

  #response(body: Buffer): Response {
    return new Response(new Uint8Array(body), { status: 200, headers: { 'content-type': 'application/json' } });
  }

  /**
   * The engine accepted the document fetched for `clientId`: cache it. Returns
   * when it was fetched if this resolution fetched it (undefined for a cache hit).
   */
  confirm(clientId: string): number | undefined {
    const fetched = this.#unconfirmed.get(clientId);
    if (!fetched) return undefined;
    this.#unconfirmed.delete(clientId);
    this.#cache.set(clientId, fetched);
    return fetched.fetchedAt;
  }

  /** Drop a document (admin Refresh, a block): the next use fetches it again. */
  invalidate(clientId: string): void {
    this.#cache.delete(clientId);
    this.#unconfirmed.delete(clientId);
  }

  close(): void {
    void (this.#agent as { close?: () => Promise<void> } | undefined)?.close?.();
    this.#agent = undefined;
  }
}
