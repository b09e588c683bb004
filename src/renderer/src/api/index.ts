import type { AdminApi } from '../../../shared/operations';
import { createHttpApi } from './http-api';
import { getAdminToken } from './token';

/** Desktop: the preload's IPC bridge. Browser: the HTTP bridge with the admin token. */
export const api: AdminApi = window.api ?? createHttpApi(getAdminToken);

export const isBrowserMode = window.api === undefined;

export { captureAdminToken, getAdminToken } from './token';
