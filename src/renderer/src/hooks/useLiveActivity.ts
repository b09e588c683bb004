import { useEffect, useRef, useState } from 'react';
import type { ActivityEvent } from '../../../shared/events';
import { subscribeActivity, subscribeStreamState, type StreamState } from '../api';

/** Calls `listener` for each live activity event while mounted (the latest listener, no resubscribing). */
export function useLiveActivity(listener: (event: ActivityEvent) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribeActivity((event) => ref.current(event)), []);
}

/** The live stream's state: 'connecting', 'live' or 'reconnecting'. */
export function useStreamState(): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => subscribeStreamState(setState), []);
  return state;
}

/**
 * Runs `reload` shortly after live activity of one client (once per burst: a
 * sign-in, consent and token exchange arrive within a second).
 */
export function useReloadOnActivity(clientId: string, reload: () => void, accept: (event: ActivityEvent) => boolean = () => true, delayMs = 600): void {
  const timer = useRef<number | undefined>(undefined);
  useLiveActivity((event) => {
    if (event.clientId !== clientId || !accept(event)) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(reload, delayMs);
  });
  useEffect(() => () => window.clearTimeout(timer.current), []);
}
