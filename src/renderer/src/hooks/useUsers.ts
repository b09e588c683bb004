import type { User } from '../../../shared/dto';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

export function useUsers(): Loaded<User[]> {
  return useResult(() => api.listUsers({}), 'users');
}
