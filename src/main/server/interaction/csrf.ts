import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the sign-in and consent forms: an HMAC over the pending
 * request's id, the step, and what the page showed. A token is therefore only
 * good for one page of one pending request; a token from another request, or
 * for a consent whose client, redirect URI, scopes or resource differ from what
 * was shown, does not verify. Re-use after submission is refused by the caller
 * (the pending request already has a result).
 */
export class CsrfTokens {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = createHmac('sha256', secret).update('mcp-auth-desk csrf v1').digest();
  }

  static binding(values: readonly unknown[]): string {
    return createHash('sha256').update(JSON.stringify(values)).digest('base64url');
  }

  issue(uid: string, step: string, binding: string): string {
    // JSON keeps the fields apart: no choice of uid and step can produce another pair's input.
    return createHmac('sha256', this.#key).update(JSON.stringify([uid, step, binding])).digest('base64url');
  }

  verify(token: unknown, uid: string, step: string, binding: string): boolean {
    if (typeof token !== 'string') return false;
    const expected = Buffer.from(this.issue(uid, step, binding));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
