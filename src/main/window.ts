import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, Shell, WebContents } from 'electron';

/**
 * The main window, hardened (Electron security checklist): context isolation,
 * sandbox, no Node integration, web security on, every permission denied,
 * navigation away from the app blocked, new windows denied (http(s) links open
 * in the user's browser). Electron objects come in as arguments so unit tests
 * can pass stand-ins.
 */

export function webPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** Only http(s) URLs may leave the app, and only to the user's browser. */
export function isSafeExternalUrl(url: string): boolean {
  const parsed = URL.parse(url);
  return parsed !== null && (parsed.protocol === 'https:' || parsed.protocol === 'http:');
}

export interface WindowDeps {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  shell: Pick<Shell, 'openExternal'>;
}

export interface WindowOptions {
  preloadPath: string;
  /** The page to load: the dev server URL, or a file:// URL of the built index.html. */
  rendererUrl: string;
}

/** Wires the navigation and permission guards onto a window's web contents. */
export function guardWebContents(contents: WebContents, deps: Pick<WindowDeps, 'shell'>, appUrl: string): void {
  const appOrigin = URL.parse(appUrl)?.origin;
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void deps.shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    const target = URL.parse(url);
    // In-app hash routes keep the same document; anything else is refused.
    const sameDocument = target !== null && target.origin === appOrigin && target.pathname === URL.parse(appUrl)?.pathname;
    if (!sameDocument) {
      event.preventDefault();
      if (isSafeExternalUrl(url)) void deps.shell.openExternal(url);
    }
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

export function createMainWindow(deps: WindowDeps, options: WindowOptions): BrowserWindowType {
  const window = new deps.BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'MCP Auth Desk',
    webPreferences: webPreferences(options.preloadPath),
  });
  guardWebContents(window.webContents, deps, options.rendererUrl);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.rendererUrl);
  return window;
}
