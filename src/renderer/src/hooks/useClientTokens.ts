import type { TokenSummary } from '../../../shared/dto';
import { api } from '../api';
import { useReloadOnActivity } from './useLiveActivity';
import { useResult, type Loaded } from './useResult';

/** The client's tokens (by reference, never by value), loaded again when its token activity arrives. */
export function useClientTokens(clientId: string): Loaded<TokenSummary[]> {
  const tokens = useResult(() => api.listClientTokens({ clientId }), clientId);
  useReloadOnActivity(clientId, tokens.reload, (event) => event.type.startsWith('token.') || event.type.startsWith('consent.'));
  return tokens;
}
