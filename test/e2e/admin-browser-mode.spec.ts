import { createHash } from 'node:crypto';
import { test, expect, type Browser, type Page } from '@playwright/test';
import * as oidc from 'openid-client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { startServe, type ServeProcess } from './serve-process';
import { MemoryOAuthClientProvider } from '../helpers/oauth-client-provider';
import { CallbackListener } from '../helpers/callback-listener';
import { viewportShot as shot } from './screenshots';

/**
 * The admin app in browser mode, used as a new user would: `npm run serve`,
 * open the printed admin link, create clients, watch real clients use them,
 * revoke a user's access. Screenshots of every page go to test-results/screenshots.
 */

test.describe.configure({ mode: 'serial' });


let serve: ServeProcess;
let callbacks: CallbackListener;
let admin: Page;
let machine: { clientId: string; secret: string };

test.beforeAll(async ({ browser }) => {
  serve = await startServe();
  callbacks = await new CallbackListener().start();
  admin = await (await browser.newContext()).newPage();
});

test.afterAll(async () => {
  await callbacks?.close();
  await serve?.stop();
});

async function whoami(accessToken: string): Promise<number> {
  const response = await fetch(serve.mcpUrl, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
  });
  return response.status;
}

async function clientCredentials(clientId: string, secret: string) {
  const config = await oidc.discovery(new URL(serve.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
  return oidc.clientCredentialsGrant(config, { resource: serve.mcpUrl });
}

/** A link of the app's main navigation. */
const nav = (name: string) => admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

async function openClient(name: string) {
  await nav('Clients').click();
  await admin.getByRole('link', { name, exact: true }).click();
  await expect(admin.getByRole('heading', { level: 1, name })).toBeVisible();
}

/** An MCP SDK client connects; alice signs in and allows in her own browser; returns the client's provider. */
async function sdkClientAsAlice(browser: Browser, alicePage?: Page) {
  const provider = new MemoryOAuthClientProvider(callbacks.url());
  await new Client({ name: 'e2e', version: '1' })
    .connect(new StreamableHTTPClientTransport(new URL(serve.mcpUrl), { authProvider: provider as never }))
    .catch((error: unknown) => {
      if (!(error instanceof UnauthorizedError)) throw error;
    });
  const page = alicePage ?? (await (await browser.newContext()).newPage());
  const callback = callbacks.next();
  await page.goto(provider.authorizationUrl!.href);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill('alice-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Allow access?' })).toBeVisible();
  await page.getByRole('button', { name: 'Allow' }).click();
  const code = (await callback).searchParams.get('code')!;
  await new StreamableHTTPClientTransport(new URL(serve.mcpUrl), { authProvider: provider as never }).finishAuth(code);
  return { provider, page };
}

