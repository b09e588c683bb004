import { fileURLToPath } from 'node:url';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { OPERATION_NAMES, ipcChannel } from '../../shared/operations';
import type { AdminService } from '../admin/service';

/**
 * Binds the admin service to Electron IPC: one handler per contract operation,
 * each checking who is calling before doing anything (Electron security
 * checklist item 17). Only electron types are imported here, so this runs in
 * unit tests with stand-ins for ipcMain and the sender frame.
 */

/** The renderer the app loads: its dev server URL, or the built index.html. */
export interface RendererLocation {
  devServerUrl?: string;
  indexFile: string;
}

type SenderFrame = { url: string; parent: unknown } | null | undefined;

/** True only for the app's own page, in the top frame (not an iframe, not another site). */
export function isTrustedSender(frame: SenderFrame, renderer: RendererLocation): boolean {
  if (!frame || frame.parent) return false;
  const url = URL.parse(frame.url);
  if (!url) return false;
  if (renderer.devServerUrl) {
    const dev = URL.parse(renderer.devServerUrl);
    return dev !== null && url.origin === dev.origin;
  }
  if (url.protocol !== 'file:') return false;
  try {
    return fileURLToPath(url) === renderer.indexFile;
  } catch {
    return false;
  }
}

export function registerAdminIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  service: AdminService,
  renderer: RendererLocation,
): () => void {
  for (const name of OPERATION_NAMES) {
    ipcMain.handle(ipcChannel(name), async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedSender(event.senderFrame, renderer)) {
        return { ok: false, error: { code: 'forbidden', message: 'this window may not call admin operations' } };
      }
      return service[name](input);
    });
  }
  return () => {
    for (const name of OPERATION_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}
