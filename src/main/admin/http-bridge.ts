import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { isOperationName } from '../../shared/operations';
import type { EventLog } from '../store/events';
import { constantTimeEqual } from '../store/hashing';
import { HttpError, mediaType, readBody, sendJson } from '../server/http/body';
import type { AdminService } from './service';

/**
 * Browser mode: the admin UI at /admin and the admin contract over HTTP at
 * /admin/api/<operation>, on the server's own loopback port.
 *
 * The admin token (a file in the data folder, printed in the admin link at
 * start) must come in the Authorization header of every API call: never a
 * cookie, so no other page can make the browser send it. Calls must also be
 * same-origin: no CORS is granted, and a foreign Origin is refused.
 */

export const ADMIN_PATH = '/admin';
const API_PREFIX = `${ADMIN_PATH}/api/`;
/** Live activity as server-sent events (read with fetch, so the token can travel in a header). */
export const ACTIVITY_STREAM_PATH = `${ADMIN_PATH}/activity-stream`;
const HEARTBEAT_MS = 20_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

export interface AdminBridgeDeps {
  service: AdminService;
  events: EventLog;
  token: string;
  /** The built renderer (out/renderer); undefined when not built. */
  uiDir: string | undefined;
}

export function createAdminBridge(deps: AdminBridgeDeps) {
  function sendFile(res: ServerResponse, file: string): void {
    const body = readFileSync(file);
    res.statusCode = 200;
    res.setHeader('Content-Type', CONTENT_TYPES[extname(file)] ?? 'application/octet-stream');
    res.setHeader('Content-Length', body.length);
    res.setHeader('Content-Security-Policy', ADMIN_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', file.endsWith('.html') ? 'no-store' : 'max-age=31536000, immutable');
    res.end(body);
  }

  function serveUi(res: ServerResponse, path: string): void {
    if (!deps.uiDir || !existsSync(join(deps.uiDir, 'index.html'))) {
      res.statusCode = 503;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('The admin UI is not built yet. Run `npm run build`, then reload this page.\n');
      return;
    }
    const relative = path.slice(ADMIN_PATH.length + 1) || 'index.html';
    const file = normalize(join(deps.uiDir, decodeURIComponent(relative)));
    if (!file.startsWith(deps.uiDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      // Unknown paths get the app (it routes by the URL fragment), assets must exist.
      if (relative.startsWith('assets/')) {
        sendJson(res, 404, { error: 'not_found' });
        return;
      }
      sendFile(res, join(deps.uiDir, 'index.html'));
      return;
    }
    sendFile(res, file);
  }

  /** Why the call may not run (with its HTTP status), or undefined. */
  function refusal(req: IncomingMessage, host: string): { status: number; message: string } | undefined {
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if ((origin !== undefined && origin !== `http://${host}`) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      return { status: 403, message: 'admin calls must come from the admin page itself' };
    }
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    if (!token || !constantTimeEqual(token, deps.token)) {
      return { status: 401, message: 'a valid admin token is required (open the admin link printed at start)' };
    }
    return undefined;
  }

  async function callApi(req: IncomingMessage, res: ServerResponse, path: string, host: string): Promise<void> {
    const name = path.slice(API_PREFIX.length);
    if (req.method !== 'POST') {
      sendJson(res, 405, { ok: false, error: { code: 'invalid_input', message: 'use POST' } }, { Allow: 'POST' });
      return;
    }
    const refused = refusal(req, host);
    if (refused) {
      sendJson(res, refused.status, { ok: false, error: { code: 'forbidden', message: refused.message } }, { 'Cache-Control': 'no-store' });
      return;
    }
    if (!isOperationName(name)) {
      sendJson(res, 404, { ok: false, error: { code: 'not_found', message: `no admin operation named ${name}` } });
      return;
    }
    if (mediaType(req) !== 'application/json') {
      sendJson(res, 415, { ok: false, error: { code: 'invalid_input', message: 'send the input as application/json' } });
      return;
    }
    let input: unknown;
    try {
      const body = (await readBody(req)).toString('utf8');
      input = body.length ? JSON.parse(body) : {};
    } catch (error) {
      const message = error instanceof HttpError ? error.message : 'the body is not valid JSON';
      sendJson(res, error instanceof HttpError ? error.status : 400, { ok: false, error: { code: 'invalid_input', message } });
      return;
    }
    const result = await deps.service[name](input);
    // Results carry one-time secrets (a new client secret): never cache them.
    sendJson(res, 200, result, { 'Cache-Control': 'no-store' });
  }

  function streamActivity(req: IncomingMessage, res: ServerResponse, host: string): void {
    const refused = refusal(req, host);
    if (refused) {
      sendJson(res, refused.status, { ok: false, error: { code: 'forbidden', message: refused.message } });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    const unsubscribe = deps.events.subscribe((event) => {
      res.write(`id: ${event.id}\nevent: activity\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  /** Handles the request if it is an admin route; returns false otherwise. */
  return async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string, host: string): Promise<boolean> {
    if (path !== ADMIN_PATH && !path.startsWith(`${ADMIN_PATH}/`)) return false;
    if (path.startsWith(API_PREFIX)) {
      await callApi(req, res, path, host);
      return true;
    }
    if (path === ACTIVITY_STREAM_PATH) {
      if (req.method !== 'GET') sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
      else streamActivity(req, res, host);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
      return true;
    }
    if (path === ADMIN_PATH) {
      res.statusCode = 308;
      res.setHeader('Location', `${ADMIN_PATH}/`);
      res.end();
      return true;
    }
    serveUi(res, path);
    return true;
  };
}
