import { contextBridge, ipcRenderer } from 'electron';
import { ACTIVITY_CHANNEL, OPERATION_NAMES, ipcChannel } from '../shared/operations';

/**
 * `window.api`: one function per admin contract operation, each invoking its
 * own IPC channel, plus the live activity subscription. No generic invoke, no
 * ipcRenderer, nothing else.
 */
const api: Record<string, unknown> = Object.fromEntries(
  OPERATION_NAMES.map((name) => [name, (input: unknown) => ipcRenderer.invoke(ipcChannel(name), input)]),
);

api.subscribeActivity = (listener: (event: unknown) => void) => {
  const handler = (_event: unknown, activity: unknown) => listener(activity);
  ipcRenderer.on(ACTIVITY_CHANNEL, handler);
  return () => ipcRenderer.removeListener(ACTIVITY_CHANNEL, handler);
};

contextBridge.exposeInMainWorld('api', api);
