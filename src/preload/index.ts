import { contextBridge, ipcRenderer } from 'electron';
import { OPERATION_NAMES, ipcChannel } from '../shared/operations';

/**
 * `window.api`: one function per admin contract operation, each invoking its
 * own IPC channel. No generic invoke, no ipcRenderer, nothing else.
 */
const api = Object.fromEntries(
  OPERATION_NAMES.map((name) => [name, (input: unknown) => ipcRenderer.invoke(ipcChannel(name), input)]),
);

contextBridge.exposeInMainWorld('api', api);
