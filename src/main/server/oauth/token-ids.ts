import type { Provider } from 'oidc-provider';
import { TOKEN_MODELS } from '../../store/engine-store';
import { withTimePrefix } from '../../store/hashing';

/**
 * Gives every token the engine issues a time prefix (hashing.ts, withTimePrefix)
 * before its random id, so that its storage key sorts by time (tokenStorageKey).
 * The engine's own id generation still runs (its randomness and, for access
 * tokens, its choice of format); only opaque ids get the prefix. The models are
 * this provider's own classes: another provider is not touched.
 */
export function installTimePrefixedTokenIds(provider: Provider): void {
  const models = provider as unknown as Record<string, { prototype: { generateTokenId?: () => string } } | undefined>;
  for (const model of TOKEN_MODELS) {
    const prototype = models[model]?.prototype;
    const generate = prototype?.generateTokenId;
    if (!prototype || typeof generate !== 'function') continue;
    prototype.generateTokenId = function generateTokenId(this: { format?: string }) {
      const id = generate.call(this);
      return this.format === 'jwt' ? id : withTimePrefix(id);
    };
  }
}
