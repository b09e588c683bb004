import { useCallback, useState } from 'react';

/** Tracks one running action: `busy` while it runs, for loading buttons. */
export function useBusy(): [boolean, <T>(action: () => Promise<T>) => Promise<T>] {
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    setBusy(true);
    try {
      return await action();
    } finally {
      setBusy(false);
    }
  }, []);
  return [busy, run];
}
