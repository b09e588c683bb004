/**
 * What admin operations return. Plain JSON (numbers for times, epoch ms), so the
 * same values cross Electron IPC and the HTTP bridge unchanged.
 */

export type RegistrationType = 'dynamic' | 'manual' | 'metadata_document';
export type ClientFlow = 'authorization_code' | 'client_credentials';

export interface ClientSummary {
  clientId: string;
  name: string | null;
  registrationType: RegistrationType;
  flow: ClientFlow;
  /** true when the client has no secret (token_endpoint_auth_method none). */
  isPublic: boolean;
  redirectUris: string[];
  disabled: boolean;
  createdAt: number;
  /** Last time an access token was issued to the client; null if never. */
  lastUsedAt: number | null;
  /** Live (unexpired, unconsumed) access and refresh tokens. */
  activeTokens: number;
  /** Users with a live consent for this client. */
  consentCount: number;
  /** Metadata-document clients: when this server last fetched the document. */
  documentFetchedAt: number | null;
}

export interface ClientDetail extends ClientSummary {
  grantTypes: string[];
  /** Testing override of the access-token lifetime; null: the server default. */
  accessTokenTtlSeconds: number | null;
  /** Testing override of the refresh-token (idle) lifetime; null: the server default. */
  refreshTokenTtlSeconds: number | null;
  tokenEndpointAuthMethod: string;
  /** null: every scope of the MCP resource. */
  allowedScopes: string[] | null;
  updatedAt: number;
  softwareId: string | null;
  softwareVersion: string | null;
  /** The registered metadata, secret removed. */
  metadata: Record<string, unknown>;
}

export interface ClientPage {
  clients: ClientSummary[];
  total: number;
}

/** Returned once, at creation and at each secret rotation. The secret is never shown again. */
export interface ClientCredentials {
  client: ClientDetail;
  clientSecret: string | null;
}

export interface Consent {
  grantId: string;
  clientId: string;
  clientName: string | null;
  userId: string;
  username: string;
  displayName: string;
  scopes: string[];
  grantedAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  activeTokens: number;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  hasPassword: boolean;
  disabled: boolean;
  createdAt: number;
  consentCount: number;
}

export interface ServerStatus {
  state: 'running' | 'stopped';
  issuer: string | null;
  mcpUrl: string | null;
  port: number | null;
  dataDir: string;
  databaseFile: string;
  startedAt: number | null;
  uptimeSeconds: number | null;
  version: string;
  /** Why the server is not running (for example the port is taken). */
  problem: string | null;
  /** A free port to offer when the configured one is taken (desktop app only). */
  suggestedPort: number | null;
  /** Headless test mode: sign-in and consent are granted as this user without pages. */
  autoApproveUser: string | null;
  /** Who is asking: the desktop window (ipc), a browser (http) or the CLI. */
  transport: 'ipc' | 'http' | 'cli';
  counts: { clients: number; users: number; consents: number };
  scopes: string[];
}

export type ErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable' | 'internal';

export interface AdminError {
  code: ErrorCode;
  message: string;
  /** For invalid_input: the field paths that failed, with their messages. */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AdminError };

export type TokenKind = 'AccessToken' | 'RefreshToken' | 'ClientCredentials' | 'AuthorizationCode' | 'RegistrationAccessToken';
export type TokenStatus = 'active' | 'expired' | 'consumed';

/** A token as the admin may see it: never its value, only a reference (the hash of the value) and what it carries. */
export interface TokenSummary {
  /** SHA-256 of the token value, hex. Identifies the token; cannot be used as one. */
  ref: string;
  /** The first 8 characters of `ref`, as shown in the activity log. */
  fingerprint: string;
  kind: TokenKind;
  clientId: string | null;
  username: string | null;
  scopes: string[];
  audience: string[];
  issuedAt: number;
  expiresAt: number | null;
  status: TokenStatus;
  grantId: string | null;
}

export interface TokenInspection extends TokenSummary {
  clientName: string | null;
  grantType: string | null;
  /** For refresh tokens: how many times the chain was rotated. */
  rotations: number | null;
  /** Tokens are opaque: their meaning is only in the server's records. */
  format: 'opaque';
  /** Only when found: what its presence in a request would mean. */
  note: string;
}

export type RuleStatus = 'pass' | 'warning' | 'fail' | 'not_observed';

export interface ProtocolRule {
  id: string;
  title: string;
  status: RuleStatus;
  /** What was observed, in plain language. */
  detail: string;
  specUrl: string;
  /** Ids of the events that support the verdict. */
  evidence: number[];
}

export interface ProtocolReport {
  clientId: string;
  generatedAt: number;
  eventsConsidered: number;
  rules: ProtocolRule[];
}

/** A database backup file. */
export interface BackupInfo {
  file: string;
  bytes: number;
  createdAt: number;
}
