import { notifications } from '@mantine/notifications';
import type { Result, ServerStatus } from '../../../shared/dto';
import type { Input } from '../../../shared/contract';
import { api } from '../api';
import { invalidateApprovals } from './useApprovals';
import { invalidateServerStatus } from './useServerStatus';

export interface MutationMessages<T> {
  /** The success notification (a text, or built from the value). */
  success: string | ((value: T) => string);
  /** The failure notification's title; its message is error.message from the Result. */
  failure: string;
}

/**
 * Runs a mutation and reports it: a green notification on success, a red one
 * with the error's message on failure. Returns the Result (for field errors etc.).
 */
export async function runMutation<T>(call: Promise<Result<T>>, messages: MutationMessages<T>): Promise<Result<T>> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (cause) {
    result = { ok: false, error: { code: 'internal', message: cause instanceof Error ? cause.message : String(cause) } };
  }
  if (result.ok) {
    const message = typeof messages.success === 'function' ? messages.success(result.value) : messages.success;
    notifications.show({ color: 'green', message });
  } else {
    notifications.show({ color: 'red', title: messages.failure, message: result.error.message, autoClose: 6000 });
  }
  return result;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export const createClient = (input: Input<'createClient'>) =>
  runMutation(api.createClient(input), {
    success: (v) => `Client “${v.client.name ?? v.client.clientId}” created.`,
    failure: 'Could not create the client',
  });

export const updateClient = (input: Input<'updateClient'>) =>
  runMutation(api.updateClient(input), { success: 'Client saved.', failure: 'Could not save the client' });

export const rotateClientSecret = (clientId: string) =>
  runMutation(api.rotateClientSecret({ clientId }), {
    success: 'Secret rotated: the old one no longer works.',
    failure: 'Could not rotate the secret',
  });

export const setClientDisabled = (clientId: string, disabled: boolean) =>
  runMutation(api.setClientDisabled({ clientId, disabled }), {
    success: disabled ? 'Client disabled.' : 'Client enabled.',
    failure: disabled ? 'Could not disable the client' : 'Could not enable the client',
  });

export const deleteClient = (clientId: string) =>
  runMutation(api.deleteClient({ clientId }), {
    success: (v) => `Client deleted (${plural(v.revokedConsents, 'consent')} and ${plural(v.revokedTokens, 'token')} revoked).`,
    failure: 'Could not delete the client',
  });

export const revokeConsent = (clientId: string, username: string) =>
  runMutation(api.revokeConsent({ clientId, username }), {
    success: (v) => `Access of ${username} revoked (${plural(v.revokedTokens, 'token')}).`,
    failure: 'Could not revoke the consent',
  });

export const revokeAllConsents = (clientId: string) =>
  runMutation(api.revokeAllConsents({ clientId }), {
    success: (v) => `${plural(v.revokedConsents, 'consent')} and ${plural(v.revokedTokens, 'token')} revoked.`,
    failure: 'Could not revoke the consents',
  });

export const addUser = (input: Input<'addUser'>) =>
  runMutation(api.addUser(input), { success: (u) => `User ${u.username} added.`, failure: 'Could not add the user' });

export const setUserDisabled = (username: string, disabled: boolean) =>
  runMutation(api.setUserDisabled({ username, disabled }), {
    success: disabled ? `${username} disabled: they cannot sign in and their tokens stop working.` : `${username} enabled.`,
    failure: disabled ? `Could not disable ${username}` : `Could not enable ${username}`,
  });

export const deleteUser = (username: string) =>
  runMutation(api.deleteUser({ username }), {
    success: (v) => `${username} deleted (${plural(v.revokedConsents, 'consent')} revoked).`,
    failure: `Could not delete ${username}`,
  });

export const setClientTokenLifetimes = (input: Input<'setClientTokenLifetimes'>) =>
  runMutation(api.setClientTokenLifetimes(input), { success: 'Token lifetimes saved: they apply to tokens issued from now on.', failure: 'Could not save the lifetimes' });

export const expireClientTokens = (clientId: string, includeRefreshTokens: boolean) =>
  runMutation(api.expireClientTokens({ clientId, includeRefreshTokens }), {
    success: (v) =>
      `${plural(v.expiredTokens, includeRefreshTokens ? 'token' : 'access token')} expired now: the client must ${includeRefreshTokens ? 'authorize again' : 'refresh'}.`,
    failure: 'Could not expire the tokens',
  });

/**
 * Desktop app: starts the server on another port. The call succeeds even when
 * the server still cannot start (the status says why), so that case is a failure too.
 */
export async function restartServer(port: number): Promise<Result<ServerStatus>> {
  let result: Result<ServerStatus>;
  try {
    result = await api.restartServer({ port });
  } catch (cause) {
    result = { ok: false, error: { code: 'internal', message: cause instanceof Error ? cause.message : String(cause) } };
  }
  if (result.ok && result.value.state === 'running') {
    notifications.show({ color: 'green', message: `The server is running on port ${result.value.port ?? port}.` });
  } else {
    const message = result.ok ? (result.value.problem ?? 'It did not start.') : result.error.message;
    notifications.show({ color: 'red', title: `Could not start on port ${port}`, message, autoClose: 8000 });
  }
  invalidateServerStatus();
  return result;
}

export const updateRegistrationSettings = (settings: Input<'updateRegistrationSettings'>) =>
  runMutation(api.updateRegistrationSettings(settings), {
    success: 'Registration settings saved: they apply to the next client that registers or signs in.',
    failure: 'Could not save the registration settings',
  });

export async function decideApproval(clientId: string, decision: 'approved' | 'blocked', label: string) {
  const result = await runMutation(api.decideApproval({ clientId, decision }), {
    success: decision === 'approved' ? `${label} approved: it can now ask users for access.` : `${label} blocked: its consents and tokens are revoked.`,
    failure: decision === 'approved' ? `Could not approve ${label}` : `Could not block ${label}`,
  });
  invalidateApprovals();
  return result;
}

export const refreshMetadataDocument = (clientId: string) =>
  runMutation(api.refreshMetadataDocument({ clientId }), {
    success: 'Metadata document fetched again.',
    failure: 'Could not refresh the metadata document',
  });

export const removeDormantClients = (days: number, clientIds: string[]) =>
  runMutation(api.removeDormantClients({ days, clientIds }), {
    success: (v) => `${plural(v.removed, 'dormant client')} removed.`,
    failure: 'Could not remove the dormant clients',
  });
