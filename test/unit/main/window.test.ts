import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createMainWindow, isSafeExternalUrl, type WindowDeps } from '../../../src/main/window';

/**
 * SECURITY_CASES J.80–84: the main window is hardened. Stand-ins replace
 * BrowserWindow, its web contents and session, and shell; no Electron runs here.
 */

type WindowOpenHandler = (details: { url: string }) => { action: string };
type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details?: unknown) => boolean;

class FakeWebContents extends EventEmitter {
  windowOpenHandler: WindowOpenHandler | undefined;
  permissionRequestHandler: PermissionRequestHandler | undefined;
  permissionCheckHandler: PermissionCheckHandler | undefined;
  session = {
    setPermissionRequestHandler: (fn: PermissionRequestHandler) => {
      this.permissionRequestHandler = fn;
    },
    setPermissionCheckHandler: (fn: PermissionCheckHandler) => {
      this.permissionCheckHandler = fn;
    },
  };
  setWindowOpenHandler(fn: WindowOpenHandler): void {
    this.windowOpenHandler = fn;
  }
}

class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadedUrls: string[] = [];
  readonly show = vi.fn();
  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  async loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
  }
}

const PRELOAD = resolve('out', 'preload', 'index.cjs');
const APP_URL = pathToFileURL(resolve('out', 'renderer', 'index.html')).href;
const DEV_URL = 'http://localhost:5173/';

function openWindow(rendererUrl = APP_URL) {
  const shell = { openExternal: vi.fn(async (_url: string) => {}) };
  const deps = { BrowserWindow: FakeBrowserWindow, shell } as unknown as WindowDeps;
  const returned = createMainWindow(deps, { preloadPath: PRELOAD, rendererUrl }) as unknown as FakeBrowserWindow;
  const window = FakeBrowserWindow.instances.at(-1)!;
  const contents = window.webContents;
  /** Emits will-navigate with a fake event; returns whether the guard prevented it. */
  const navigate = (url: string) => {
    const event = { preventDefault: vi.fn() };
    contents.emit('will-navigate', event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { window, returned, contents, shell, navigate };
}

describe('web preferences (J.80)', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, web security, no webview, the given preload', () => {
    const { window } = openWindow();
    expect(window.options.webPreferences).toMatchObject({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('returns the window it created, loads the renderer URL and shows it only when ready', () => {
    const { window, returned } = openWindow(DEV_URL);
    expect(returned).toBe(window);
    expect(window.loadedUrls).toEqual([DEV_URL]);
    expect(window.options.show).toBe(false);
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalledTimes(1);
  });
});

describe('new windows (J.81)', () => {
  it.each(['https://example.com/docs', 'http://127.0.0.1:3000/', 'file:///etc/passwd', 'javascript:alert(1)', 'cursor://open', APP_URL])(
    'denies window.open(%s)',
    (url) => {
      const { contents } = openWindow();
      expect(contents.windowOpenHandler!({ url })).toEqual({ action: 'deny' });
    },
  );

  it.each(['https://example.com/docs', 'http://127.0.0.1:3000/'])('opens %s in the user\'s browser instead', (url) => {
    const { contents, shell } = openWindow();
    contents.windowOpenHandler!({ url });
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(url);
  });

  it.each(['file:///etc/passwd', 'javascript:alert(1)', 'cursor://open', 'vscode://x', 'data:text/html,hi'])(
    'does not hand %s to the shell',
    (url) => {
      const { contents, shell } = openWindow();
      contents.windowOpenHandler!({ url });
      expect(shell.openExternal).not.toHaveBeenCalled();
    },
  );
});

describe('navigation (J.82)', () => {
  it('blocks navigation to another site and opens it in the user\'s browser', () => {
    const { navigate, shell } = openWindow();
    expect(navigate('https://evil.example/phish')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://evil.example/phish');
  });

  it.each(['file:///etc/passwd', pathToFileURL(resolve('out', 'renderer', 'other.html')).href, 'javascript:alert(1)', 'cursor://x'])(
    'blocks navigation to %s without handing it to the shell',
    (url) => {
      const { navigate, shell } = openWindow();
      expect(navigate(url)).toBe(true);
      expect(shell.openExternal).not.toHaveBeenCalled();
    },
  );

  it('blocks another path on the dev server origin', () => {
    const { navigate } = openWindow(DEV_URL);
    expect(navigate('http://localhost:5173/other.html')).toBe(true);
  });

  it('blocks the same path on another dev server port', () => {
    const { navigate } = openWindow(DEV_URL);
    expect(navigate('http://localhost:5174/')).toBe(true);
  });

  it('allows an in-app hash route of the built page (same document)', () => {
    const { navigate, shell } = openWindow();
    expect(navigate(`${APP_URL}#/clients`)).toBe(false);
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('allows an in-app hash route on the dev server', () => {
    const { navigate } = openWindow(DEV_URL);
    expect(navigate('http://localhost:5173/#/users')).toBe(false);
  });

  it('prevents attaching a <webview>', () => {
    const { contents } = openWindow();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });
});

describe('permissions (J.83)', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])('refuses a %s permission request', (permission) => {
    const { contents } = openWindow();
    const callback = vi.fn();
    contents.permissionRequestHandler!(contents, permission, callback, {});
    expect(callback).toHaveBeenCalledExactlyOnceWith(false);
  });

  it.each(['media', 'geolocation', 'notifications'])('answers a %s permission check with false', (permission) => {
    const { contents } = openWindow();
    expect(contents.permissionCheckHandler!(contents, permission, 'file://', {})).toBe(false);
  });
});

describe('isSafeExternalUrl (J.84)', () => {
  it.each<[string, boolean]>([
    ['https://example.com/', true],
    ['http://example.com/', true],
    ['HTTPS://EXAMPLE.COM/', true],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['not a url', false],
    ['', false],
    ['cursor://x', false],
    ['smb://server/share', false],
  ])('%s → %s', (url, safe) => {
    expect(isSafeExternalUrl(url)).toBe(safe);
  });
});
