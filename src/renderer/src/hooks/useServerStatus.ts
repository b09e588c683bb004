import type { ServerStatus } from '../../../shared/dto';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

export function useServerStatus(): Loaded<ServerStatus> {
  return useResult(() => api.getServerStatus({}), 'status');
}
