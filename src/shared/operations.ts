import type { Result } from './dto';
import type { ActivityEvent } from './events';
import type { Input, Output } from './contract';

/**
 * The runtime list of admin operations. Kept apart from the schemas so the
 * preload (which must stay tiny) can walk it without bundling zod.
 */
export const OPERATION_NAMES = [
  'getServerStatus',
  'restartServer',
  'listClients',
  'getClient',
  'createClient',
  'updateClient',
  'rotateClientSecret',
  'setClientDisabled',
  'deleteClient',
  'listConsents',
  'revokeConsent',
  'revokeAllConsents',
  'listUsers',
  'addUser',
  'setUserDisabled',
  'deleteUser',
  'listEvents',
  'exportEvents',
  'getProtocolReport',
  'setClientTokenLifetimes',
  'expireClientTokens',
  'listClientTokens',
  'inspectToken',
  'getRegistrationSettings',
  'updateRegistrationSettings',
  'listApprovals',
  'decideApproval',
  'refreshMetadataDocument',
  'listDormantClients',
  'removeDormantClients',
  'createBackup',
  'listBackups',
  'restoreBackup',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

export function isOperationName(value: string): value is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(value);
}

/** The IPC channel of an operation. */
export const ipcChannel = (name: OperationName) => `admin:${name}`;

/** What the renderer calls: one function per operation, never throwing, always a Result. */
export type AdminApi = { [Op in OperationName]: (input: Input<Op>) => Promise<Result<Output<Op>>> };

/** The IPC channel on which the desktop app pushes activity events to the window. */
export const ACTIVITY_CHANNEL = 'admin:activity';

/** Live activity: the one subscription beside the operations (IPC push or a server-sent event stream). */
export interface ActivitySubscription {
  subscribeActivity(listener: (event: ActivityEvent) => void): () => void;
}
