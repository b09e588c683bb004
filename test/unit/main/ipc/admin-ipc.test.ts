import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { AdminService } from '../../../../src/main/admin/service';
import { registerAdminIpc, type RendererLocation } from '../../../../src/main/ipc/admin-ipc';
import { OPERATION_NAMES, type OperationName } from '../../../../src/shared/operations';

/**
 * The admin IPC bridge: one handler per contract operation, and each refuses
 * any caller that is not the app's own page in its top frame (Electron
 * security checklist item 17). Stand-ins replace ipcMain, the service and the
 * sender frame; no Electron runs here.
 */

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
type Frame = { url: string; parent: unknown } | null;

const INDEX_FILE = resolve('out', 'renderer', 'index.html');
const INDEX_URL = pathToFileURL(INDEX_FILE).href;
const FORBIDDEN = { ok: false, error: { code: 'forbidden' } };

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    handle: vi.fn((channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    }),
    removeHandler: vi.fn((channel: string) => {
      handlers.delete(channel);
    }),
  };
}

function fakeService() {
  const calls: { op: OperationName; input: unknown }[] = [];
  const service = Object.fromEntries(
    OPERATION_NAMES.map((op) => [
      op,
      async (input: unknown) => {
        calls.push({ op, input });
        return { ok: true, value: { op, input } };
      },
    ]),
  ) as unknown as AdminService;
  return { service, calls };
}

function setup(renderer: RendererLocation = { indexFile: INDEX_FILE }) {
  const ipcMain = fakeIpcMain();
  const { service, calls } = fakeService();
  const unregister = registerAdminIpc(ipcMain, service, renderer);
  const invoke = (op: OperationName, frame: Frame, input: unknown = { probe: op }) => {
    const handler = ipcMain.handlers.get(`admin:${op}`);
    if (!handler) throw new Error(`no handler for admin:${op}`);
    return handler({ senderFrame: frame }, input);
  };
  return { ipcMain, calls, unregister, invoke };
}

const topFrame = (url: string): Frame => ({ url, parent: null });

describe('registering the admin operations', () => {
  it('registers exactly one handler per operation, on admin:<name>, and no generic channel', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map((name) => `admin:${name}`).sort());
    expect(ipcMain.handle).toHaveBeenCalledTimes(OPERATION_NAMES.length);
    for (const channel of ipcMain.handlers.keys()) {
      expect(channel).toMatch(/^admin:[A-Za-z]+$/);
    }
    expect(ipcMain.handlers.has('admin')).toBe(false);
    expect(ipcMain.handlers.has('admin:*')).toBe(false);
    expect(ipcMain.handlers.has('admin:invoke')).toBe(false);
  });

  it('unregister removes every handler it added', () => {
    const { ipcMain, unregister } = setup();
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.removeHandler.mock.calls.map(([channel]) => channel).sort()).toEqual(
      OPERATION_NAMES.map((name) => `admin:${name}`).sort(),
    );
  });
});

describe('calls from the app itself', () => {
  it.each(OPERATION_NAMES)('passes the input of %s from the top frame of the built index.html to the service', async (op) => {
    const { calls, invoke } = setup();
    const input = { some: 'input', for: op };
    await expect(invoke(op, topFrame(INDEX_URL), input)).resolves.toEqual({ ok: true, value: { op, input } });
    expect(calls).toEqual([{ op, input }]);
  });

  it('trusts the dev server page when the frame has the dev server origin', async () => {
    const { calls, invoke } = setup({ devServerUrl: 'http://localhost:5173', indexFile: INDEX_FILE });
    await expect(invoke('listClients', topFrame('http://localhost:5173/#/clients'), { limit: 5 })).resolves.toEqual({
      ok: true,
      value: { op: 'listClients', input: { limit: 5 } },
    });
    expect(calls).toHaveLength(1);
  });
});

describe('calls from anyone else are refused without reaching the service', () => {
  const otherFile = pathToFileURL(resolve('out', 'renderer', 'other.html')).href;

  it.each<[string, Frame]>([
    ['no sender frame (null)', null],
    ['a child frame of the app page', { url: INDEX_URL, parent: { url: INDEX_URL, parent: null } }],
    ['a remote site', topFrame('https://evil.example/')],
    ['a different local file', topFrame(otherFile)],
    ['a malformed URL', topFrame('not a url')],
    ['an empty URL', topFrame('')],
  ])('refuses %s', async (_label, frame) => {
    const { calls, invoke } = setup();
    await expect(invoke('deleteClient', frame, { clientId: 'victim' })).resolves.toMatchObject(FORBIDDEN);
    expect(calls).toEqual([]);
  });

  it('refuses a frame with no senderFrame property at all', async () => {
    const { ipcMain, calls } = setup();
    const handler = ipcMain.handlers.get('admin:deleteClient')!;
    await expect(handler({}, { clientId: 'victim' })).resolves.toMatchObject(FORBIDDEN);
    expect(calls).toEqual([]);
  });

  it('refuses a dev-server URL of another origin (another port)', async () => {
    const { calls, invoke } = setup({ devServerUrl: 'http://localhost:5173', indexFile: INDEX_FILE });
    await expect(invoke('addUser', topFrame('http://localhost:5174/'), { username: 'mallory' })).resolves.toMatchObject(FORBIDDEN);
    expect(calls).toEqual([]);
  });

  it('refuses the built index.html while a dev server is the renderer', async () => {
    const { calls, invoke } = setup({ devServerUrl: 'http://localhost:5173', indexFile: INDEX_FILE });
    await expect(invoke('listUsers', topFrame(INDEX_URL))).resolves.toMatchObject(FORBIDDEN);
    expect(calls).toEqual([]);
  });

  it('refuses every operation, not just some', async () => {
    const { calls, invoke } = setup();
    for (const op of OPERATION_NAMES) {
      await expect(invoke(op, topFrame('https://evil.example/'))).resolves.toMatchObject(FORBIDDEN);
    }
    expect(calls).toEqual([]);
  });
});
