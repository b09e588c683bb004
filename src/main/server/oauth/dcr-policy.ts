import type { RegistrationSettings } from '../../../shared/registration';
import type { SqliteDatabase } from '../../store/database';
import { RegistrationSettingsStore, hostInDomains } from '../../store/registration-settings';
import { isLoopbackRedirectUri } from './redirect-uris';

/**
 * The admin's policy for Dynamic Client Registration, checked before the
 * engine sees a registration: on or off, which redirect URIs a self-registered
 * client may use, how many such clients may exist, and how fast they may come.
 * (The engine then applies the protocol rules: see redirect-uris.ts.)
 */

export interface DcrRefusal {
  status: number;
  error: string;
  description: string;
  headers?: Record<string, string>;
}

function redirectUriRefused(uri: string, policy: RegistrationSettings['dynamicRegistration']): string | undefined {
  const parsed = URL.parse(uri);
  if (!parsed || policy.redirectRule === 'any') return undefined;
  if (isLoopbackRedirectUri(uri)) return undefined;
  const privateUse = parsed.protocol !== 'http:' && parsed.protocol !== 'https:';
  if (policy.redirectRule === 'loopback') return `${uri}: only loopback redirect URIs (http://127.0.0.1, http://localhost) are accepted here`;
  if (privateUse) return undefined;
  if (policy.redirectRule === 'loopback_private_use_listed_https' && parsed.protocol === 'https:' && hostInDomains(parsed.hostname, policy.allowedHttpsHosts)) {
    return undefined;
  }
  return `${uri}: this server accepts loopback and private-use scheme redirect URIs${
    policy.redirectRule === 'loopback_private_use_listed_https' ? ', and https ones on the hosts its administrator listed' : ''
  }`;
}

/**
 * Client metadata is strings, numbers, booleans and arrays of them (only `jwks` is an
 * object). Anything else is refused before the engine sees it: an object with a
 * broken `toString` would otherwise crash the engine's own checks (found by fuzzing).
 */
export function metadataShapeProblem(body: unknown): DcrRefusal | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined; // the engine refuses these
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === 'jwks') continue;
    const items = Array.isArray(value) ? value : [value];
    if (items.some((item) => item !== null && typeof item === 'object')) {
      return {
        status: 400,
        error: 'invalid_client_metadata',
        description: `${key} must be ${Array.isArray(value) ? 'an array of strings' : 'a string, number or boolean'}`,
      };
    }
  }
  return undefined;
}

export class DcrPolicy {
  readonly #settings: RegistrationSettingsStore;
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  #window: number[] = [];

  constructor(db: SqliteDatabase, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.#settings = new RegistrationSettingsStore(db);
  }

  /** Checks a registration request body (already parsed); undefined when it may go on to the engine. */
  check(body: unknown): DcrRefusal | undefined {
    const shape = metadataShapeProblem(body);
    if (shape) return shape;
    const policy = this.#settings.get().dynamicRegistration;
    if (!policy.enabled) {
      return { status: 403, error: 'access_denied', description: 'Dynamic Client Registration is turned off on this server; ask its administrator for a client' };
    }
    if (policy.perMinute !== null) {
      const now = this.#now();
      this.#window = this.#window.filter((at) => at > now - 60_000);
      if (this.#window.length >= policy.perMinute) {
        const retryAfter = Math.max(1, Math.ceil((this.#window[0]! + 60_000 - now) / 1000));
        return {
          status: 429,
          error: 'temporarily_unavailable',
          description: `too many registrations: at most ${policy.perMinute} per minute`,
          headers: { 'Retry-After': String(retryAfter) },
        };
      }
      this.#window.push(now);
    }
    if (policy.maxClients !== null) {
      const { n } = this.#db.prepare("SELECT COUNT(*) AS n FROM clients WHERE registration_type = 'dynamic'").get() as { n: number };
      if (n >= policy.maxClients) {
        return {
          status: 400,
          error: 'invalid_client_metadata',
          description: `this server already has ${n} self-registered clients, its limit; ask its administrator to remove unused ones`,
        };
      }
    }
    const uris = (body as { redirect_uris?: unknown } | null)?.redirect_uris;
    if (Array.isArray(uris)) {
      for (const uri of uris) {
        const refused = typeof uri === 'string' ? redirectUriRefused(uri, policy) : undefined;
        if (refused) return { status: 400, error: 'invalid_redirect_uri', description: refused };
      }
    }
    return undefined;
  }
}
