import type { Consent } from '../../../shared/dto';
import type { Input } from '../../../shared/contract';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

export type ConsentFilter = Input<'listConsents'>;

export function useConsents(filter: ConsentFilter): Loaded<Consent[]> {
  return useResult(() => api.listConsents(filter), JSON.stringify(filter));
}