test('the admin link opens the clients page; an empty list explains how clients arrive', async () => {
  await admin.goto(serve.adminUrl);
  await expect(admin.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  await expect(admin.getByText('No clients yet')).toBeVisible();
  await expect(admin.getByText(serve.mcpUrl).first()).toBeVisible();
  // The admin token leaves the address bar once read.
  expect(admin.url()).not.toContain('token=');
  await shot(admin, 'clients-empty');
});

test('a client-credentials client: its secret is shown once, it gets a token, and the list shows it was used', async () => {
  await admin.getByRole('button', { name: 'Create client' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Create client' });
  await dialog.getByLabel('Name').fill('Nightly job');
  await shot(admin, 'create-client');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await expect(dialog.getByText('Client created')).toBeVisible();
  await expect(dialog.getByText(/will not be shown again/)).toBeVisible();
  machine = {
    clientId: await dialog.getByLabel('Client ID').inputValue(),
    secret: await dialog.getByLabel('Client secret').inputValue(),
  };
  expect(machine.secret.length).toBeGreaterThanOrEqual(40);
  await shot(admin, 'client-created');
  await dialog.getByRole('button', { name: 'Done' }).click();

  const token = await clientCredentials(machine.clientId, machine.secret);
  expect(await whoami(token.access_token)).toBe(200);

  await admin.reload();
  const row = admin.getByRole('row', { name: /Nightly job/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Manual');
  await expect(row).not.toContainText('Never');
  await shot(admin, 'clients-list');

  // The secret is not shown anywhere again.
  await openClient('Nightly job');
  await expect(admin.getByText(machine.clientId).first()).toBeVisible();
  expect(await admin.content()).not.toContain(machine.secret);
  await shot(admin, 'client-overview');

  // Its token in the Tokens tab, inspected by its reference (76 hex characters since tokens carry their issue time).
  await admin.getByRole('tab', { name: 'Tokens' }).click();
  const fingerprint = createHash('sha256').update(token.access_token).digest('hex').slice(0, 8);
  await admin.getByRole('button', { name: `Inspect token ${fingerprint}` }).click();
  const drawer = admin.getByRole('dialog', { name: `Token inspector: ${fingerprint}` });
  await expect(drawer.getByText('Client credentials · Active')).toBeVisible();
  await expect(drawer.getByText(machine.clientId)).toBeVisible();
  await expect(drawer.getByText('client_credentials', { exact: true })).toBeVisible();
  expect(await admin.content()).not.toContain(token.access_token);
  await shot(admin, 'token-inspector');
  await admin.keyboard.press('Escape');
});

test('alice consents to an MCP SDK client; revoking her consent cuts its tokens and asks her again', async ({ browser }) => {
  await nav('Users').click();
  await admin.getByRole('button', { name: 'Add user' }).click();
  const add = admin.getByRole('dialog', { name: 'Add user' });
  await add.getByLabel('Username').fill('alice');
  await add.getByLabel('Display name').fill('Alice Example');
  await add.getByLabel('Password').fill('alice-password-1');
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(admin.getByRole('row', { name: /alice/ })).toBeVisible();
  await shot(admin, 'users');

  const { provider, page: alicePage } = await sdkClientAsAlice(browser);
  const session = new Client({ name: 'e2e', version: '1' });
  await session.connect(new StreamableHTTPClientTransport(new URL(serve.mcpUrl), { authProvider: provider as never }));
  const me = JSON.parse(((await session.callTool({ name: 'whoami', arguments: {} })).content as { text: string }[])[0]!.text);
  expect(me.username).toBe('alice');
  await session.close();

  await openClient('Auth Desk test client');
  await expect(admin.getByText('Dynamic').first()).toBeVisible();
  await admin.getByRole('tab', { name: 'Consents' }).click();
  const aliceRow = admin.getByRole('row', { name: /alice/ });
  await expect(aliceRow).toBeVisible();
  await shot(admin, 'client-consents');

  await admin.getByRole('button', { name: 'Revoke consent of alice' }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Revoke access' }).click();
  await expect(admin.getByText('No user has consented to this client yet.')).toBeVisible();

  const { access_token, refresh_token } = provider.savedTokens!;
  expect(await whoami(access_token)).toBe(401);
  const refresh = await fetch(`${serve.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh_token!, client_id: provider.clientInfo!.client_id as string }),
  });
  expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');

  // Alice is still signed in in her browser, but must consent again.
  const again = new MemoryOAuthClientProvider(callbacks.url());
  again.clientInfo = provider.clientInfo;
  await new Client({ name: 'e2e', version: '1' })
    .connect(new StreamableHTTPClientTransport(new URL(serve.mcpUrl), { authProvider: again as never }))
    .catch(() => undefined);
  await alicePage.goto(again.authorizationUrl!.href);
  await expect(alicePage.getByRole('heading', { name: 'Allow access?' })).toBeVisible();
  await shot(alicePage, 'consent-page');
});

test('disabling a client stops its tokens; enabling restores them; deleting removes it', async () => {
  const token = await clientCredentials(machine.clientId, machine.secret);
  await openClient('Nightly job');

  await admin.getByRole('button', { name: 'Disable', exact: true }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Disable client' }).click();
  await expect(admin.getByText('Disabled').first()).toBeVisible();
  expect(await whoami(token.access_token)).toBe(401);
  await expect(clientCredentials(machine.clientId, machine.secret)).rejects.toThrow();

  await admin.getByRole('button', { name: 'Enable', exact: true }).click();
  await expect(admin.getByRole('button', { name: 'Disable', exact: true })).toBeVisible();
  expect(await whoami(token.access_token)).toBe(200);

  await admin.getByRole('button', { name: 'Delete', exact: true }).click();
  await admin.getByRole('dialog').getByRole('button', { name: 'Delete client' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Clients' })).toBeVisible();
  await expect(admin.getByRole('link', { name: 'Nightly job', exact: true })).toHaveCount(0);
  expect(await whoami(token.access_token)).toBe(401);
});

test('the server page shows where the server runs', async () => {
  await nav('Server').click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Server' })).toBeVisible();
  await expect(admin.getByText(serve.issuer).first()).toBeVisible();
  await expect(admin.getByText(serve.dataDir).first()).toBeVisible();
  await shot(admin, 'server');
});

test('without the admin token nothing is shown and the API refuses', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${serve.issuer}/admin/`);
  await expect(page.getByText(/admin link/i).first()).toBeVisible();
  const response = await fetch(`${serve.issuer}/admin/api/listClients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  expect(response.status).toBe(401);
});
