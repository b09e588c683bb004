import type { ActivityEvent } from '../../../shared/events';
import { createSseParser } from '../lib/sse';

/** 'connecting' before the first connection, 'live' while connected, 'reconnecting' after a drop. */
export type StreamState = 'connecting' | 'live' | 'reconnecting';
export type ActivityListener = (event: ActivityEvent) => void;
export type StateListener = (state: StreamState) => void;

export interface ActivitySource {
  subscribeActivity(listener: ActivityListener): () => void;
  /** Follows the connection; called at once with the current state. Does not open the stream by itself. */
  subscribeStreamState(listener: StateListener): () => void;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;
/** Keeps the connection a moment after the last listener leaves (page changes, React's double effects). */
const LINGER_MS = 1_500;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = window.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      window.clearTimeout(timer);
      resolve();
    });
  });

/**
 * Browser mode: one shared server-sent event stream (GET ./activity-stream with
 * the admin token in a header, so fetch rather than EventSource), opened while
 * someone listens, reconnecting with backoff when it drops.
 */
export function createHttpActivitySource(getToken: () => string | null): ActivitySource {
  const listeners = new Set<ActivityListener>();
  const stateListeners = new Set<StateListener>();
  let state: StreamState = 'connecting';
  let controller: AbortController | null = null;
  let lingering: number | undefined;

  const setState = (next: StreamState) => {
    if (next === state) return;
    state = next;
    stateListeners.forEach((listener) => listener(next));
  };

  async function readOnce(signal: AbortSignal, onOpen: () => void): Promise<void> {
    const response = await fetch('./activity-stream', {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${getToken() ?? ''}` },
      cache: 'no-store',
      signal,
    });
    if (!response.ok || !response.body) throw new Error(`the activity stream answered ${response.status}`);
    onOpen();
    const parser = createSseParser((message) => {
      if (message.event !== 'activity') return;
      let event: ActivityEvent;
      try {
        event = JSON.parse(message.data) as ActivityEvent;
      } catch {
        return;
      }
      listeners.forEach((listener) => listener(event));
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value);
    }
  }

  async function run(signal: AbortSignal): Promise<void> {
    let delay = FIRST_RETRY_MS;
    while (!signal.aborted) {
      try {
        await readOnce(signal, () => {
          delay = FIRST_RETRY_MS;
          setState('live');
        });
      } catch {
        /* dropped or refused: retry below */
      }
      if (signal.aborted) return;
      setState('reconnecting');
      await sleep(delay, signal);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  const open = () => {
    window.clearTimeout(lingering);
    if (controller) return;
    controller = new AbortController();
    void run(controller.signal);
  };

  const close = () => {
    lingering = window.setTimeout(() => {
      controller?.abort();
      controller = null;
      setState('connecting');
    }, LINGER_MS);
  };

  return {
    subscribeActivity(listener) {
      listeners.add(listener);
      open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) close();
      };
    },
    subscribeStreamState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  };
}

/** Desktop: events pushed over IPC by the preload; always connected. */
export function createIpcActivitySource(subscribe: (listener: ActivityListener) => () => void): ActivitySource {
  return {
    subscribeActivity: subscribe,
    subscribeStreamState(listener) {
      listener('live');
      return () => undefined;
    },
  };
}
