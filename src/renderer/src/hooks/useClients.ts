import type { ClientPage } from '../../../shared/dto';
import type { Input } from '../../../shared/contract';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

export type ClientFilter = Input<'listClients'>;

export function useClients(filter: ClientFilter): Loaded<ClientPage> {
  return useResult(() => api.listClients(filter), JSON.stringify(filter));
}
