import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';

/** Debian's Chromium, never a downloaded one (this machine has no route to Playwright's CDN). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

export interface SignInOptions {
  username: string;
  password?: string;
  /** What to click on the consent page, if it appears. */
  decision?: 'Allow' | 'Deny';
}

export type FlowStep = 'sign-in' | 'consent';

/**
 * Drives the authorization pages as a person would: fills Username/Password and
 * clicks Sign in, then Allow (or Deny). Resolves with the steps that were shown.
 */
export async function completeAuthorization(page: Page, authorizationUrl: string | URL, options: SignInOptions): Promise<FlowStep[]> {
  const steps: FlowStep[] = [];
  await page.goto(String(authorizationUrl));
  for (let i = 0; i < 3; i++) {
    const heading = page.getByRole('heading', { level: 1 });
    const text = await heading.textContent({ timeout: 10_000 }).catch(() => null);
    if (text === 'Sign in') {
      steps.push('sign-in');
      await page.getByLabel('Username').fill(options.username);
      await page.getByLabel('Password').fill(options.password ?? '');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    } else if (text === 'Allow access?') {
      steps.push('consent');
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: options.decision ?? 'Allow' }).click()]);
    } else {
      break;
    }
  }
  return steps;
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext();
}
