import type { Provider } from 'oidc-provider';
import { TOKEN_MODELS } from '../../store/engine-store';
import { ENGINE_TOKEN_ID_LENGTH, withTimePrefix } from '../../store/hashing';

/**
 * Gives every token the engine issues a time prefix (hashing.ts, withTimePrefix)
 * before its random id, so that its storage key sorts by time (tokenStorageKey).
 * The engine's own id generation still runs (its randomness and, for access
 * tokens, its choice of format); only opaque ids of the engine's usual length
 * get the prefix: a JWT, or an id of another length (one prefixed already, if
 * this ran twice), is left as it is, and is then stored under its plain SHA-256.
 * The models are this provider's own classes: another provider is not touched.
 */
export function installTimePrefixedTokenIds(provider: Provider): void {
  const models = provider as unknown as Record<string, { prototype: { generateTokenId?: () => string } } | undefined>;
  for (const model of TOKEN_MODELS) {
    const prototype = models[model]?.prototype;
    const generate = prototype?.generateTokenId;
    if (!prototype || typeof generate !== 'function') continue;
    prototype.generateTokenId = function generateTokenId(this: { format?: string }) {
      const id = generate.call(this);
      return this.format !== 'jwt' && id.length === ENGINE_TOKEN_ID_LENGTH ? withTimePrefix(id) : id;
    };
  }
}
