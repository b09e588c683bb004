import type { AdminApi } from '../../../shared/operations';
import { createHttpActivitySource, createIpcActivitySource, type ActivitySource } from './activity-stream';
import { createHttpApi } from './http-api';
import { getAdminToken } from './token';

/** Desktop: the preload's IPC bridge. Browser: the HTTP bridge with the admin token. */
export const api: AdminApi = window.api ?? createHttpApi(getAdminToken);

export const isBrowserMode = window.api === undefined;

/** Live activity, whichever the transport: IPC push (desktop) or a server-sent event stream (browser). */
const activity: ActivitySource = window.api
  ? createIpcActivitySource((listener) => window.api!.subscribeActivity(listener))
  : createHttpActivitySource(getAdminToken);

export const subscribeActivity = activity.subscribeActivity;
export const subscribeStreamState = activity.subscribeStreamState;
export type { StreamState } from './activity-stream';

export { captureAdminToken, getAdminToken } from './token';
