/** The activity log's vocabulary, shared by the server, the admin UI and the CLI. */

export const EVENT_TYPES = [
  'client.registered',
  'client.registration_failed',
  'client.updated',
  'client.secret_rotated',
  'client.disabled',
  'client.enabled',
  'client.deleted',
  'client.authentication_failed',
  'authorization.requested',
  'authorization.completed',
  'authorization.failed',
  'signin.succeeded',
  'signin.failed',
  'consent.granted',
  'consent.denied',
  'consent.revoked',
  'token.issued',
  'token.refreshed',
  'token.refresh_reuse',
  'token.code_reuse',
  'token.request_failed',
  'token.revoked',
  'token.introspected',
  'token.expired_by_admin',
  'mcp.accepted',
  'mcp.refused',
  'user.added',
  'user.disabled',
  'user.enabled',
  'user.deleted',
  'settings.changed',
  'backup.created',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type EventOutcome = 'success' | 'failure' | 'info';

export interface ActivityEvent {
  id: number;
  at: number;
  type: EventType;
  clientId: string | null;
  clientName: string | null;
  accountId: string | null;
  username: string | null;
  outcome: EventOutcome;
  /** One line for people. */
  summary: string;
  /** The OAuth error code sent to the client, when it failed. */
  error: string | null;
  /** The internal reason (never sent to the client). */
  reason: string | null;
  /** Structured facts (redirect URI, scopes, token fingerprints...); never a secret. */
  data: Record<string, unknown>;
}

export interface EventFilter {
  clientId?: string;
  username?: string;
  /** A full type (token.issued) or a family (token). */
  type?: string;
  outcome?: EventOutcome;
  /** Paging backwards: events older than this id. */
  beforeId?: number;
  /** Events newer than this id. */
  afterId?: number;
  limit?: number;
}
