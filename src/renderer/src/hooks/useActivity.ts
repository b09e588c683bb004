import { useCallback, useEffect, useRef, useState } from 'react';
import type { AdminError } from '../../../shared/dto';
import type { ActivityEvent } from '../../../shared/events';
import { api, type StreamState } from '../api';
import { matchesFilter, mergeEvents, type ActivityFilter } from '../lib/activity';
import { useLiveActivity, useStreamState } from './useLiveActivity';

const PAGE_SIZE = 100;
/** Events kept in memory; "Load older" raises it. */
const CAP = 500;

export interface ActivityList {
  events: ActivityEvent[];
  loading: boolean;
  error: AdminError | undefined;
  stream: StreamState;
  /** More (older) events may exist on the server. */
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  reload: () => void;
}

const failure = (cause: unknown): AdminError => ({ code: 'internal', message: cause instanceof Error ? cause.message : String(cause) });

/**
 * The activity log for a filter, newest first: one page from listEvents, then
 * live events matching the filter prepended (each id once). After the stream
 * reconnects, what was missed meanwhile is fetched.
 */
export function useActivity(filter: ActivityFilter): ActivityList {
  const key = JSON.stringify(filter);
  const [events, setEvents] = useState<ActivityEvent[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [hasOlder, setHasOlder] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [generation, setGeneration] = useState(0);
  const stream = useStreamState();
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const run = useRef(0);
  const cap = useRef(CAP);
  const eventsRef = useRef(events);
  eventsRef.current = events;

  useEffect(() => {
    const current = ++run.current;
    cap.current = CAP;
    setEvents([]);
    setLoading(true);
    setHasOlder(false);
    api
      .listEvents({ ...filterRef.current, limit: PAGE_SIZE })
      .then((result) => {
        if (current !== run.current) return;
        if (!result.ok) return setError(result.error);
        setError(undefined);
        setEvents((live) => mergeEvents(live, result.value, cap.current));
        setHasOlder(result.value.length === PAGE_SIZE);
      })
      .catch((cause: unknown) => current === run.current && setError(failure(cause)))
      .finally(() => current === run.current && setLoading(false));
  }, [key, generation]);

  useLiveActivity((event) => {
    if (!matchesFilter(event, filterRef.current)) return;
    // The oldest drops out of memory (it stays on the server: "Load older" finds it).
    if (eventsRef.current.length >= cap.current) setHasOlder(true);
    setEvents((current) => mergeEvents(current, [event], cap.current));
  });

  // Back from a drop: fetch what happened while the stream was down.
  const previous = useRef(stream);
  useEffect(() => {
    const wasDown = previous.current === 'reconnecting';
    previous.current = stream;
    if (!wasDown || stream !== 'live') return;
    const newest = eventsRef.current[0]?.id ?? 0;
    const current = run.current;
    void api.listEvents({ ...filterRef.current, afterId: newest, limit: CAP }).then((result) => {
      if (result.ok && current === run.current) setEvents((list) => mergeEvents(list, result.value, cap.current));
    });
  }, [stream]);

  const loadOlder = useCallback(() => {
    const oldest = eventsRef.current.at(-1)?.id;
    if (oldest === undefined) return;
    const current = run.current;
    setLoadingOlder(true);
    api
      .listEvents({ ...filterRef.current, beforeId: oldest, limit: PAGE_SIZE })
      .then((result) => {
        if (current !== run.current) return;
        if (!result.ok) return setError(result.error);
        cap.current = Math.max(cap.current, eventsRef.current.length + result.value.length);
        setEvents((list) => mergeEvents(list, result.value, cap.current));
        setHasOlder(result.value.length === PAGE_SIZE);
      })
      .catch((cause: unknown) => current === run.current && setError(failure(cause)))
      .finally(() => setLoadingOlder(false));
  }, []);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { events, loading, error, stream, hasOlder, loadingOlder, loadOlder, reload };
}
