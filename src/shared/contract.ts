import { z } from 'zod';
import type {
  BackupInfo,
  ClientCredentials,
  ClientDetail,
  ClientPage,
  Consent,
  ProtocolReport,
  ServerStatus,
  TokenInspection,
  TokenSummary,
  User,
} from './dto';
import type { ActivityEvent } from './events';
import type { ClientApproval, DormantClient, RegistrationSettings } from './registration';
import type { OperationName } from './operations';

/**
 * The admin contract: every operation the admin UI and the CLI can ask for,
 * declared once with its input schema and output type. Main validates every
 * input against these schemas at the boundary (IPC handler, HTTP bridge, CLI);
 * the renderer imports only the types.
 */

const clientId = z.string().trim().min(1, 'client_id is required').max(512);
const username = z
  .string()
  .trim()
  .min(1, 'username is required')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9._@+-]+$/, 'letters, digits and . _ @ + - only');
const scopeList = z.array(z.string().min(1)).max(32);
const redirectUris = z.array(z.string().trim()).max(20, 'at most 20 redirect URIs');
const domainList = z
  .array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+$/, 'a domain name such as example.com').max(253))
  .max(200);
const eventFilter = {
  clientId: clientId.optional(),
  username: z.string().trim().max(64).optional(),
  type: z.string().trim().regex(/^[a-z_.]+$/, 'an event type such as token.issued, or a family such as token').max(64).optional(),
  outcome: z.enum(['success', 'failure', 'info']).optional(),
};

export const inputSchemas = {
  getServerStatus: z.strictObject({}),
  restartServer: z.strictObject({ port: z.number().int().min(1024, 'use a port from 1024 to 65535').max(65535) }),
  listClients: z.strictObject({
    search: z.string().trim().max(200).optional(),
    registrationType: z.enum(['all', 'dynamic', 'manual', 'metadata_document']).optional(),
    limit: z.number().int().min(1).max(500).optional(),
    offset: z.number().int().min(0).optional(),
  }),
  getClient: z.strictObject({ clientId }),
  createClient: z.strictObject({
    name: z.string().trim().min(1, 'a name is required').max(200),
    redirectUris: redirectUris.optional(),
    isPublic: z.boolean().optional(),
    allowedScopes: scopeList.nullable().optional(),
  }),
  updateClient: z.strictObject({
    clientId,
    name: z.string().trim().min(1, 'a name is required').max(200).optional(),
    redirectUris: redirectUris.optional(),
    allowedScopes: scopeList.nullable().optional(),
  }),
  rotateClientSecret: z.strictObject({ clientId }),
  setClientDisabled: z.strictObject({ clientId, disabled: z.boolean() }),
  deleteClient: z.strictObject({ clientId }),
  listConsents: z.strictObject({ clientId: clientId.optional(), username: username.optional() }),
  revokeConsent: z.strictObject({ clientId, username }),
  revokeAllConsents: z.strictObject({ clientId }),
  listUsers: z.strictObject({}),
  addUser: z.strictObject({
    username,
    displayName: z.string().trim().max(200).optional(),
    password: z.string().min(8, 'at least 8 characters').max(1024).optional(),
  }),
  setUserDisabled: z.strictObject({ username, disabled: z.boolean() }),
  deleteUser: z.strictObject({ username }),
  listEvents: z.strictObject({ ...eventFilter, beforeId: z.number().int().positive().optional(), afterId: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() }),
  exportEvents: z.strictObject(eventFilter),
  getProtocolReport: z.strictObject({ clientId }),
  setClientTokenLifetimes: z.strictObject({
    clientId,
    accessTokenTtlSeconds: z.number().int().min(10, 'at least 10 seconds').max(86_400, 'at most one day').nullable(),
    refreshTokenTtlSeconds: z.number().int().min(30, 'at least 30 seconds').max(90 * 86_400, 'at most 90 days').nullable(),
  }),
  expireClientTokens: z.strictObject({ clientId, includeRefreshTokens: z.boolean().optional() }),
  listClientTokens: z.strictObject({ clientId }),
  inspectToken: z.union([
    z.strictObject({ token: z.string().trim().min(1, 'paste a token').max(4096) }),
    z.strictObject({ ref: z.string().regex(/^(?:[0-9a-f]{12})?[0-9a-f]{64}$/, 'a token reference is 64 or 76 hex characters') }),
  ]),
  getRegistrationSettings: z.strictObject({}),
  updateRegistrationSettings: z.strictObject({
    metadataDocuments: z.strictObject({
      enabled: z.boolean(),
      trust: z.enum(['any', 'listed', 'approval']),
      allowedDomains: domainList,
      blockedDomains: domainList,
      privateHostsAllowed: z.array(z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/, 'a host name, optionally with :port')).max(50),
    }),
    dynamicRegistration: z.strictObject({
      enabled: z.boolean(),
      redirectRule: z.enum(['any', 'loopback', 'loopback_private_use', 'loopback_private_use_listed_https']),
      allowedHttpsHosts: domainList,
      maxClients: z.number().int().min(1).max(1_000_000).nullable(),
      perMinute: z.number().int().min(1).max(100_000).nullable(),
    }),
  }),
  listApprovals: z.strictObject({ decision: z.enum(['pending', 'approved', 'blocked']).optional() }),
  decideApproval: z.strictObject({ clientId, decision: z.enum(['approved', 'blocked']) }),
  refreshMetadataDocument: z.strictObject({ clientId }),
  listDormantClients: z.strictObject({ days: z.number().int().min(1).max(3650) }),
  removeDormantClients: z.strictObject({ days: z.number().int().min(1).max(3650), clientIds: z.array(clientId).max(10_000).optional() }),
  createBackup: z.strictObject({ file: z.string().trim().min(1).max(4096).optional() }),
  listBackups: z.strictObject({}),
  restoreBackup: z.strictObject({ file: z.string().trim().min(1, 'choose a backup file').max(4096) }),
} satisfies Record<OperationName, z.ZodType>;

export type Input<Op extends OperationName> = z.input<(typeof inputSchemas)[Op]>;
export type ParsedInput<Op extends OperationName> = z.output<(typeof inputSchemas)[Op]>;

export interface Outputs {
  getServerStatus: ServerStatus;
  restartServer: ServerStatus;
  listClients: ClientPage;
  getClient: ClientDetail;
  createClient: ClientCredentials;
  updateClient: ClientDetail;
  rotateClientSecret: ClientCredentials;
  setClientDisabled: ClientDetail;
  deleteClient: { deleted: true; revokedConsents: number; revokedTokens: number };
  listConsents: Consent[];
  revokeConsent: { revokedTokens: number };
  revokeAllConsents: { revokedConsents: number; revokedTokens: number };
  listUsers: User[];
  addUser: User;
  setUserDisabled: User;
  deleteUser: { deleted: true; revokedConsents: number };
  listEvents: ActivityEvent[];
  exportEvents: { jsonl: string; count: number };
  getProtocolReport: ProtocolReport;
  setClientTokenLifetimes: ClientDetail;
  expireClientTokens: { expiredTokens: number };
  listClientTokens: TokenSummary[];
  inspectToken: TokenInspection;
  getRegistrationSettings: RegistrationSettings;
  updateRegistrationSettings: RegistrationSettings;
  listApprovals: ClientApproval[];
  decideApproval: ClientApproval;
  refreshMetadataDocument: ClientDetail;
  listDormantClients: DormantClient[];
  removeDormantClients: { removed: number };
  createBackup: BackupInfo;
  listBackups: BackupInfo[];
  restoreBackup: { staged: string; message: string };
}

export type Output<Op extends OperationName> = Outputs[Op];
