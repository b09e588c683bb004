import { useEffect } from 'react';
import type { ServerStatus } from '../../../shared/dto';
import { api } from '../api';
import { useResult, type Loaded } from './useResult';

const reloaders = new Set<() => void>();

/** Every mounted status (banners, Server page, dialogs) loads again, e.g. after a restart. */
export function invalidateServerStatus(): void {
  reloaders.forEach((reload) => reload());
}

export function useServerStatus(): Loaded<ServerStatus> {
  const status = useResult(() => api.getServerStatus({}), 'status');
  const { reload } = status;
  useEffect(() => {
    reloaders.add(reload);
    return () => {
      reloaders.delete(reload);
    };
  }, [reload]);
  return status;
}
