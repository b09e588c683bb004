import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';

/** Screenshots for people to look at (not compared by the tests); test-results/ is not committed. */
const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

// The navbar's height is in dvh, which headless Chromium does not grow with the window.
const NAVBAR_STYLE = '.mantine-AppShell-navbar { height: auto !important; bottom: 0 !important; }';

/** Lets transitions in progress (a modal fading in) end, so the picture shows what a person sees. */
function settled(page: Page) {
  return page.evaluate(() => Promise.all(document.getAnimations().map((animation) => animation.finished.catch(() => undefined))));
}

/** What the window shows (1280×800 by default). */
export async function viewportShot(page: Page, name: string) {
  await settled(page);
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** The whole page at once: the window is made as tall as the page (the app's header and navbar are fixed, so fullPage would misplace them). */
export async function wholePageShot(page: Page, name: string) {
  await settled(page);
  const size = page.viewportSize()!;
  await page.evaluate(() => window.scrollTo(0, 0));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.min(Math.max(height, size.height), 3000) });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, style: NAVBAR_STYLE });
  await page.setViewportSize(size);
}
