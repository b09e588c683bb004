import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readBody, replayRequest } from '../../../../src/main/server/http/body';

/**
 * replayRequest: after the router read a body (and perhaps rewrote it), the
 * engine must read the new body from a request that otherwise is the original.
 * A real node:http request, read the way oidc-provider reads a body. The engine
 * itself reads replayed requests in every integration test of the token,
 * introspection, revocation and registration endpoints (chunked bodies in
 * test/integration/chunked-bodies.test.ts, malformed and wrongly typed ones in
 * test/integration/fuzz).
 */

/** Reads a body the way oidc-provider's selective_body does. */
async function readLikeTheEngine(req: IncomingMessage): Promise<string | undefined> {
  if (!req.readable) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req.iterator({ destroyOnReturn: false })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function withRequest(send: { body: string; headers: Record<string, string> }, handle: (req: IncomingMessage) => Promise<unknown>): Promise<unknown> {
  let seen: unknown;
  const server = createServer((req, res) => {
    handle(req).then(
      (value) => {
        seen = value;
        res.end('ok');
      },
      (error: unknown) => {
        seen = error;
        res.end('error');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/token?x=1', headers: send.headers }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(send.body);
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return seen;
}

describe('replayRequest', () => {
  it('gives the engine the new body to read, with a matching Content-Length, and the original method, URL, headers, socket and HTTP version', async () => {
    const seen = (await withRequest(
      { body: 'grant_type=client_credentials&resource=a', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-extra': 'kept' } },
      async (req) => {
        const original = (await readBody(req)).toString('utf8');
        const replay = replayRequest(req, Buffer.from('grant_type=client_credentials&resource=b', 'utf8'));
        return {
          original,
          originalReadable: req.readable,
          replayed: await readLikeTheEngine(replay),
          contentLength: replay.headers['content-length'],
          originalContentLength: req.headers['content-length'],
          inherited: [replay.method, replay.url, replay.headers['x-extra'], replay.socket === req.socket, replay.httpVersionMajor],
        };
      },
    )) as Record<string, unknown>;
    expect(seen).toEqual({
      original: 'grant_type=client_credentials&resource=a',
      originalReadable: false,
      replayed: 'grant_type=client_credentials&resource=b',
      contentLength: String('grant_type=client_credentials&resource=b'.length),
      originalContentLength: String('grant_type=client_credentials&resource=a'.length),
      inherited: ['POST', '/token?x=1', 'kept', true, 1],
    });
  });

  it('drops Transfer-Encoding: the replayed body has a length', async () => {
    const seen = (await withRequest(
      { body: '{"a":1}', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
      async (req) => {
        const body = await readBody(req);
        const replay = replayRequest(req, body);
        return { te: replay.headers['transfer-encoding'] ?? null, length: replay.headers['content-length'], body: await readLikeTheEngine(replay) };
      },
    )) as Record<string, unknown>;
    expect(seen).toEqual({ te: null, length: '7', body: '{"a":1}' });
  });
});
