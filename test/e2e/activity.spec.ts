import { test, expect, type Page } from '@playwright/test';
import { startServe, type ServeProcess } from './serve-process';
import { codeFor, exchangeCode, postForm, registerPublicClient } from '../helpers/oauth';
import { wholePageShot as shot } from './screenshots';

/**
 * The Activity page watched while real OAuth traffic runs against `npm run
 * serve`: rows appear live (no reload), failures show the OAuth error and the
 * reason, the filters narrow the list, and a client's protocol report judges
 * what it did.
 */

test.describe.configure({ mode: 'serial' });

let serve: ServeProcess;
let admin: Page;
const clients = { good: '', pkce: '', reuse: '' };

test.beforeAll(async ({ browser }) => {
  serve = await startServe();
  admin = await (await browser.newContext()).newPage();
});

test.afterAll(async () => {
  await serve?.stop();
});

const nav = (name: string) => admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const activityTable = () => admin.getByRole('table', { name: 'Activity' });
/** The event row of a type (its badge) for a client (its link), newest first. */
const eventRow = (type: string, clientName: string) =>
  activityTable()
    .getByRole('row')
    .filter({ has: admin.getByText(type, { exact: true }) })
    .filter({ has: admin.getByRole('link', { name: clientName, exact: true }) });

async function registerNamed(name: string): Promise<string> {
  return (await registerPublicClient(serve.issuer, { client_name: name })).client_id;
}

test('the Activity page is open and live', async () => {
  await admin.goto(serve.adminUrl);
  await nav('Activity').click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Activity' })).toBeVisible();
  // Traffic starts only once the stream is connected, so nothing falls between the first page and the stream.
  await expect(admin.getByRole('status').filter({ hasText: 'Live' })).toBeVisible();
});

test('OAuth traffic appears live, failures with their error and reason', async () => {
  const user = serve.firstRunUsername;
  expect(user).not.toBe('');

  // A successful code flow.
  clients.good = await registerNamed('Good client');
  const good = await codeFor(serve.issuer, user, { clientId: clients.good });
  const goodTokens = await exchangeCode(serve.issuer, clients.good, good.code, good.verifier);
  expect(goodTokens.status).toBe(200);

  // A wrong PKCE verifier.
  clients.pkce = await registerNamed('PKCE mistake client');
  const pkce = await codeFor(serve.issuer, user, { clientId: clients.pkce });
  const wrong = await exchangeCode(serve.issuer, clients.pkce, pkce.code, 'x'.repeat(43));
  expect(wrong.body.error).toBe('invalid_grant');

  // A refresh token used twice.
  clients.reuse = await registerNamed('Reusing client');
  const reuse = await codeFor(serve.issuer, user, { clientId: clients.reuse });
  const tokens = await exchangeCode(serve.issuer, clients.reuse, reuse.code, reuse.verifier);
  const first = tokens.body.refresh_token as string;
  const token = `${serve.issuer}/token`;
  expect((await postForm(token, { grant_type: 'refresh_token', client_id: clients.reuse, refresh_token: first })).status).toBe(200);
  const replay = await postForm(token, { grant_type: 'refresh_token', client_id: clients.reuse, refresh_token: first });
  expect(replay.body.error).toBe('invalid_grant');

  // The page was never reloaded: the rows arrived over the live stream.
  await expect(eventRow('token.issued', 'Good client')).toHaveCount(1);
  const failed = eventRow('token.request_failed', 'PKCE mistake client');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('invalid_grant');
  await expect(failed).toContainText(/code_verifier/);
  const reused = eventRow('token.refresh_reuse', 'Reusing client');
  await expect(reused).toHaveCount(1);
  await expect(reused).toContainText('invalid_grant');
  await expect(eventRow('token.refreshed', 'Reusing client')).toHaveCount(1);

  // The details of the failure: the error sent to the client and the reason kept on the server.
  await failed.getByRole('button', { name: /^Details of event/ }).click();
  await expect(activityTable().getByText('Error sent to the client')).toBeVisible();
  await expect(activityTable().getByText('Reason (server side)')).toBeVisible();
  await shot(admin, 'activity');
});

test('the Outcome filter shows only failures; the Client filter narrows to one client', async () => {
  await admin.getByRole('radio', { name: 'Failure' }).check();
  await expect(eventRow('token.issued', 'Good client')).toHaveCount(0);
  await expect(eventRow('token.request_failed', 'PKCE mistake client')).toHaveCount(1);
  await expect(eventRow('token.refresh_reuse', 'Reusing client')).toHaveCount(1);
  // Every event shown is a failure.
  await expect(activityTable().getByTitle('Outcome: failure').first()).toBeVisible();
  await expect(activityTable().getByTitle('Outcome: success')).toHaveCount(0);
  await expect(activityTable().getByTitle('Outcome: info')).toHaveCount(0);

  // The Client filter (the client registered while the page was open is offered).
  await admin.getByRole('combobox', { name: 'Client', exact: true }).click();
  await admin.getByRole('option', { name: `Reusing client · ${clients.reuse.slice(0, 8)}` }).click();
  await expect(eventRow('token.refresh_reuse', 'Reusing client')).toHaveCount(1);
  await expect(activityTable().getByRole('link', { name: 'PKCE mistake client', exact: true })).toHaveCount(0);
  await shot(admin, 'activity-filtered');

  // All outcomes of that one client: its whole flow, and no one else's.
  await admin.getByRole('radio', { name: 'All' }).check();
  await expect(eventRow('token.issued', 'Reusing client')).toHaveCount(1);
  await expect(eventRow('token.refreshed', 'Reusing client')).toHaveCount(1);
  const links = activityTable().getByRole('link');
  expect(await links.count()).toBeGreaterThan(3);
  for (const name of await links.allTextContents()) expect(name).toBe('Reusing client');
});

test("the reusing client's protocol report: PKCE passes, refresh-token reuse fails", async () => {
  await eventRow('token.refresh_reuse', 'Reusing client').getByRole('link', { name: 'Reusing client', exact: true }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Reusing client' })).toBeVisible();
  await admin.getByRole('tab', { name: 'Protocol report' }).click();
  const report = admin.getByRole('table', { name: 'Protocol report' });
  const rule = (title: string) => report.getByRole('row').filter({ hasText: title });
  await expect(rule('Uses PKCE with S256')).toContainText('Pass');
  await expect(rule('Refreshes with the newest refresh token')).toContainText('Fail');
  await expect(rule('Refreshes with the newest refresh token').getByText('Fail', { exact: true })).toBeVisible();
  await expect(rule('Uses PKCE with S256').getByText('Pass', { exact: true })).toBeVisible();
  await shot(admin, 'protocol-report');
});
