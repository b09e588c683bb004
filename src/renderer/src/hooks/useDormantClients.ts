import { useCallback, useRef, useState } from 'react';
import type { AdminError } from '../../../shared/dto';
import type { DormantClient } from '../../../shared/registration';
import { api } from '../api';
import { useBusy } from './useBusy';

export interface DormantSearch {
  /** The clients found by the last search; undefined before any. */
  clients: DormantClient[] | undefined;
  /** The number of days of that search (removal uses the same). */
  days: number | undefined;
  error: AdminError | undefined;
  busy: boolean;
  find: (days: number) => Promise<void>;
}

/** Self-registered clients unused for some days, found on demand. */
export function useDormantClients(): DormantSearch {
  const [clients, setClients] = useState<DormantClient[] | undefined>(undefined);
  const [days, setDays] = useState<number | undefined>(undefined);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [busy, run] = useBusy();
  const latest = useRef(0);
  const find = useCallback(
    (searchDays: number) =>
      run(async () => {
        const current = ++latest.current;
        const result = await api.listDormantClients({ days: searchDays });
        if (current !== latest.current) return;
        setError(result.ok ? undefined : result.error);
        if (result.ok) {
          setClients(result.value);
          setDays(searchDays);
        }
      }),
    [run],
  );
  return { clients, days, error, busy, find };
}
