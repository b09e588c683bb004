import { useCallback, useEffect, useRef, useState } from 'react';
import type { AdminError, Result } from '../../../shared/dto';

export interface Loaded<T> {
  data: T | undefined;
  error: AdminError | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a query returning a Result and tracks it. `key` identifies the query:
 * when it changes the query runs again. Earlier answers arriving late are dropped.
 * Data of the previous key stays visible while the next one loads.
 */
export function useResult<T>(query: () => Promise<Result<T>>, key: string): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    const run = ++latest.current;
    setLoading(true);
    queryRef
      .current()
      .then((result) => {
        if (run !== latest.current) return;
        if (result.ok) {
          setData(result.value);
          setError(undefined);
        } else {
          setError(result.error);
        }
      })
      .catch((cause: unknown) => {
        if (run !== latest.current) return;
        setError({ code: 'internal', message: cause instanceof Error ? cause.message : String(cause) });
      })
      .finally(() => {
        if (run === latest.current) setLoading(false);
      });
  }, [key, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, error, loading, reload };
}
