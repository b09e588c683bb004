import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { startServe, type ServeProcess } from './serve-process';
import { wholePageShot as shot } from './screenshots';

/**
 * The Server page's backups: "Back up now" makes an online backup that is
 * listed at once, and restoring one stages it for the next start.
 */


let serve: ServeProcess;
test.beforeAll(async () => {
  serve = await startServe();
});
test.afterAll(async () => {
  await serve?.stop();
});

test('back up now, then stage a restore from the list', async ({ page }) => {
  await page.goto(serve.adminUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Server', exact: true }).click();
  await expect(page.getByText('No backups yet.')).toBeVisible();

  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByText(/^Backed up to /).last()).toBeVisible();
  const table = page.getByRole('table', { name: 'Backups' });
  await expect(table.getByRole('row')).toHaveCount(2);
  const files = readdirSync(join(serve.dataDir, 'backups'));
  expect(files).toHaveLength(1);
  await expect(table).toContainText(files[0]!);
  await shot(page, 'server-backups');

  await table.getByRole('button', { name: `Restore ${files[0]}` }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore this backup?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Restore at next start' }).click();
  await expect(dialog).toBeHidden();
  expect(existsSync(join(serve.dataDir, 'mcp-auth-desk.sqlite.restore'))).toBe(true);
});
