/**
 * Slows down guessing of client secrets (OAuth 2.1 §2.4.1, SECURITY_CASES D.45):
 * after `MAX_FAILURES` failed client authentications for one client_id within
 * the window, further attempts for it get 429 until the window has passed.
 * Counting happens per client_id: on a loopback server anyone who can reach it
 * is on this machine already, so locking a client for a minute is the lesser evil.
 */

const MAX_FAILURES = 10;
const WINDOW_MS = 60_000;

export class ClientAuthThrottle {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  #recent(clientId: string): number[] {
    const stored = this.#failures.get(clientId);
    // The common case on every token request: no failure to look at.
    if (!stored) return [];
    const cutoff = this.now() - WINDOW_MS;
    const times = stored.filter((at) => at > cutoff);
    if (times.length) this.#failures.set(clientId, times);
    else this.#failures.delete(clientId);
    return times;
  }

  /** Seconds to wait before trying again, or 0 when the client may try now. */
  retryAfter(clientId: string): number {
    const times = this.#recent(clientId);
    if (times.length < MAX_FAILURES) return 0;
    return Math.max(1, Math.ceil((times[times.length - MAX_FAILURES]! + WINDOW_MS - this.now()) / 1000));
  }

  failed(clientId: string): void {
    const times = this.#recent(clientId);
    times.push(this.now());
    this.#failures.set(clientId, times.slice(-MAX_FAILURES * 2));
  }

  succeeded(clientId: string): void {
    this.#failures.delete(clientId);
  }
}

/** The client_id a token, introspection or revocation request authenticates as (Basic header, or else the form, parsed only then). */
export function requestingClientId(authorization: string | undefined, form: () => URLSearchParams): string | undefined {
  if (authorization?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      try {
        return decodeURIComponent(decoded.slice(0, colon));
      } catch {
        return decoded.slice(0, colon);
      }
    }
  }
  return form().get('client_id') ?? undefined;
}
