import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { startServe, type ServeProcess } from './serve-process';
import { registerClient } from '../helpers/oauth';
import { pkcePair } from '../helpers/http-browser';
import { startTestServer } from '../helpers/server';
import { DocumentServer, testResolver } from '../helpers/document-server';
import { wholePageShot as shot } from './screenshots';

/**
 * The Registration page: settings changed in the UI are honoured by the
 * server at once (discovery, /register), and a metadata-document client,
 * approved on the page, has its document shown and refreshed on its detail page.
 */


const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

async function discovery(issuer: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
}

const dcr = (issuer: string, redirectUri: string) =>
  registerClient(issuer, {
    client_name: 'Registration policy probe',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });

async function save(page: Page) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(/^Registration settings saved/).last()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
}

async function pickOption(page: Page, label: string, option: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test.describe('settings against `npm run serve`', () => {
  test.describe.configure({ mode: 'serial' });
  let serve: ServeProcess;
  let admin: Page;

  test.beforeAll(async ({ browser }) => {
    serve = await startServe();
    admin = await (await browser.newContext()).newPage();
  });

  test.afterAll(async () => {
    await serve?.stop();
  });

  const metadataSwitch = () => admin.getByRole('switch', { name: 'Accept clients identified by a metadata document URL' });
  const dcrSwitch = () => admin.getByRole('switch', { name: 'Allow clients to register themselves' });

  test('the page shows the defaults; a bad domain is named in its field error', async () => {
    await admin.goto(serve.adminUrl);
    await nav(admin, 'Registration').click();
    await expect(admin.getByRole('heading', { level: 1, name: 'Registration' })).toBeVisible();
    await expect(admin.getByRole('heading', { name: 'Client ID Metadata Documents' })).toBeVisible();
    await expect(admin.getByRole('heading', { name: 'Dynamic Client Registration' })).toBeVisible();
    await expect(metadataSwitch()).toBeChecked();
    await expect(dcrSwitch()).toBeChecked();
    await expect(admin.getByRole('radio', { name: 'Any domain' })).toBeChecked();
    await expect(admin.getByRole('combobox', { name: 'Redirect URIs allowed' })).toHaveValue('Any valid redirect URI');
    await expect(admin.getByText('No client is waiting for approval.')).toBeVisible();
    expect((await discovery(serve.issuer)).client_id_metadata_document_supported).toBe(true);

    const blocked = admin.getByRole('combobox', { name: 'Blocked domains' });
    await blocked.fill('bad_domain.example');
    await blocked.press('Enter');
    await admin.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(admin.getByText('“bad_domain.example”: a domain name such as example.com')).toBeVisible();
    await admin.getByRole('button', { name: 'Discard changes' }).click();
    await expect(admin.getByText('bad_domain.example')).toHaveCount(0);
  });

  test('metadata documents off and loopback-only redirect URIs are honoured by the server', async () => {
    await metadataSwitch().uncheck();
    await pickOption(admin, 'Redirect URIs allowed', 'Loopback only (http://127.0.0.1, http://localhost)');
    await save(admin);

    expect(await discovery(serve.issuer)).not.toHaveProperty('client_id_metadata_document_supported');
    const https = await dcr(serve.issuer, 'https://app.example/cb');
    expect(https.status).toBe(400);
    expect(https.body.error).toBe('invalid_redirect_uri');
    expect((await dcr(serve.issuer, 'http://127.0.0.1:33418/callback')).status).toBe(201);

    // What was saved is what the page shows after a reload.
    await admin.reload();
    await expect(metadataSwitch()).not.toBeChecked();
    await expect(admin.getByRole('combobox', { name: 'Redirect URIs allowed' })).toHaveValue('Loopback only (http://127.0.0.1, http://localhost)');
    await shot(admin, 'registration-settings');
  });

  test('DCR off: /register answers 403; back to the defaults, both work again', async () => {
    await dcrSwitch().uncheck();
    await save(admin);
    expect((await dcr(serve.issuer, 'http://127.0.0.1:33418/callback')).status).toBe(403);

    await dcrSwitch().check();
    await metadataSwitch().check();
    await pickOption(admin, 'Redirect URIs allowed', 'Any valid redirect URI');
    await save(admin);
    expect((await discovery(serve.issuer)).client_id_metadata_document_supported).toBe(true);
    expect((await dcr(serve.issuer, 'https://app.example/cb')).status).toBe(201);
  });

  test('dormant clients: none among clients just registered', async () => {
    await expect(admin.getByLabel('Unused for at least (days)')).toHaveValue('30');
    await admin.getByRole('button', { name: 'Find dormant clients' }).click();
    await expect(admin.getByText('No self-registered client has been unused for 30 days.')).toBeVisible();
  });
});

test.describe('a metadata-document client (in-process server trusting a test CA)', () => {
  test.describe.configure({ mode: 'serial' });
  const rendererDir = resolve('out/renderer');
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let documents: DocumentServer;
  let admin: Page;
  let documentUrl: string;
  /** The server's clock for its own records, moved on to make clients dormant. */
  let clockOffset = 0;

  /** The admin API over HTTP, with the token from the admin link (as the UI calls it). */
  async function adminApi(operation: string, input: unknown) {
    const token = new URL(server.adminUrl!).hash.replace(/^#token=/, '');
    const response = await fetch(`${server.issuer}/admin/api/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const result = (await response.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
    if (!result.ok) throw new Error(`${operation}: ${result.error?.message}`);
    return result.value;
  }

  /** GET /authorize with the document URL as client_id (the server resolves the document). */
  async function authorizeWith(clientId: string) {
    const params = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: 'http://127.0.0.1:9/callback',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      state: 'st',
      resource: server.mcpUrl,
    });
    const response = await fetch(`${server.issuer}/authorize?${params}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    return { status: response.status, page: await response.text() };
  }

  test.beforeAll(async ({ browser }) => {
    // Built by `npm run serve` (the first describe) or `npx electron-vite build`.
    expect(existsSync(resolve(rendererDir, 'index.html')), `build the admin UI first: ${rendererDir}`).toBe(true);
    documents = await new DocumentServer().start();
    server = await startTestServer({
      now: () => Date.now() + clockOffset,
      adminUi: { dir: rendererDir },
      metadataDocumentFetch: { extraCaPem: documents.caPem, resolver: testResolver().resolve },
    });
    admin = await (await browser.newContext()).newPage();
    documents.document('/editor.json', { client_name: 'Document Editor', client_uri: 'https://editor.example', software_id: 'editor', software_version: '1.2.0' });
    documentUrl = documents.url('/editor.json');
  });

  test.afterAll(async () => {
    await server?.close();
    server?.removeDataDir();
    await documents?.close();
  });

  test('a new document client waits for approval on the page (live), with a count on the navbar', async () => {
    const settings = (await adminApi('getRegistrationSettings', {})) as { metadataDocuments: Record<string, unknown> };
    await adminApi('updateRegistrationSettings', {
      ...settings,
      metadataDocuments: { ...settings.metadataDocuments, trust: 'approval', privateHostsAllowed: ['localhost'] },
    });

    await admin.goto(server.adminUrl!);
    await nav(admin, 'Registration').click();
    await expect(admin.getByRole('heading', { level: 1, name: 'Registration' })).toBeVisible();
    await expect(admin.getByRole('radio', { name: 'Ask me to approve each new client' })).toBeChecked();
    const hosts = admin.getByRole('combobox', { name: 'Hosts allowed on this computer or private network' });
    await expect(hosts).toBeVisible();
    await expect(admin.getByText('localhost', { exact: true })).toBeVisible();
    await expect(admin.getByText('No client is waiting for approval.')).toBeVisible();

    const waiting = await authorizeWith(documentUrl);
    expect(waiting.status).toBe(403);
    expect(waiting.page).toContain('Waiting for administrator approval');

    const pending = admin.getByRole('table', { name: 'Waiting for approval' });
    await expect(pending.getByRole('row').filter({ hasText: 'Document Editor' })).toContainText(`localhost:${documents.port}`);
    // The navbar link keeps its name; the count is beside it and described.
    await expect(nav(admin, 'Registration')).toHaveAccessibleDescription('1 client is waiting for approval');
    await shot(admin, 'registration-approval');

    await admin.getByRole('button', { name: 'Approve Document Editor' }).click();
    await expect(admin.getByText('No client is waiting for approval.')).toBeVisible();
    const decided = admin.getByRole('table', { name: 'Decided' });
    await expect(decided.getByRole('row').filter({ hasText: 'Document Editor' })).toContainText('Approved');
    await expect(decided.getByRole('button', { name: 'Block Document Editor' })).toBeVisible();
    await expect(nav(admin, 'Registration')).not.toHaveAccessibleDescription(/waiting/);

    // Approved: the server resolves the document and keeps the client.
    const resolved = await authorizeWith(documentUrl);
    expect(resolved.status).toBeLessThan(400);
  });

  test("the client's detail page shows its document; Refresh fetches it again, and says why when it cannot", async () => {
    await nav(admin, 'Clients').click();
    const row = admin.getByRole('row', { name: /Document Editor/ });
    await expect(row).toContainText('Metadata URL');
    await row.getByRole('link', { name: 'Document Editor', exact: true }).click();
    await expect(admin.getByRole('heading', { level: 1, name: 'Document Editor' })).toBeVisible();

    const section = admin.getByRole('region', { name: 'Metadata document' });
    await expect(section.getByRole('link', { name: documentUrl })).toHaveAttribute('target', '_blank');
    await expect(section.getByRole('link', { name: documentUrl })).toHaveAttribute('rel', 'noreferrer');
    await expect(section).toContainText('Last fetched');
    await expect(section).toContainText('just now');
    await expect(section.locator('pre')).toContainText('"client_name": "Document Editor"');
    await expect(section.locator('pre')).toContainText('"software_version": "1.2.0"');
    // No secret to rotate; redirect URIs are not edited here.
    await expect(admin.getByRole('button', { name: 'Rotate secret' })).toHaveCount(0);
    await admin.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = admin.getByRole('dialog', { name: 'Edit client' });
    await expect(edit.getByLabel('Redirect URIs')).toHaveCount(0);
    await expect(edit.getByText(/Redirect URIs come from the metadata document/)).toBeVisible();
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await expect(edit).toHaveCount(0);
    await expect(admin.getByText(/approved: it can now ask users for access/)).toBeHidden();
    await shot(admin, 'metadata-document-client');

    // The document changes: Refresh shows the new version.
    const before = documents.requestsTo('/editor.json');
    documents.document('/editor.json', { client_name: 'Document Editor', software_id: 'editor', software_version: '1.3.0' });
    await section.getByRole('button', { name: 'Refresh' }).click();
    await expect(admin.getByText('Metadata document fetched again.')).toBeVisible();
    await expect(section.locator('pre')).toContainText('"software_version": "1.3.0"');
    expect(documents.requestsTo('/editor.json')).toBeGreaterThan(before);

    // The document is gone: the reason is shown.
    documents.routes.set('/editor.json', { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' });
    await section.getByRole('button', { name: 'Refresh' }).click();
    await expect(section.getByRole('alert')).toContainText('the document could not be used');
  });

  test('dormant clients: found after 30 days unused, removed after confirmation', async () => {
    const old = [
      (await dcr(server.issuer, 'http://127.0.0.1:33418/callback')).body.client_id,
      (await dcr(server.issuer, 'http://127.0.0.1:33419/callback')).body.client_id,
    ];
    clockOffset = 31 * 86_400_000;
    const fresh = (await dcr(server.issuer, 'http://127.0.0.1:33420/callback')).body.client_id;

    await nav(admin, 'Registration').click();
    const section = admin.getByRole('region', { name: 'Dormant clients' });
    await section.getByRole('button', { name: 'Find dormant clients' }).click();
    const table = section.getByRole('table', { name: 'Dormant clients' });
    for (const clientId of old) await expect(table.getByRole('row').filter({ hasText: clientId })).toHaveCount(1);
    await expect(table.getByRole('row').filter({ hasText: fresh })).toHaveCount(0);
    // The metadata-document client is not self-registered by DCR: never listed.
    await expect(table.getByRole('row').filter({ hasText: 'Document Editor' })).toHaveCount(0);

    await section.getByRole('checkbox', { name: 'Select all dormant clients' }).check();
    await expect(section).toContainText('2 selected');
    // The notifications of the previous test have gone (they would hide the table).
    await expect(admin.getByRole('alert')).toHaveCount(0, { timeout: 15_000 });
    await shot(admin, 'registration-dormant');
    await section.getByRole('button', { name: 'Remove selected' }).click();
    await admin.getByRole('dialog', { name: 'Remove dormant clients?' }).getByRole('button', { name: 'Remove clients' }).click();
    await expect(admin.getByText('2 dormant clients removed.')).toBeVisible();
    await expect(section.getByText('No self-registered client has been unused for 30 days.')).toBeVisible();
    const left = ((await adminApi('listClients', {})) as { clients: { clientId: string }[] }).clients.map((client) => client.clientId);
    expect(left).toContain(fresh);
    for (const clientId of old) expect(left).not.toContain(clientId);
  });
});
