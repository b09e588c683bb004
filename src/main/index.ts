import { app, BrowserWindow, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer } from './server/create-server';
import { DEFAULT_PORT } from './server/defaults';

/**
 * Electron entry: one instance, one server (the same composition as `npm run
 * serve`), one hardened window.
 */

let server: RunningServer | undefined;
const here = fileURLToPath(new URL('.', import.meta.url));

/** better-sqlite3 built for Electron's ABI by scripts/prepare-electron.mjs (node_modules keeps the Node build). */
function electronSqliteBinding(): string | undefined {
  const file = join(
    app.getAppPath(),
    '.electron-native',
    `better_sqlite3-electron-${process.versions.electron}-${process.platform}-${process.arch}.node`,
  );
  return existsSync(file) ? file : undefined;
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void window.loadFile(join(here, '../renderer/index.html'));
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.whenReady().then(async () => {
    server = await startServer({ dataDir: app.getPath('userData'), port: DEFAULT_PORT, nativeBinding: electronSqliteBinding() });
    createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    void server?.close();
  });
}
