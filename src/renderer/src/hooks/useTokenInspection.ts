import { useCallback, useState } from 'react';
import type { AdminError, TokenInspection } from '../../../shared/dto';
import { api } from '../api';
import { useBusy } from './useBusy';
import { useResult, type Loaded } from './useResult';

/** One token by its reference (from the token list). */
export function useTokenByRef(ref: string): Loaded<TokenInspection> {
  return useResult(() => api.inspectToken({ ref }), ref);
}

export interface PastedInspection {
  result: TokenInspection | undefined;
  error: AdminError | undefined;
  busy: boolean;
  /** Looks the pasted value up; the value is not kept. */
  inspect: (token: string) => Promise<void>;
  reset: () => void;
}

/** A token the admin pastes: looked up by the server through its hash; only the answer is kept. */
export function usePastedTokenInspection(): PastedInspection {
  const [result, setResult] = useState<TokenInspection | undefined>(undefined);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [busy, run] = useBusy();
  const inspect = useCallback(
    (token: string) =>
      run(async () => {
        const answer = await api.inspectToken({ token });
        setResult(answer.ok ? answer.value : undefined);
        setError(answer.ok ? undefined : answer.error);
      }),
    [run],
  );
  const reset = useCallback(() => {
    setResult(undefined);
    setError(undefined);
  }, []);
  return { result, error, busy, inspect, reset };
}
