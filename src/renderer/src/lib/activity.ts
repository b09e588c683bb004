import type { ActivityEvent, EventFilter, EventOutcome } from '../../../shared/events';
import { EVENT_TYPES } from '../../../shared/events';

/** What the activity list is filtered by (paging aside). */
export type ActivityFilter = Pick<EventFilter, 'clientId' | 'username' | 'type' | 'outcome'>;

export const EVENT_FAMILIES = ['client', 'authorization', 'signin', 'consent', 'token', 'mcp', 'user'] as const;

/** The Type filter's options: families first, then every full type. */
export const TYPE_OPTIONS = [
  { group: 'Families', items: [{ value: 'all', label: 'All types' }, ...EVENT_FAMILIES.map((family) => ({ value: family, label: `${family}.* (all)` }))] },
  { group: 'Types', items: EVENT_TYPES.map((type) => ({ value: type, label: type })) },
];

export const OUTCOME_COLORS: Record<EventOutcome, string> = { success: 'green', failure: 'red', info: 'blue' };

/** The same test as the server's listEvents, for live events. */
export function matchesFilter(event: ActivityEvent, filter: ActivityFilter): boolean {
  if (filter.clientId && event.clientId !== filter.clientId) return false;
  if (filter.username && event.username !== filter.username) return false;
  if (filter.type && event.type !== filter.type && !event.type.startsWith(`${filter.type}.`)) return false;
  if (filter.outcome && event.outcome !== filter.outcome) return false;
  return true;
}

/** Newest first, each id once, at most `cap` events. */
export function mergeEvents(current: ActivityEvent[], incoming: ActivityEvent[], cap: number): ActivityEvent[] {
  if (incoming.length === 0) return current;
  const byId = new Map<number, ActivityEvent>();
  for (const event of current) byId.set(event.id, event);
  for (const event of incoming) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, cap);
}

/** A data value as short text: strings as they are, lists joined, the rest as JSON. */
export function formatDataValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ') || '—';
  return JSON.stringify(value);
}
