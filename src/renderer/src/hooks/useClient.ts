import type { ClientDetail } from '../../../shared/dto';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

export function useClient(clientId: string): Loaded<ClientDetail> {
  return useResult(() => api.getClient({ clientId }), clientId);
}
