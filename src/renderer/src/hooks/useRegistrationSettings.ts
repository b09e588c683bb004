import type { RegistrationSettings } from '../../../shared/registration';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

export function useRegistrationSettings(): Loaded<RegistrationSettings> {
  return useResult(() => api.getRegistrationSettings({}), 'registration-settings');
}
