import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test, expect, _electron as electron } from '@playwright/test';

/**
 * The desktop app itself, launched with Playwright's Electron support. Needs
 * Electron's binary (`npm start` downloads it on first start); on machines
 * without it (like the build machine, which cannot download it) the test is
 * skipped and says why.
 */

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');
const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8')) : undefined;
const reason = 'Electron binary not installed (run `npm start` once on a machine that can download it)';

if (!binary || !existsSync(binary)) console.log(`Skipping the desktop app test: ${reason}.`);

test('opens, lists clients and keeps the window hardened', async () => {
  test.skip(!binary || !existsSync(binary), reason);
  const dataDir = mkdtempSync(join(tmpdir(), 'mad-electron-'));
  const app = await electron.launch({ args: ['.'], env: { ...process.env, XDG_CONFIG_HOME: dataDir } });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      const [w] = BrowserWindow.getAllWindows();
      // getLastWebPreferences() is in Electron's API but missing from some of its type definitions.
      return (w!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> }).getLastWebPreferences();
    });
    expect(preferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    await window.screenshot({ path: 'test-results/screenshots/desktop-app.png' });
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
