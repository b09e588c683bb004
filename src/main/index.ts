import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron';
import { existsSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createAdminService, type ServerState } from './admin/service';
import { registerAdminIpc } from './ipc/admin-ipc';
import { startServer, type RunningServer } from './server/create-server';
import { BIND_HOST, DEFAULT_PORT, SERVER_VERSION } from './server/defaults';
import { DATABASE_FILE_NAME, openDatabase } from './store/database';
import { ensureDataDir } from './store/data-dir';
import { StartupError } from './store/errors';
import { EventLog } from './store/events';
import { ACTIVITY_CHANNEL } from '../shared/operations';
import type { ActivityEvent } from '../shared/events';
import { createMainWindow } from './window';

/**
 * Electron entry: one instance, one server (the same composition as `npm run
 * serve`), one hardened window, and the admin service over IPC. If the port is
 * taken, the window still opens, says so, and offers a free port.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererIndex = join(here, '../renderer/index.html');
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

let server: RunningServer | undefined;
let problem: string | null = null;
let suggestedPort: number | null = null;
let attemptedPort: number | null = null;
let onServerStarted: ((running: RunningServer) => void) | undefined;

/** better-sqlite3 built for Electron's ABI by scripts/prepare-electron.mjs (node_modules keeps the Node build). */
function electronSqliteBinding(): string | undefined {
  const file = join(
    app.getAppPath(),
    '.electron-native',
    `better_sqlite3-electron-${process.versions.electron}-${process.platform}-${process.arch}.node`,
  );
  return existsSync(file) ? file : undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createNetServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, BIND_HOST, () => probe.close(() => resolve(true)));
  });
}

async function findFreePort(from: number): Promise<number | null> {
  for (let port = from; port < from + 50 && port <= 65535; port++) if (await portIsFree(port)) return port;
  return null;
}

async function start(dataDir: string, port?: number): Promise<void> {
  attemptedPort = port ?? null;
  try {
    server = await startServer({ dataDir, port, rememberPort: port !== undefined, nativeBinding: electronSqliteBinding() });
    onServerStarted?.(server);
    problem = null;
    suggestedPort = null;
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    server = undefined;
    problem = error.message;
    suggestedPort = /already in use/.test(error.message) ? await findFreePort((port ?? DEFAULT_PORT) + 1) : null;
  }
}

function serverState(dataDir: string): ServerState {
  const databaseFile = join(dataDir, DATABASE_FILE_NAME);
  if (!server) {
    return {
      state: 'stopped',
      issuer: null,
      mcpUrl: null,
      port: attemptedPort,
      dataDir,
      databaseFile,
      startedAt: null,
      uptimeSeconds: null,
      version: SERVER_VERSION,
      problem,
      suggestedPort,
    };
  }
  return server.status();
}

async function main(): Promise<void> {
  const dataDir = app.getPath('userData');
  ensureDataDir(dataDir);
  await start(dataDir);
  // The admin service has its own connection: it works (and shows the problem) even when the server could not start.
  const db = openDatabase(join(dataDir, DATABASE_FILE_NAME), { nativeBinding: electronSqliteBinding() });
  const adminEvents = new EventLog(db);
  const service = createAdminService({
    db,
    events: adminEvents,
    transport: 'ipc',
    serverState: () => serverState(dataDir),
    refreshMetadataDocument: async (clientId) => {
      if (!server) throw new Error('the server is not running');
      await server.refreshMetadataDocument(clientId);
    },
    restartServer: async (port) => {
      await server?.close();
      server = undefined;
      await start(dataDir, port);
    },
    onError: (error, operation) => console.error(`admin operation ${operation} failed:`, error),
  });
  registerAdminIpc(ipcMain, service, { devServerUrl, indexFile: rendererIndex });
  // Live activity to the window: the server's events (OAuth, MCP, pages) and the admin's own.
  const push = (event: ActivityEvent) => {
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(ACTIVITY_CHANNEL, event);
  };
  adminEvents.subscribe(push);
  let unsubscribeServer = server?.events.subscribe(push);
  onServerStarted = (running) => {
    unsubscribeServer?.();
    unsubscribeServer = running.events.subscribe(push);
  };
  createMainWindow(
    { BrowserWindow, shell },
    {
      preloadPath: join(here, '../preload/index.cjs'),
      rendererUrl: devServerUrl ?? pathToFileURL(rendererIndex).href,
    },
  );
  app.on('before-quit', () => {
    void server?.close();
    db.close();
  });
}

if (!app.requestSingleInstanceLock()) {
  // A second launch only focuses the first: one server, one database writer.
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(main).catch((error: unknown) => {
    dialog.showErrorBox('MCP Auth Desk could not start', error instanceof Error ? error.message : String(error));
    app.quit();
  });
}
